"""Merging the answers of several page groups into one result, guided by the schema.

Scalars take the value with the best evidence (a page the model cited within the group beats none;
on a tie the first non-null wins); arrays concatenate in page order without duplicates; objects merge
field by field. Every merged leaf keeps the page it came from.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from docai.engines.vlm.output import normalize_path

_log = logging.getLogger(__name__)


@dataclass
class GroupResult:
    """One request's data, the pages it cited by field path, and the pages it was shown."""

    data: dict[str, Any]
    pages: dict[str, int | None]
    shown: list[int]

    def page_for(self, path: str) -> tuple[int | None, bool]:
        """(page, cited) for a field: the model's citation of it or its nearest parent, checked against
        the pages shown; else the only page shown (not counted as cited)."""
        probe = path
        while probe:
            page = self.pages.get(probe)
            if isinstance(page, int) and page in self.shown:
                return page, True
            probe = _parent(probe)
        return (self.shown[0], False) if len(self.shown) == 1 else (None, False)


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rfind("[")]
    return path.rpartition(".")[0]


def clean_pages(raw: Any) -> dict[str, int | None]:
    """The model's `pages` mapping with normalized paths and integer pages (strings like 'p. 3' too)."""
    out: dict[str, int | None] = {}
    if not isinstance(raw, dict):
        return out
    for key, value in raw.items():
        page: int | None = None
        if isinstance(value, bool):
            page = None
        elif isinstance(value, int):
            page = value
        elif isinstance(value, float) and value == int(value):
            page = int(value)
        elif isinstance(value, str):
            digits = "".join(ch for ch in value if ch.isdigit())
            page = int(digits) if digits else None
        elif isinstance(value, list) and value and isinstance(value[0], int):
            page = value[0]
        out[normalize_path(str(key))] = page
    return out


@dataclass
class Merged:
    data: dict[str, Any]
    pages: dict[str, int | None] = field(default_factory=dict)


def _is_array(schema: dict[str, Any]) -> bool:
    t = schema.get("type")
    return (
        t == "array" or (isinstance(t, list) and "array" in t) or ("items" in schema and "type" not in schema)
    )


def _is_object(schema: dict[str, Any]) -> bool:
    t = schema.get("type")
    return t == "object" or (isinstance(t, list) and "object" in t) or "properties" in schema


def _leaf_pages(value: Any, path: str, group: GroupResult, out: dict[str, int | None], new_path: str) -> None:
    """Pages of every non-null leaf under `value` (read at `path` in the group, stored at `new_path`)."""
    if isinstance(value, dict):
        for k, v in value.items():
            _leaf_pages(v, f"{path}.{k}", group, out, f"{new_path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _leaf_pages(v, f"{path}[{i}]", group, out, f"{new_path}[{i}]")
    elif value is not None:
        out[new_path] = group.page_for(path)[0]


def _merge_into(
    schema: dict[str, Any], groups: list[tuple[GroupResult, Any]], prefix: str, pages: dict[str, int | None]
) -> Any:
    """Merge the values at `prefix` of each group (paired with its group) by `schema`."""
    present = [(g, v) for g, v in groups if v is not None and v != [] and v != {}]
    if not present:
        return [] if groups and all(v == [] for _, v in groups) else None
    if _is_array(schema):
        merged: list[Any] = []
        seen: set[str] = set()
        for g, value in present:
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                key = json.dumps(item, sort_keys=True, ensure_ascii=False)
                if item is None or key in seen:
                    continue
                seen.add(key)
                _leaf_pages(item, f"{prefix}[{i}]", g, pages, f"{prefix}[{len(merged)}]")
                merged.append(item)
        return merged
    if _is_object(schema) and all(isinstance(v, dict) for _, v in present):
        props = schema.get("properties") or {}
        keys = list(props) or [k for _, v in present for k in v]  # fields the schema lacks are dropped
        out: dict[str, Any] = {}
        for k in dict.fromkeys(keys):
            sub = props.get(k, {})
            out[k] = _merge_into(
                sub, [(g, v.get(k)) for g, v in present], f"{prefix}.{k}" if prefix else k, pages
            )
        return out
    # scalar (or a shape the schema does not describe): best evidence, then first
    best_g, best_v = present[0]
    best_cited = best_g.page_for(prefix)[1]
    for g, v in present[1:]:
        if not best_cited and g.page_for(prefix)[1]:
            best_g, best_v, best_cited = g, v, True
    _leaf_pages(best_v, prefix, best_g, pages, prefix)
    return best_v


def merge_groups(schema: dict[str, Any], groups: list[GroupResult]) -> Merged:
    """One data object (every schema property present) and a page per non-null leaf path."""
    pages: dict[str, int | None] = {}
    props = schema.get("properties") or {}
    data: dict[str, Any] = {}
    keys = list(props) or [k for g in groups for k in g.data]
    for k in dict.fromkeys(keys):
        data[k] = _merge_into(props.get(k, {}), [(g, g.data.get(k)) for g in groups], k, pages)
    return Merged(data, pages)
