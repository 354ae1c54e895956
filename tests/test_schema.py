"""The published schema and the outputs we write against it."""
import json

import pytest

from rashomon.errors import SchemaError
from rashomon.model import Analysis, Article, Rejection, Source
from rashomon.output import schema, validate, write


def _analysis():
    art = Article(id="a-1", source=Source("x.txt", 0), text="Rain fell on Tuesday.", title="Rain")
    return Analysis(articles=[art], rejected=[Rejection(Source("bad.bin"), "binary file")])


def test_schema_is_valid_json_schema():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema())


def test_schema_accepts_written_analysis(tmp_path):
    paths = write(_analysis(), tmp_path, report=False)
    doc = json.loads(paths["analysis"].read_text("utf-8"))
    validate(doc)
    assert doc["schema_version"] == "1"
    for key in ("reuse", "entities", "quotes", "times", "events", "stories", "storylines"):
        assert doc[key] == []


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("rejected"),
    lambda d: d["articles"][0].update(published="Oct 11 2020"),
    lambda d: d["articles"][0].update(published_basis="guessed"),
    lambda d: d["rejected"][0].update(reason=""),
])
def test_schema_rejects_broken_output(breakage):
    doc = _analysis().to_json()
    breakage(doc)
    with pytest.raises(SchemaError):
        validate(doc)
