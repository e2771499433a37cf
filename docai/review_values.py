"""Pure helpers for review: field paths into data and schema, typed checking of a value a person
typed, and the words under a click or a box on a page.

A value is checked against the schema as typed: a bad date or number is refused with the reason
(an InputError), never stored as text in a number field.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterable
from typing import Any

from docai.document import BBox, Word
from docai.errors import InputError
from docai.values import parse_bool, parse_date, parse_number

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_STRICT_NUMBER = re.compile(r"[-+(]?\s*\d[\d\s.,'’]*\)?\s*%?-?")
_CURRENCY = re.compile(
    r"^(?:[A-Z]{3}|[A-Z]{1,2}\$|RM|Rs\.?|kr|zł)\s*|\s*(?:[A-Z]{3}|RM|kr|zł)$|[$€£¥￥₹₩₽₺元]"
)


def path_parts(path: str) -> list[str | int]:
    """`items[0].amount` -> ['items', 0, 'amount']; InputError for an empty or malformed path."""
    text = (path or "").strip()
    parts: list[str | int] = []
    pos = 0
    for m in _PART.finditer(text):
        if m.start() != pos and text[pos : m.start()] != ".":
            raise InputError(f"field path {path!r} is not like 'total' or 'items[0].amount'")
        parts.append(m.group(1) if m.group(1) else int(m.group(2)))
        pos = m.end()
    if not parts or pos != len(text) or isinstance(parts[0], int):
        raise InputError(f"field path {path!r} is not like 'total' or 'items[0].amount'")
    return parts


def get_path(data: Any, path: str) -> Any:
    """The value at `path` in `data`; None when absent."""
    current = data
    for part in path_parts(path):
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                return None
            current = current[part]
        else:
            if not isinstance(current, dict):
                return None
            current = current.get(part)
    return current


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `data` with `path` set to `value` (objects and list slots made as needed)."""
    out = copy.deepcopy(data)
    parts = path_parts(path)
    current: Any = out
    for part, nxt in itertools.pairwise(parts):
        empty: Any = [] if isinstance(nxt, int) else {}
        if isinstance(part, int):
            while len(current) <= part:
                current.append(None)
            if not isinstance(current[part], list | dict):
                current[part] = empty
            current = current[part]
        else:
            if not isinstance(current.get(part), list | dict):
                current[part] = empty
            current = current[part]
    last = parts[-1]
    if isinstance(last, int):
        while len(current) <= last:
            current.append(None)
    current[last] = value
    return out


def schema_at(schema: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The property schema `path` points to; None when the schema has no such field."""
    node: Any = schema
    for part in path_parts(path):
        node = _unwrap(node)
        if isinstance(part, int):
            node = node.get("items") if node.get("type") == "array" or "items" in node else None
        else:
            node = (node.get("properties") or {}).get(part)
        if not isinstance(node, dict):
            return None
    return _unwrap(node)


def _unwrap(node: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, null]` -> X, and `type: [X, null]` -> `type: X` (nullable fields)."""
    for key in ("anyOf", "oneOf"):
        options = [o for o in node.get(key) or [] if isinstance(o, dict) and o.get("type") != "null"]
        if len(options) == 1:
            return {**{k: v for k, v in node.items() if k != key}, **_unwrap(options[0])}
    t = node.get("type")
    if isinstance(t, list):
        real = [x for x in t if x != "null"]
        if len(real) == 1:
            return {**node, "type": real[0]}
    return node


def _number(text: str, integer: bool) -> float | int:
    bare = _CURRENCY.sub("", text.strip()).strip()
    value = parse_number(bare) if _STRICT_NUMBER.fullmatch(bare) else None
    kind = "a whole number" if integer else "a number"
    if value is None:
        raise InputError(f"{text!r} is not {kind}")
    if integer:
        if value != int(value):
            raise InputError(f"{text!r} is not {kind}")
        return int(value)
    return value


def _limits(prop: dict[str, Any], value: float) -> None:
    low, high = prop.get("minimum"), prop.get("maximum")
    if isinstance(low, int | float) and value < low:
        raise InputError(f"{value:g} is below the minimum {low:g}")
    if isinstance(high, int | float) and value > high:
        raise InputError(f"{value:g} is above the maximum {high:g}")


def coerce_value(prop: dict[str, Any] | None, value: Any) -> Any:
    """`value` (typed text, or already a JSON value) as the schema's type, or InputError with the reason.

    An empty text clears the field (None).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    prop = _unwrap(prop or {})
    kind = prop.get("type")
    text = value.strip() if isinstance(value, str) else value
    if kind in ("number", "integer"):
        if isinstance(text, bool):
            raise InputError(f"{text!r} is not a number")
        number = text if isinstance(text, int | float) else _number(str(text), kind == "integer")
        if kind == "integer" and number != int(number):
            raise InputError(f"{text!r} is not a whole number")
        number = int(number) if kind == "integer" else float(number)
        _limits(prop, number)
        return number
    if kind == "boolean":
        flag = text if isinstance(text, bool) else parse_bool(str(text))
        if flag is None:
            raise InputError(f"{text!r} is not yes/no (true/false)")
        return flag
    if kind in ("array", "object"):
        return _json_value(text, kind)
    result = str(text)
    fmt = prop.get("format")
    if fmt == "date":
        iso = parse_date(result)
        if iso is None:
            raise InputError(f"{result!r} is not a date (write it like 2024-03-05)")
        result = iso
    enum = prop.get("enum")
    if isinstance(enum, list) and enum and result not in enum:
        raise InputError(f"{result!r} is not one of: {', '.join(map(str, enum))}")
    return result


def _json_value(text: Any, kind: str) -> Any:
    if isinstance(text, str):
        try:
            text = json.loads(text)
        except json.JSONDecodeError:
            raise InputError(f"a value for a field of type {kind} must be JSON") from None
    expected = list if kind == "array" else dict
    if not isinstance(text, expected):
        raise InputError(f"the value is not a JSON {kind}")
    return text


def _overlap(a: BBox, b: BBox) -> float:
    """The share of `a`'s area inside `b`."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    area = max((a[2] - a[0]) * (a[3] - a[1]), 1e-6)
    return max(w, 0) * max(h, 0) / area


def words_in_box(words: Iterable[Word], box: BBox, min_share: float = 0.5) -> list[Word]:
    """Words at least half inside `box` (page points), in reading order."""
    x0, y0, x1, y1 = box
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    inside = [w for w in words if _overlap(w.bbox, box) >= min_share]
    return sorted(inside, key=lambda w: (round(w.bbox[1] / 4), w.bbox[0]))


def word_at(words: Iterable[Word], x: float, y: float, slack: float = 3.0) -> Word | None:
    """The word under the point (x, y) in page points, allowing `slack` points around each box."""
    best: tuple[float, Word] | None = None
    for w in words:
        bx0, by0, bx1, by1 = w.bbox
        if bx0 - slack <= x <= bx1 + slack and by0 - slack <= y <= by1 + slack:
            cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
            d = (cx - x) ** 2 + (cy - y) ** 2
            if best is None or d < best[0]:
                best = (d, w)
    return best[1] if best else None


def union_box(words: Iterable[Word]) -> BBox | None:
    """The box around all `words`; None for none."""
    boxes = [w.bbox for w in words]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def words_text(words: Iterable[Word]) -> str:
    """The words as one line of text."""
    return " ".join(w.text for w in words).strip()
