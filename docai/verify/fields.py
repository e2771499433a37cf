"""The filled leaves of an extraction, each with its path (keyed like `evidence`), schema and kind.

A leaf is a scalar value: `total`, `vendor.name`, `items[0].amount`, `tags[1]`. The kind says how the
value is looked up on the page and which checks apply: number, date, string, boolean.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

_MONEY_WORDS = {
    "total", "subtotal", "amount", "price", "tax", "vat", "gst", "cost", "fee", "balance", "sum", "due",
    "net", "gross", "paid", "charge", "untaxed",
}  # fmt: skip


class Leaf(NamedTuple):
    """One filled scalar value. `top` is the top-level property it belongs to (for per-field scores).
    A named tuple: immutable, and quicker to make than a frozen dataclass."""

    path: str
    top: str
    name: str
    value: Any
    schema: dict[str, Any]
    kind: str  # number, date, string, boolean

    @property
    def words(self) -> list[str]:
        return split_name(self.name)

    @property
    def is_money(self) -> bool:
        return self.kind == "number" and _money_name(self.name)


@functools.lru_cache(maxsize=4096)
def _money_name(name: str) -> bool:
    """Whether a field name has a money word (cached: asked for every number leaf more than once)."""
    return bool(set(_split_name(name)) & _MONEY_WORDS)


def split_name(name: str) -> list[str]:
    """'invoiceNumber' / 'invoice_number' -> ['invoice', 'number']."""
    return list(_split_name(name))


@functools.lru_cache(maxsize=4096)
def _split_name(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return tuple(t.lower() for t in re.split(r"[\s_\-.:/]+", spaced) if t)


def types_of(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return [x for x in t if x != "null"]
    if t is None:
        if "properties" in schema:
            return ["object"]
        if "items" in schema:
            return ["array"]
        return []
    return [t]


def kind_of(schema: dict[str, Any]) -> str:
    types = types_of(schema)
    if "number" in types or "integer" in types:
        return "number"
    if "boolean" in types:
        return "boolean"
    if schema.get("format") in ("date", "date-time"):
        return "date"
    return "string"


def leaves(data: dict[str, Any], schema: dict[str, Any]) -> list[Leaf]:
    """Every filled scalar under `data`, walking the schema's properties and items."""
    out: list[Leaf] = []
    props = schema.get("properties") or {}
    kinds: dict[int, str] = {}  # id(schema) -> kind_of: the rows of a list share their item schema
    for key, value in (data or {}).items():
        _walk(value, props.get(key) or {}, key, key, key, out, kinds)
    return out


def _walk(
    value: Any, schema: dict[str, Any], path: str, top: str, name: str, out: list[Leaf], kinds: dict[int, str]
) -> None:
    if value is None or value == "" or value == []:
        return
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for key, sub in value.items():
            _walk(sub, props.get(key) or {}, f"{path}.{key}", top, key, out, kinds)
        return
    if isinstance(value, list):
        items = schema.get("items") or {}
        for i, sub in enumerate(value):
            _walk(sub, items if isinstance(items, dict) else {}, f"{path}[{i}]", top, name, out, kinds)
        return
    if schema:
        kind = kinds.get(id(schema))
        if kind is None:
            kind = kinds[id(schema)] = kind_of(schema)
    else:
        kind = _guess_kind(value)
    out.append(Leaf(path, top, name, value, schema, kind))


def _guess_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def get_path(data: Any, path: str) -> Any:
    """The value at `total`, `vendor.name`, `items[0].amount` (None when absent)."""
    d = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            d = d[i] if isinstance(d, list) and i < len(d) else None
        else:
            d = d.get(part) if isinstance(d, dict) else None
        if d is None:
            return None
    return d


def missing_required(data: dict[str, Any], schema: dict[str, Any], prefix: str = "") -> list[str]:
    """Paths the schema requires that are empty; nested objects count only when present."""
    missing: list[str] = []
    props = schema.get("properties") or {}
    for key in schema.get("required") or []:
        value = (data or {}).get(key)
        if value is None or value == "" or value == []:
            missing.append(prefix + key)
    for key, sub in props.items():
        value = (data or {}).get(key)
        if isinstance(value, dict) and isinstance(sub, dict) and sub.get("required"):
            missing += missing_required(value, sub, f"{prefix}{key}.")
    return missing
