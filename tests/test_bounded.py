"""``rashomon analyze --slice N``: the analysis through the store, in bounded memory.

One slice gives exactly what the in-memory analysis gives (analysis.json and report); smaller
slices give a valid analysis of every article with the same reuse; analysis.json is streamed
from the store; the report of a large corpus shows its largest stories and says so. Our own
example corpus."""
import json
from pathlib import Path

import pytest

import rashomon
from rashomon.errors import RashomonError
from rashomon.bounded import analyze_bounded, report_part
from rashomon.cli import main
from rashomon.output import validate, write, write_json
from rashomon.store import open_store
from rashomon.store import stream as store_stream



@pytest.fixture(scope="module")
def in_memory(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("memory")
    write(rashomon.analyze(corpus), out)
    return out


@pytest.fixture(scope="module")
def one_slice(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("bounded")
    paths, stats = analyze_bounded([corpus], out, workers=2, batch_size=4)  # the workers' pool, several batches
    return out, paths, stats


def test_one_slice_gives_the_in_memory_analysis_and_report(one_slice, in_memory):
    out, paths, stats = one_slice
    assert paths["store"] == out / "rashomon.duckdb" and paths["store"].is_file()
    assert (out / "analysis.json").read_bytes() == (in_memory / "analysis.json").read_bytes()
    assert (out / "index.html").read_text("utf-8") == (in_memory / "index.html").read_text("utf-8")
    stories = sorted(p.name for p in (in_memory / "stories").glob("*.html"))
    assert stories and sorted(p.name for p in (out / "stories").glob("*.html")) == stories
    assert stats["articles"] == len(json.loads((out / "analysis.json").read_text("utf-8"))["articles"])
    assert stats["rejections"], "the example corpus's empty download is rejected"


def test_small_slices_analyse_every_article_with_the_same_reuse(corpus, in_memory, tmp_path):
    ref = json.loads((in_memory / "analysis.json").read_text("utf-8"))
    analyze_bounded([corpus], tmp_path, slice_size=2, batch_size=2, workers=1, report=False)
    doc = json.loads((tmp_path / "analysis.json").read_text("utf-8"))
    validate(doc)
    assert not (tmp_path / "index.html").exists()
    assert doc["articles"] == ref["articles"] and doc["rejected"] == ref["rejected"]
    assert doc["reuse"] == ref["reuse"]
    members = [a for s in doc["stories"] for a in s["articles"]]
    assert sorted(members) == sorted(a["id"] for a in doc["articles"])  # each article in one story
    assert sorted(q["text"] for q in doc["quotes"]) == sorted(q["text"] for q in ref["quotes"])


def test_streamed_analysis_json_equals_the_in_memory_one(one_slice, in_memory, tmp_path, monkeypatch):
    """Read from the store a few rows at a time (entities merged with their mentions across
    fetches), analysis.json is still the in-memory analysis's, byte for byte."""
    out, _paths, _stats = one_slice
    monkeypatch.setattr(store_stream, "FETCH", 3)
    with open_store(out / "rashomon.duckdb") as s:
        lazy = s.stream()
        assert len(lazy.entities) > 3 * 3 and len(lazy.quotes) > 3
        write_json(lazy, tmp_path / "streamed.json")
    assert (tmp_path / "streamed.json").read_bytes() == (in_memory / "analysis.json").read_bytes()


def test_report_part_shows_the_largest_stories_and_says_what_it_leaves_out(one_slice):
    out, _paths, _stats = one_slice
    with open_store(out / "rashomon.duckdb") as s:
        full = s.analysis()
        part = report_part(s, 1)
    top = full.stories[0]
    assert [x["id"] for x in part.stories] == [top["id"]]
    assert [a.id for a in part.articles] == [a.id for a in full.articles if a.id in top["articles"]]
    keep = set(top["articles"])
    for e in part.entities + part.events:
        assert e["mentions"] and all(m["article"] in keep for m in e["mentions"])
    assert all(q["article"] in keep for q in part.quotes) and all(t["article"] in keep for t in part.times)
    assert all(r["a"] in keep and r["b"] in keep for r in part.reuse)
    assert part.rejected == full.rejected
    scope = part.stats["report_scope"]
    assert f"1 largest of {len(full.stories)} stories" in scope and f"of {len(full.articles)} articles" in scope


def test_report_part_stops_at_its_article_budget_but_shows_the_largest_story(one_slice):
    out, _paths, _stats = one_slice
    with open_store(out / "rashomon.duckdb") as s:
        full = s.analysis()
        sizes = [len(x["articles"]) for x in full.stories]
        assert len(sizes) > 2 and sizes[0] > 1
        part = report_part(s, 10, max_articles=sizes[0] + sizes[1])  # room for two stories
        alone = report_part(s, 10, max_articles=1)  # the largest story is shown even so
    assert [x["id"] for x in part.stories] == [x["id"] for x in full.stories[:2]]
    assert len(part.articles) == sizes[0] + sizes[1]
    assert [x["id"] for x in alone.stories] == [full.stories[0]["id"]] and len(alone.articles) == sizes[0]


def test_report_loads_of_a_big_story_its_compared_and_cited_articles():
    from rashomon.compare import focus_articles

    story = {"articles": ["a", "b", "c", "d", "e"], "compared": ["a", "b"],
             "summary": [{"text": "x", "sources": [{"article": "d", "start": 0, "end": 1}]}],
             "facts": [], "conflicts": [], "timeline": [{"sources": [{"article": "e", "start": 0, "end": 1}]}]}
    assert focus_articles(story) == ["a", "b", "d"]  # the timeline's texts are in its entries
    del story["compared"]
    assert focus_articles(story) == ["a", "b", "c", "d", "e"]


def test_cli_slice_writes_the_store_and_the_report(corpus, tmp_path, capsys):
    assert main(["analyze", str(corpus), "--out", str(tmp_path), "--slice", "3", "--workers", "1", "-q"]) == 0
    printed = capsys.readouterr()
    assert "rejected: " in printed.err and "09_empty_download.txt" in printed.err
    assert f"store: {tmp_path / 'rashomon.duckdb'}" in printed.out
    validate(json.loads((tmp_path / "analysis.json").read_text("utf-8")))
    assert (tmp_path / "index.html").is_file()
    # a second run replaces the store, as it replaces analysis.json
    assert main(["analyze", str(corpus), "--out", str(tmp_path), "--slice", "3", "--workers", "1", "-q"]) == 0
    with open_store(tmp_path / "rashomon.duckdb") as s:
        assert s.counts()["articles"] == len(json.loads((tmp_path / "analysis.json").read_text("utf-8"))["articles"])


def test_bad_memory_limit_is_refused_before_anything_is_read(corpus, tmp_path):
    with pytest.raises(ValueError, match="memory limit"):
        analyze_bounded([corpus], tmp_path, memory_limit="1GB'; DROP TABLE articles; --")


def test_a_store_grown_with_add_in_the_out_dir_is_never_replaced(corpus, tmp_path):
    with open_store(tmp_path / "rashomon.duckdb") as s:
        s.add(corpus / "01_mpa_wire_darsit.txt")
    before = (tmp_path / "rashomon.duckdb").read_bytes()
    with pytest.raises(RashomonError, match="did not write"):
        analyze_bounded([corpus], tmp_path, workers=1)
    assert (tmp_path / "rashomon.duckdb").read_bytes() == before
