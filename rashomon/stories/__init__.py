"""Stories: articles grouped by the real-world development they report; storylines across them.

Online clustering in the manner of Miranda et al. (EMNLP 2018, "Multilingual Clustering of
Streaming News"): each article, in publication-date order (then id), joins the best existing
story or opens a new one. An article is described by three sparse vector families, ``words``
(lemmas or light-stemmed tokens, title terms counted twice), ``names`` (people, places,
organisations) and ``numbers`` (numbers and calendar words): names and numbers are the evidence
that tells two earthquakes apart. Plus its date. A story keeps, per family, the sum of its
articles' unit TF-IDF vectors (pruned to its strongest terms), its date range and its article ids.
The decision combines the per-family cosines with a time term; its weights are data
(``data/story_weights.json``, fitted on both dev sets together). Time, measured as the gap from the
article's date to the story's date range: a decay ``exp(-gap/scale)`` that turns into evidence
*against* after a week or two (a development weeks later about the same actors is a new story,
which a storyline then links), and the names/numbers cosines decay with the gap too (shared
people and dates mark a storyline, not a story). An undated article meeting a dated story gets a
penalty instead: it joins only when clearly similar. In a batch, undated articles come after the
dated ones, the clearest first.

Candidate stories come from an inverted index on the top terms of each story, never from a
scan of all stories, and stories whose last article is older than ``max_gap_days`` are retired
from the index, so a stream of 100,000+ articles costs the same per article as a small batch.
``StoryClusterer.to_state()`` / ``from_state()`` give the whole state as plain JSON data.

``stories_stage(analysis, docs=None)`` runs it over a batch (IDF primed on the batch first);
``storylines_stage(analysis)`` links stories that continue one thread weeks or months apart.

Modules: ``features`` (per article, with or without a spaCy Doc), ``clusterer`` (the online
state), ``stage`` (the batch stage over an Analysis), ``storylines`` (links between stories).
"""
from .clusterer import StoryClusterer, load_weights
from .features import ArticleFeatures, feature_extractor
from .stage import arrival_order, stories_stage
from .storylines import storylines_stage

__all__ = ["ArticleFeatures", "StoryClusterer", "feature_extractor", "stories_stage",
           "storylines_stage", "load_weights", "arrival_order"]
