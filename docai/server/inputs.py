"""What a request may ask for: a schema (saved name, bundled example, JSON, `fields` shorthand), a few
options, and files by path only inside the server's allowed folders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docai.errors import SchemaError
from docai.options import load_options
from docai.schema import ResolvedSchema, example_schema, resolve_schema
from docai.server.errors import ApiError

# Options a caller may set per request; the rest (database, server URLs, keys, devices) are the server's.
REMOTE_OPTIONS = frozenset(
    {"engine", "model", "think", "pages", "password", "ocr", "lang", "force", "max_tokens",
     "pages_per_request", "slicing", "rasterizer", "temperature"}
)  # fmt: skip
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$")


def schema_name_ok(name: str) -> bool:
    return bool(_NAME.match(name)) and ".." not in name


def pick_schema(service: Any, schema: Any, fields: str | None) -> ResolvedSchema:
    """Resolve a request's schema without ever reading a server file or importing a module."""
    if schema not in (None, "") and fields:
        raise SchemaError("give either schema or fields, not both")
    if fields:
        return resolve_schema("fields:" + fields)
    if schema in (None, ""):
        raise SchemaError("no schema: give schema (a saved name, an example, or JSON) or fields")
    if isinstance(schema, dict):
        return resolve_schema(schema)
    if not isinstance(schema, str):
        raise SchemaError("schema must be a name or a JSON object")
    text = schema.strip()
    if text.startswith("{"):
        return resolve_schema(text)
    if not schema_name_ok(text):
        raise SchemaError(f"schema {text!r}: not a saved schema name, an example name or JSON")
    found = example_schema(text) or service.get_schema(text)  # the CLI's order: bundled names first
    if found is None:
        raise SchemaError(f"unknown schema {text!r}: not a saved schema or an example")
    resolved = resolve_schema(found)
    return ResolvedSchema(text, resolved.schema, resolved.hash)


def pick_options(raw: Any) -> dict[str, Any]:
    """A request's `options` (a dict or a JSON string) checked against REMOTE_OPTIONS and typed."""
    if raw in (None, "", {}):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as e:
            raise ApiError(400, f"options: not JSON ({e.msg})") from None
    if not isinstance(raw, dict):
        raise ApiError(400, "options must be a JSON object")
    refused = sorted(set(raw) - REMOTE_OPTIONS)
    if refused:
        raise ApiError(400, f"option(s) not settable per request: {', '.join(refused)}")
    typed = load_options(raw, use_config=False)  # InputError for a badly typed value
    return {k: getattr(typed, k) for k in raw}


def allowed_path(text: str, roots: list[Path]) -> Path:
    """`text` resolved, if it lies inside one of `roots`; ApiError 403 otherwise."""
    if not roots:
        raise ApiError(403, "this server reads no files by path (start it with --allow-path DIR)")
    try:
        path = Path(text).expanduser().resolve()
    except (OSError, RuntimeError):
        raise ApiError(400, f"{text}: not a usable path") from None
    for root in roots:
        if path == root.resolve() or path.is_relative_to(root.resolve()):
            return path
    raise ApiError(403, f"{text}: outside the folders this server may read")


def str_list(raw: Any, what: str) -> list[str]:
    """A list of strings from a JSON list, a JSON string of one, or a single string."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as e:
                raise ApiError(400, f"{what}: not JSON ({e.msg})") from None
        else:
            return [text]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ApiError(400, f"{what} must be a list of strings")
    return list(raw)
