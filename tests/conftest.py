"""Fixtures shared by the test modules."""
import shutil
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A copy of our example corpus (examples/corpus), one per test module."""
    d = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(EXAMPLES, d)
    return d
