"""Arrays of objects (line items) from tables: columns mapped to item properties by header matching."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from docai.document import Document
from docai.engines.text.matching import tokens
from docai.engines.text.tables import Table, find_tables
from docai.engines.text.typing_rules import coerce
from docai.results import Evidence

if TYPE_CHECKING:
    from docai.engines.text.extractor import Context
    from docai.engines.text.typing_rules import FieldSpec

_log = logging.getLogger(__name__)

_SUMMARY = {"total", "subtotal", "sub", "tax", "balance", "due", "discount", "shipping", "rounding"}


def map_columns(header: list[str], items: list[FieldSpec], ctx: Context) -> dict[str, int]:
    """Item property -> column, greedily by match score; each column used once."""
    from docai.engines.text.extractor import MIN_SCORE, match_score

    scored = [
        (match_score(spec, cell, "column", ctx), spec.name, col)
        for spec in items
        for col, cell in enumerate(header)
        if cell.strip()
    ]
    scored.sort(key=lambda t: -t[0])
    out: dict[str, int] = {}
    used: set[int] = set()
    for score, name, col in scored:
        if score < MIN_SCORE or name in out or col in used:
            continue
        out[name] = col
        used.add(col)
    return out


def _header(table: Table, items: list[FieldSpec], ctx: Context) -> tuple[int, dict[str, int]]:
    """The row (among the first three) that works best as the header, and its column mapping."""
    best_row, best_map = 0, {}
    for r, row in enumerate(table.cells[:3]):
        m = map_columns(row, items, ctx)
        if len(m) > len(best_map):
            best_row, best_map = r, m
    return best_row, best_map


def _is_summary(row: list[str], mapping: dict[str, int]) -> bool:
    """'Subtotal', 'Total', 'Tax' rows under the items belong to the document's totals, not to the items."""
    first = next((c for c in row if c.strip()), "")
    return bool(set(tokens(first)) & _SUMMARY) and sum(1 for c in mapping.values() if row[c].strip()) <= 2


def fill_items(
    document: Document, spec: FieldSpec, ctx: Context
) -> tuple[list[dict[str, Any]], dict[str, Evidence]]:
    """Rows of the best-matching tables as objects; evidence per cell as `items[i].prop`."""
    need = 2 if len(spec.items) >= 2 else 1
    rows: list[dict[str, Any]] = []
    evidence: dict[str, Evidence] = {}
    for view in ctx.views:
        for table in find_tables(view.page):
            head, mapping = _header(table, spec.items, ctx)
            if len(mapping) < need:
                continue
            cells = table.cells
            for r in range(head + 1, len(cells)):
                row = cells[r]
                if _is_summary(row, mapping):
                    continue
                obj: dict[str, Any] = {}
                ev: dict[str, Evidence] = {}
                for item in spec.items:
                    col = mapping.get(item.name)
                    text = row[col] if col is not None and col < len(row) else ""
                    typed = coerce(item, text, ctx.dayfirst) if text.strip() else None
                    obj[item.name] = typed.value if typed else None
                    if typed is not None and col is not None:
                        box = table.cell_boxes[r][col] if r < len(table.cell_boxes) else None
                        ev[item.name] = Evidence(view.page.page_no, box, text, 0.8)
                if sum(v is not None for v in obj.values()) < min(need, len(mapping)):
                    continue
                if not any(re.search(r"\w", str(v)) for v in obj.values() if v is not None):
                    continue
                i = len(rows)
                rows.append(obj)
                for name, e in ev.items():
                    evidence[f"{spec.path}[{i}].{name}"] = e
    return rows, evidence
