"""Turning FileResults into rows for the results tables: one row per file, one per line item."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

_log = logging.getLogger(__name__)

FILE_META_HEADERS = ["file", "status", "error"]
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def cell(value: Any) -> str:
    """A table cell as plain text (lists and objects as compact JSON)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def value_at(data: Any, path: str) -> Any:
    """The value at a field path like `total` or `items[0].amount`; None when absent."""
    current = data
    for name, index in _PATH_PART.findall(path):
        if name:
            if not isinstance(current, dict):
                return None
            current = current.get(name)
        else:
            if not isinstance(current, list) or int(index) >= len(current):
                return None
            current = current[int(index)]
    return current


def _is_item_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def file_rows(results: Sequence[Any]) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: file, status, error, then each scalar top-level field (first seen order).

    Lists of objects (line items) are left to `item_rows`; their cell shows the count.
    """
    fields: list[str] = []
    for r in results:
        for key in r.data or {}:
            if key not in fields:
                fields.append(key)
    rows = []
    for r in results:
        data = r.data or {}
        row = [r.file, r.status, r.error or ""]
        for key in fields:
            value = data.get(key)
            row.append(f"{len(value)} item(s)" if _is_item_list(value) else cell(value))
        rows.append(row)
    return FILE_META_HEADERS + fields, rows


def item_rows(results: Sequence[Any]) -> tuple[list[str], list[list[str]]]:
    """Headers and rows for line items: file, list name, index, then the item's fields."""
    fields: list[str] = []
    found: list[tuple[str, str, int, dict[str, Any]]] = []
    for r in results:
        for key, value in (r.data or {}).items():
            if _is_item_list(value):
                for i, item in enumerate(value):
                    found.append((r.file, key, i + 1, item))
                    fields.extend(k for k in item if k not in fields)
    rows = [[file, key, str(i)] + [cell(item.get(f)) for f in fields] for file, key, i, item in found]
    return ["file", "list", "#", *fields], rows


def field_paths(data: Any, evidence: dict[str, Any] | None = None) -> list[str]:
    """Every leaf path of `data` (`total`, `items[0].amount`), then evidence-only keys, in order."""
    paths: list[str] = []

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{prefix}.{k}" if prefix else k)
        elif isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
            for i, v in enumerate(value):
                walk(v, f"{prefix}[{i}]")
        elif prefix:
            paths.append(prefix)

    walk(data or {}, "")
    for key in evidence or {}:
        if key not in paths:
            paths.append(key)
    return paths
