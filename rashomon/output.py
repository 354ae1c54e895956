"""Writing and validating analysis.json against the published schema."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import orjson

from .errors import SchemaError
from .model import Analysis


@lru_cache(maxsize=1)
def schema() -> dict:
    """The published JSON Schema of analysis.json."""
    return json.loads(resources.files("rashomon").joinpath("schema/analysis.schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator():
    """jsonschema-rs's draft 2020-12 validator, compiled once: it checks a 750-article analysis
    in about 10 ms where the pure-Python jsonschema takes about 1.7 s (measured on the eval sets'
    output), which was most of the cost of writing analysis.json."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(schema())


def validate(doc: dict) -> None:
    """Raise SchemaError naming every place where ``doc`` breaks the contract."""
    validator = _validator()
    if validator.is_valid(doc):
        return
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(x) for x in e.instance_path])
    if errors:
        lines = [f"/{'/'.join(map(str, e.instance_path))}: {e.message}" for e in errors[:20]]
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise SchemaError("analysis.json does not satisfy the schema:\n" + "\n".join(lines) + more)


def write(analysis: Analysis, out_dir: str | Path, *, report: bool = True, check: bool = True) -> dict[str, Path]:
    """Write DIR/analysis.json (validated) and the HTML report; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = analysis.to_json()
    if check:
        validate(doc)
    paths = {"analysis": out / "analysis.json"}
    # orjson: the standard library's encoder runs in Python whenever it indents (4.2 M calls,
    # seconds, for a thousand articles); orjson writes the same JSON, indented by two spaces
    paths["analysis"].write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
    if report:
        from .report import write_report

        paths["report"] = write_report(analysis, out)
    return paths
