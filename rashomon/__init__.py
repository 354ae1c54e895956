"""rashomon: what happened, who said what, and how the accounts differ.

Library first: ``rashomon.analyze(paths)`` returns an :class:`Analysis`; the command line
(``rashomon analyze``) is a thin shell over it.
"""
__version__ = "0.1.0"

from .errors import RashomonError  # noqa: E402
from .model import Analysis, Article, Dateline, RawDoc, Rejection, Source  # noqa: E402
from .pipeline import analyze  # noqa: E402
from .store import open_store  # noqa: E402

__all__ = ["analyze", "open_store", "Analysis", "Article", "Dateline", "RawDoc", "Rejection", "Source",
           "RashomonError", "__version__"]
