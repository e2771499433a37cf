"""Arrays of objects (line items) from tables: columns mapped to item properties by header matching."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from docai.document import Word
from docai.engines.text.arithmetic import same_amount
from docai.engines.text.fields.totals import summary_label, summary_row
from docai.engines.text.label_score import MIN_SCORE, match_score
from docai.engines.text.layout import level, skew, tidy_cjk
from docai.engines.text.matching import field_concepts
from docai.engines.text.tables import Table, aligned_tables
from docai.engines.text.typing_rules import coerce
from docai.results import Evidence

if TYPE_CHECKING:
    from docai.engines.text.fields.context import Context, PageView
    from docai.engines.text.typing_rules import FieldSpec

_log = logging.getLogger(__name__)

HEADER_ROWS = 6  # a table region may start with the key/value lines set above its header row


def map_columns(header: list[str], items: list[FieldSpec], ctx: Context) -> dict[str, int]:
    """Item property -> column, greedily by match score; each column used once."""
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
    """The row (among the first few) that works best as the header, and its column mapping."""
    best_row, best_map = 0, {}
    for r, row in enumerate(table.cells[:HEADER_ROWS]):
        m = map_columns(row, items, ctx)
        if len(m) > len(best_map):
            best_row, best_map = r, m
    return best_row, best_map


def item_roles(items: list[FieldSpec]) -> dict[str, FieldSpec]:
    """Each item property by the concept its name says first ('quantity', 'unit_price', 'amount')."""
    return {c: it for it in items for c in field_concepts(it)[:1]}


def _repair_quantity(
    items: list[FieldSpec],
    obj: dict[str, Any],
    row: list[str],
    mapping: dict[str, int],
    roles: dict[str, FieldSpec] | None = None,
) -> None:
    """A quantity cell OCR misread on a scan, put right by the row's own arithmetic (quantity x unit
    price = amount, the multiple a whole number): letters for a small digit ('Z', '了'), or a digit
    lost from a number ('1' for '11', the read digits in order inside the multiple)."""
    by = roles if roles is not None else item_roles(items)
    qty, price, amount = by.get("quantity"), by.get("unit_price"), by.get("amount")
    if qty is None or price is None or amount is None:
        return
    col = mapping.get(qty.name)
    p, a, q = obj.get(price.name), obj.get(amount.name), obj.get(qty.name)
    if col is None or col >= len(row) or not isinstance(p, (int, float)) or not isinstance(a, (int, float)):
        return
    text = row[col].strip()
    if not text or len(text) > 3 or p <= 0:
        return  # nothing printed there
    n = round(a / p)
    if n < 1 or not same_amount(n * p, a):
        return
    unread = q is None and not re.search(r"\d", text)
    short = isinstance(q, (int, float)) and q != n and q == int(q) and _dropped_digits(str(int(q)), str(n))
    if unread or short:
        obj[qty.name] = n if qty.kind == "integer" else float(n)


def _dropped_digits(read: str, full: str) -> bool:
    """Whether `read` is `full` with one or more digits lost (the rest in order)."""
    it = iter(full)
    return len(read) < len(full) and all(ch in it for ch in read)


# a capital I or small l standing alone before a unit is OCR's reading of the digit 1 ('ITB', 'Ikg')
_ONE_UNIT = re.compile(r"(?<![\w.,])[Il](?=(kg|g|mg|cm|mm|km|m|TB|GB|MB|KB|ml|mL|lb|oz|pcs|yr|yrs)\b)")


def ocr_ones(text: str) -> str:
    """'External SSD ITB' -> 'External SSD 1TB': on a scan, a quantity's 1 read as a letter."""
    return _ONE_UNIT.sub("1", text)


