"""Build a JSON Schema from the simple field table (name, type, description) shown in the Extract tab.

A name like `items[].amount` makes `items` an array of objects with an `amount` property, so line
items need no JSON. Types are the few a non-programmer needs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from docai.errors import SchemaError

_log = logging.getLogger(__name__)

FIELD_TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "number": {"type": "number"},
    "integer": {"type": "integer"},
    "yes/no": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "list of text": {"type": "array", "items": {"type": "string"}},
}
_ALIASES = {
    "string": "text",
    "str": "text",
    "boolean": "yes/no",
    "bool": "yes/no",
    "int": "integer",
    "float": "number",
    "money": "number",
    "list": "list of text",
}
TABLE_HEADERS = ["name", "type", "description"]
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _field_type(raw: str, name: str) -> dict[str, Any]:
    key = (raw or "text").strip().lower()
    key = _ALIASES.get(key, key)
    if key not in FIELD_TYPES:
        known = ", ".join(FIELD_TYPES)
        raise SchemaError(f"field {name!r}: unknown type {raw!r} (use one of: {known})")
    return dict(FIELD_TYPES[key])


def _clean_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[str, str, str]]:
    out = []
    for row in rows:
        cells = [("" if c is None else str(c)).strip() for c in [*list(row), "", "", ""]][:3]
        if not any(cells):
            continue
        out.append((cells[0], cells[1], cells[2]))
    return out


def schema_from_table(rows: Sequence[Sequence[Any]], title: str | None = None) -> dict[str, Any]:
    """JSON Schema (an object) from rows of (name, type, description); SchemaError names the bad row."""
    props: dict[str, Any] = {}
    for name, ftype, desc in _clean_rows(rows):
        if not name:
            raise SchemaError("a field in the table has no name")
        parent, sep, child = name.partition("[].")
        if not _NAME.match(parent) or (sep and not _NAME.match(child)):
            raise SchemaError(
                f"field name {name!r}: use letters, digits and _ (and `list[].field` for items)"
            )
        spec = _field_type(ftype, name)
        if desc:
            spec["description"] = desc
        if not sep:
            if parent in props:
                raise SchemaError(f"field {parent!r} appears twice in the table")
            props[parent] = spec
            continue
        container = props.setdefault(parent, {"type": "array", "items": {"type": "object", "properties": {}}})
        item = container.get("items", {})
        if container.get("type") != "array" or item.get("type") != "object":
            raise SchemaError(f"field {parent!r} is both a plain field and a list of items")
        if child in item["properties"]:
            raise SchemaError(f"field {name!r} appears twice in the table")
        item["properties"][child] = spec
    if not props:
        raise SchemaError("the field table is empty: add at least one field")
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if title:
        schema["title"] = title
    return schema


def table_from_schema(schema: dict[str, Any]) -> list[list[str]]:
    """The rows the table would need to give `schema` back (best effort: unknown shapes become text)."""
    rows: list[list[str]] = []

    def type_name(spec: dict[str, Any]) -> str:
        for label, shape in FIELD_TYPES.items():
            if all(spec.get(k) == v for k, v in shape.items()):
                if label == "text" and spec.get("format") == "date":
                    continue
                return label
        t = spec.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "string")
        return {"string": "text", "boolean": "yes/no"}.get(str(t), str(t) if t in FIELD_TYPES else "text")

    for name, spec in (schema.get("properties") or {}).items():
        items = spec.get("items") if isinstance(spec, dict) else None
        if spec.get("type") == "array" and isinstance(items, dict) and items.get("type") == "object":
            for child, cspec in (items.get("properties") or {}).items():
                rows.append([f"{name}[].{child}", type_name(cspec), cspec.get("description", "")])
        else:
            rows.append([name, type_name(spec), spec.get("description", "")])
    return rows
