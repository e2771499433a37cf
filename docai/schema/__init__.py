"""Schemas: a JSON Schema file, a JSON literal, a saved name, a bundled example, `--fields` shorthand, or a
pydantic model (`module:Class`). Everything resolves to a checked, $ref-free JSON Schema.

A text spec is looked up in this order: a JSON object literal, `fields:` shorthand, an existing file,
a bundled example name, a saved name, `module:Class`. Bundled names come before saved ones (no
database is opened for them), so a bundled name cannot be saved (`refuse_bundled_name`)."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from docai.errors import OptionError, SchemaError
from docai.schema.check import MAX_NESTING, check_schema, schema_hash
from docai.schema.shorthand import compile_fields

__all__ = [
    "ResolvedSchema",
    "check_schema",
    "compile_fields",
    "example_schema",
    "example_schema_names",
    "refuse_bundled_name",
    "resolve_schema",
    "schema_hash",
]

SavedLookup = Callable[[str], dict[str, Any] | None]


@dataclass(frozen=True)
class ResolvedSchema:
    name: str | None
    schema: dict[str, Any]
    hash: str


def example_schema_names() -> list[str]:
    folder = resources.files("docai.schema") / "examples"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def example_schema(name: str) -> dict[str, Any] | None:
    folder = resources.files("docai.schema") / "examples"
    f = folder / f"{name}.json"
    if not f.is_file():
        return None
    return json.loads(f.read_text(encoding="utf-8"))


def refuse_bundled_name(name: str) -> None:
    """OptionError (exit 2) for a name that a bundled example holds: a saved schema under it would be
    shadowed by the example on every lookup."""
    if name.strip() in example_schema_names():
        raise OptionError(
            f"{name.strip()!r} is the name of a bundled example schema, which is always looked up first: "
            "save yours under another name"
        )


def _where(e: json.JSONDecodeError) -> str:
    return f"{e.msg} at line {e.lineno} column {e.colno}"


def _from_model(cls: Any) -> dict[str, Any]:
    schema_fn = getattr(cls, "model_json_schema", None)
    if schema_fn is None:
        raise SchemaError(f"{cls!r} is not a pydantic model")
    return schema_fn()


def _import_model(spec: str) -> dict[str, Any]:
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise SchemaError(f"cannot import {module_name!r} for schema {spec!r}: {e}") from None
    cls = getattr(module, attr, None)
    if cls is None:
        raise SchemaError(f"{module_name!r} has no {attr!r}")
    return _from_model(cls)


def _resolve(spec: Any, saved: SavedLookup | None) -> tuple[str | None, Any, bool]:
    """The schema's name, its raw JSON, and whether docai made it (a bundled example, `fields:`)."""
    if isinstance(spec, dict):
        return spec.get("title") if isinstance(spec.get("title"), str) else None, spec, False
    if isinstance(spec, type):
        return spec.__name__, _from_model(spec), False
    if isinstance(spec, Path):
        spec = str(spec)
    if not isinstance(spec, str) or not spec.strip():
        raise SchemaError("no schema given (a file, a JSON object, a saved name, an example, or --fields)")
    text = spec.strip()
    if text.startswith("{"):
        try:
            return None, json.loads(text), False
        except json.JSONDecodeError as e:
            raise SchemaError(
                f"schema JSON is malformed: {e.msg} at line {e.lineno} column {e.colno}"
            ) from None
    if text.startswith("fields:"):
        return None, compile_fields(text[len("fields:") :]), True
    path = Path(text).expanduser()
    if path.is_file():
        try:
            return path.stem, json.loads(path.read_text(encoding="utf-8")), False
        except json.JSONDecodeError as e:
            raise SchemaError(
                f"{path.name}: malformed JSON: {e.msg} at line {e.lineno} column {e.colno}"
            ) from None
        except (OSError, UnicodeDecodeError) as e:
            raise SchemaError(f"{path.name}: cannot read schema file ({e})") from None
    # A bundled example name is resolved without asking `saved` (opening the database costs more
    # than the rest of a cold start); bundled names therefore win over saved ones.
    example = example_schema(text)
    if example is not None:
        return text, example, True
    if saved is not None:
        found = saved(text)
        if found is not None:
            return text, found, False
    if re.fullmatch(r"[\w.]+:[A-Za-z_]\w*", text):
        return text.rsplit(":", 1)[1], _import_model(text), False
    if path.suffix.lower() == ".json" or "/" in text:
        raise SchemaError(f"schema file {text!r} not found")
    names = ", ".join(example_schema_names())
    raise SchemaError(f"unknown schema {text!r}: not a file, a saved schema, or an example ({names})")


def resolve_schema(spec: Any, saved: SavedLookup | None = None) -> ResolvedSchema:
    """Resolve and check `spec`; raises SchemaError with a one-line reason."""
    try:
        name, raw, own = _resolve(spec, saved)
        # docai's own schemas skip the JSON Schema metaschema pass (importing jsonschema costs about
        # a twentieth of a cold one-page extract); tests/service/test_schema_lookup.py checks that
        # they pass it.
        schema = check_schema(raw, metaschema=not own)
    except RecursionError:  # json.loads of a schema nested thousands deep
        raise SchemaError(f"schema nests deeper than {MAX_NESTING} levels") from None
    return ResolvedSchema(name, schema, schema_hash(schema))
