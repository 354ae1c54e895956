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


def _richer():
    a = _analysis()
    b = Article(id="a-2", source=Source("y.txt", 0), text="Snow \"fell\"\nall night.\u00a0", title=None)
    a.articles.append(b)
    a.quotes.append({"id": "q-1", "article": "a-2", "start": 0, "end": 4, "text": "Snow", "direct": False,
                     "speaker": None, "speaker_text": None, "cue": None})
    a.stats["ignored"] = 1
    return a


def test_written_json_is_the_document_byte_for_byte(tmp_path):
    """The item-by-item writer gives exactly the bytes of encoding the whole document at once."""
    import orjson

    analysis = _richer()
    path = write(analysis, tmp_path, report=False, check=False)["analysis"]
    whole = orjson.dumps(analysis.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    assert path.read_bytes() == whole
    assert json.loads(path.read_bytes())["articles"][1]["text"] == "Snow \"fell\"\nall night.\u00a0"


def test_broken_item_is_named_and_leaves_no_file(tmp_path):
    write(_richer(), tmp_path / "ok", report=False)  # valid as it is
    analysis = _richer()
    analysis.articles[1].published = "yesterday"  # not a date
    analysis.quotes[0]["start"] = "zero"
    with pytest.raises(SchemaError) as err:
        write(analysis, tmp_path, report=False)
    assert "/articles/1/published" in str(err.value)
    assert "/quotes/0" in str(err.value)
    assert [p.name for p in tmp_path.iterdir()] == ["ok"]  # neither analysis.json nor its partial file
