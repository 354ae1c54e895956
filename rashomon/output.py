"""Writing and validating analysis.json against the published schema."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from .errors import SchemaError
from .model import LISTS, Analysis, item_json

if TYPE_CHECKING:
    from .store.stream import StoredAnalysis


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
        _raise([_place([], e) for e in errors[:MAX_ERRORS]], len(errors))


MAX_ERRORS = 20  # places named in a SchemaError


def _place(prefix: list, error) -> str:
    return f"/{'/'.join(map(str, [*prefix, *error.instance_path]))}: {error.message}"


def _raise(lines: list[str], n_errors: int) -> None:
    more = f"\n... and {n_errors - len(lines)} more" if n_errors > len(lines) else ""
    raise SchemaError("analysis.json does not satisfy the schema:\n" + "\n".join(lines) + more)


@lru_cache(maxsize=16)
def _item_validator(key: str):
    """A validator of one item of the top-level list ``key`` (its schema's ``items``, with the
    schema's ``$defs`` for its references)."""
    import jsonschema_rs

    full = schema()
    sub = {"$schema": full["$schema"], "$defs": full["$defs"], **full["properties"][key]["items"]}
    return jsonschema_rs.Draft202012Validator(sub)


_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def write_json(analysis: Analysis | StoredAnalysis, path: str | Path, *, check: bool = True) -> Path:
    """Write ``analysis`` as analysis.json to ``path``, one item at a time.

    The bytes are those of ``orjson.dumps(analysis.to_json(), option=OPT_INDENT_2)``, but the
    whole document never exists in memory, neither as a dict nor as bytes: each item is
    converted, checked against its part of the schema (``check``), encoded and written, then
    dropped (``analysis`` may be a store's ``StoredAnalysis``, whose lists are read from the
    store as they are written; at 10,000 articles the document is about 240 MB of JSON and several times that as
    Python objects). The file is written beside ``path`` and renamed onto it once complete, so
    a failed check leaves no half-written analysis.json; the SchemaError names every place
    (up to ``MAX_ERRORS``) where the output breaks the contract."""
    import os

    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    errors: list[str] = []
    n_errors = 0
    doc = analysis.to_json_head()
    if check:
        skeleton = {**doc, **{k: [] for k in LISTS}}
        for e in _validator().iter_errors(skeleton):
            n_errors += 1
            errors.append(_place([], e))
    try:
        with open(tmp, "wb") as f:
            head = orjson.dumps(doc, option=_OPTIONS)
            f.write(head[:-2] + b",\n")  # without its closing "\n}"
            for n, key in enumerate(LISTS):
                items = getattr(analysis, key)
                last = len(items) - 1  # once: a store's lazy list counts its rows
                validator = _item_validator(key) if check else None
                if last < 0:
                    f.write(b'  "%s": []' % key.encode())
                else:
                    f.write(b'  "%s": [\n' % key.encode())
                    for k, item in enumerate(items):
                        obj = item_json(item)
                        if validator is not None and not validator.is_valid(obj):
                            for e in validator.iter_errors(obj):
                                n_errors += 1
                                if len(errors) < MAX_ERRORS:
                                    errors.append(_place([key, k], e))
                        text = orjson.dumps(obj, option=_OPTIONS)
                        f.write(b"    " + text.replace(b"\n", b"\n    "))  # strings hold no raw newline
                        f.write(b",\n" if k < last else b"\n  ]")
                f.write(b",\n" if n < len(LISTS) - 1 else b"\n}")
        if n_errors:
            _raise(errors, n_errors)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write(analysis: Analysis, out_dir: str | Path, *, report: bool = True, check: bool = True) -> dict[str, Path]:
    """Write DIR/analysis.json (validated, written item by item: ``write_json``) and the HTML
    report; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"analysis": write_json(analysis, out / "analysis.json", check=check)}
    if report:
        from .report import write_report

        paths["report"] = write_report(analysis, out)
    return paths
