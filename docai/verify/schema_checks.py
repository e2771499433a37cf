"""Checks of a value against its own schema: type, format, enum, pattern, minimum/maximum, length."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from docai.results import Check
from docai.verify.fields import Leaf, types_of

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URI = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)


def schema_checks(leaf: Leaf) -> list[Check]:
    """The checks the leaf's schema asks for (a type check always)."""
    s, v = leaf.schema, leaf.value
    out = [_type_check(leaf)]
    fmt = s.get("format")
    if fmt and isinstance(v, str):
        ok = _format_ok(fmt, v)
        out.append(Check("format", ok, "" if ok else f"{v!r} is not a valid {fmt}"))
    if "enum" in s:
        ok = v in s["enum"]
        out.append(Check("enum", ok, "" if ok else f"{v!r} is not one of {s['enum']}"))
    if "pattern" in s and isinstance(v, str):
        ok = _pattern_ok(s["pattern"], v)
        out.append(Check("pattern", ok, "" if ok else f"{v!r} does not match /{s['pattern']}/"))
    if isinstance(v, int | float) and not isinstance(v, bool):
        out += _bounds(s, float(v))
    if isinstance(v, str):
        if "minLength" in s and len(v) < s["minLength"]:
            out.append(Check("minLength", False, f"{len(v)} characters, fewer than {s['minLength']}"))
        if "maxLength" in s and len(v) > s["maxLength"]:
            out.append(Check("maxLength", False, f"{len(v)} characters, more than {s['maxLength']}"))
    return out


def _type_check(leaf: Leaf) -> Check:
    v = leaf.value
    types = types_of(leaf.schema)
    if not types:
        return Check("type", True)
    if len(types) == 1:  # the usual case, without a generator
        ok = _TYPE_TESTS.get(types[0], _any_value)(v)
    else:
        ok = any(_TYPE_TESTS.get(t, _any_value)(v) for t in types)
    return Check("type", ok, "" if ok else f"{v!r} is not of type {'/'.join(types)}")


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_integer(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())


def _any_value(_v: Any) -> bool:
    return True


_TYPE_TESTS = {
    "string": lambda v: isinstance(v, str),
    "number": _is_number,
    "integer": _is_integer,
    "boolean": lambda v: isinstance(v, bool),
}
"""JSON Schema's scalar types, each as a test of a value (a type not listed, like 'object', passes)."""


def _format_ok(fmt: str, v: str) -> bool:
    try:
        if fmt == "date":
            date.fromisoformat(v[:10])
            return len(v) == 10
        if fmt == "date-time":
            datetime.fromisoformat(v.replace("Z", "+00:00"))
            return True
    except ValueError:
        return False
    if fmt == "email":
        return bool(_EMAIL.match(v))
    if fmt in ("uri", "url"):
        return bool(_URI.match(v))
    return True


def _pattern_ok(pattern: str, v: str) -> bool:
    try:
        return re.search(pattern, v) is not None
    except re.error:
        return True  # a pattern Python cannot read is the schema's problem, not the value's


def _bounds(s: dict[str, Any], v: float) -> list[Check]:
    out = []
    if "minimum" in s:
        ok = v >= s["minimum"]
        out.append(Check("minimum", ok, "" if ok else f"{v:g} is below the minimum {s['minimum']}"))
    if "maximum" in s:
        ok = v <= s["maximum"]
        out.append(Check("maximum", ok, "" if ok else f"{v:g} is above the maximum {s['maximum']}"))
    if "exclusiveMinimum" in s:
        ok = v > s["exclusiveMinimum"]
        out.append(Check("exclusiveMinimum", ok, "" if ok else f"{v:g} is not above {s['exclusiveMinimum']}"))
    if "exclusiveMaximum" in s:
        ok = v < s["exclusiveMaximum"]
        out.append(Check("exclusiveMaximum", ok, "" if ok else f"{v:g} is not below {s['exclusiveMaximum']}"))
    return out
