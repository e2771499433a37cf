"""The `--fields` shorthand, e.g. "invoice_number, total number, issue_date date, items list[description]".

Each field is `name [type]`; type defaults to string. `list[...]` holds item fields (an array of objects) or a
single type (`tags list[string]`).
"""

from __future__ import annotations

import re
from typing import Any

from docai.errors import SchemaError

_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "str": {"type": "string"},
    "text": {"type": "string"},
    "number": {"type": "number"},
    "float": {"type": "number"},
    "money": {"type": "number"},
    "integer": {"type": "integer"},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "email": {"type": "string", "format": "email"},
    "url": {"type": "string", "format": "uri"},
}
_NAME = re.compile(r"^[^\W\d][\w.-]*$", re.UNICODE)


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside brackets."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise SchemaError("unbalanced ']' in --fields")
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth != 0:
        raise SchemaError("unbalanced '[' in --fields")
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _field(spec: str) -> tuple[str, dict[str, Any]]:
    m = re.match(r"^(\S+)\s*(.*)$", spec, re.S)
    if not m:
        raise SchemaError(f"bad field {spec!r} in --fields")
    name, rest = m.group(1), m.group(2).strip()
    if not _NAME.match(name):
        raise SchemaError(f"bad field name {name!r} in --fields")
    if not rest:
        return name, {"type": "string"}
    lm = re.match(r"^(?:list|array)\s*\[(.*)\]$", rest, re.S)
    if lm:
        inner = lm.group(1).strip()
        if inner.lower() in _TYPES:
            return name, {"type": "array", "items": dict(_TYPES[inner.lower()])}
        return name, {"type": "array", "items": compile_fields(inner)}
    t = _TYPES.get(rest.lower())
    if t is None:
        known = ", ".join(sorted(_TYPES))
        raise SchemaError(f"unknown type {rest!r} for field {name!r} (known: {known}, list[...])")
    return name, dict(t)


def compile_fields(text: str) -> dict[str, Any]:
    """JSON Schema (an object) for a shorthand field list."""
    specs = _split_top(text)
    if not specs:
        raise SchemaError("--fields lists no field")
    props: dict[str, Any] = {}
    for spec in specs:
        name, prop = _field(spec)
        if name in props:
            raise SchemaError(f"field {name!r} appears twice in --fields")
        props[name] = prop
    return {"type": "object", "properties": props}