def _spill_columns(
    cells: list[list[str]], head: int, mapping: dict[str, int], items: list[FieldSpec]
) -> dict[int, list[int]]:
    """Text columns with no header right of a mapped text column: the rest of its cells, split off
    where a word space on a scan looked like a column gap ('Software licence (1' | 'yr)')."""
    text_cols = {mapping[it.name] for it in items if it.kind == "string" and it.name in mapping}
    used = set(mapping.values())
    out: dict[int, list[int]] = {}
    for col in text_cols:
        k = col + 1
        while k < len(cells[head]) and k not in used and not cells[head][k].strip():
            body = [r[k] for r in cells[head + 1 :] if k < len(r) and r[k].strip()]
            if not body or any(
                re.fullmatch(r"[-+(]?[$€£¥]?\s?[\d.,' ]*\d[\d.,%)]*", t.strip()) for t in body
            ):
                break
            out.setdefault(col, []).append(k)
            k += 1
    return out


def _item_words(view: PageView) -> tuple[list[Word], float]:
    """The page's words for finding item tables, levelled by the page's skew, and that skew.

    Its totals block ('Subtotal  1,250.75', 'Tax 20%  250.15') is left out: those rows are no items, and
    their labels, set under the quantity and price columns, would bridge the gaps between those columns
    and merge them. Levelling here keeps the skew of the whole page: the rest alone may be too few lines
    to measure it.
    """
    drop: set[int] = set()
    for ln in view.lines:
        segs = ln.segments
        if not 2 <= len(segs) <= 3 or not re.search(r"\d", segs[-1].text):
            continue
        if summary_label(segs[0].text) and not re.search(r"\d", segs[0].words[0].text):
            drop.update(id(w) for w in ln.words)
    slope = skew(view.page.words)
    kept = [w for w in view.page.words if id(w) not in drop]
    return [Word(w.text, level(w.bbox, slope), w.conf, w.block, w.line) for w in kept], slope


def fill_items(spec: FieldSpec, ctx: Context) -> tuple[list[dict[str, Any]], dict[str, Evidence]]:
    """Rows of the best-matching tables as objects; evidence per cell as `items[i].prop`."""
    need = 2 if len(spec.items) >= 2 else 1
    roles = item_roles(spec.items)
    rows: list[dict[str, Any]] = []
    evidence: dict[str, Evidence] = {}
    for view in ctx.views:
        words, slope = _item_words(view)
        for table in aligned_tables(words, view.page.page_no):
            head, mapping = _header(table, spec.items, ctx)
            if len(mapping) < need:
                continue
            cells = table.cells
            spill = _spill_columns(cells, head, mapping, spec.items)
            for r in range(head + 1, len(cells)):
                row = cells[r]
                if summary_row(row, mapping):
                    continue
                obj: dict[str, Any] = {}
                ev: dict[str, Evidence] = {}
                for item in spec.items:
                    col = mapping.get(item.name)
                    text = tidy_cjk(row[col]) if col is not None and col < len(row) else ""
                    if col is not None and col in spill:
                        text = " ".join(t for t in [text, *(row[k] for k in spill[col] if k < len(row))] if t)
                    if item.kind == "string" and view.page.text_source == "ocr":
                        text = ocr_ones(text)
                    typed = coerce(item, text, ctx.dayfirst) if text.strip() else None
                    obj[item.name] = typed.value if typed else None
                    if typed is not None and col is not None:
                        box = table.cell_boxes[r][col] if r < len(table.cell_boxes) else None
                        box = level(box, -slope) if box is not None else None
                        ev[item.name] = Evidence(view.page.page_no, box, text, 0.8)
                _repair_quantity(spec.items, obj, row, mapping, roles)
                if sum(v is not None for v in obj.values()) < min(need, len(mapping)):
                    continue
                if not any(re.search(r"\w", str(v)) for v in obj.values() if v is not None):
                    continue
                i = len(rows)
                rows.append(obj)
                for name, e in ev.items():
                    evidence[f"{spec.path}[{i}].{name}"] = e
    return rows, evidence
