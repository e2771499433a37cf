"""Tables on a page: regions from PyMuPDF's layout model where a PDF text layer allows (`table_layout`,
combined in `table_vote`), rows and columns from word alignment (which alone also finds tables on scans).

Alignment: consecutive lines with several gap-separated segments form a table region; columns are the
x-ranges that some word covers with whitespace 'rivers' between them; each word goes to the column holding
its centre, each line is a row (a line that only continues the text cells of the row above is merged
into it: wrapped descriptions).

Regions, captions and notes: `table_regions`; columns and cell values: `table_columns`; which lines head
the columns or join a row: `table_rows`.
"""

from __future__ import annotations

import logging
import statistics
from pathlib import Path

from docai.document import BBox, Page, Word
from docai.engines.text.layout import Line, group_lines, union
from docai.engines.text.table_columns import columns_of, is_numeric, line_cells
from docai.engines.text.table_layout import page_regions
from docai.engines.text.table_model import Table as Table
from docai.engines.text.table_regions import (
    find_regions,
    trim_region,
    with_group_headers,
    without_prose_column,
)
from docai.engines.text.table_rows import header_rows, is_body_row, joins_row, row_pitch, stub_only
from docai.engines.text.table_vote import voted_tables

_log = logging.getLogger(__name__)


TABLE_GAP = 1.0  # a narrower segment gap than for key/value: table cells sit closer than label and value


def find_tables(page: Page, pdf: str | Path | None = None) -> list[Table]:
    """Tables on `page`.

    With `pdf` (the file a text-layer page came from) PyMuPDF's layout model finds the table regions and
    word alignment reads each one (`table_vote`); without it, or where the model cannot run (scans),
    word alignment alone finds them.
    """
    regions = None
    if pdf is not None and page.text_source == "layer" and page.rotation == 0:
        regions = page_regions(Path(pdf), page.page_no)
    aligned = aligned_tables(page.words, page.page_no)
    if regions is None:
        return aligned
    found = voted_tables(page.words, page.page_no, regions, aligned, aligned_tables)
    found.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return found


def aligned_tables(words: list[Word], page_no: int = 1) -> list[Table]:
    """Tables found from word positions alone."""
    lines = group_lines(words, page_no, gap=TABLE_GAP)
    out: list[Table] = []
    for found in find_regions(lines):
        cut = without_prose_column(found)
        for region in [found] if cut is found else find_regions(cut):
            region = trim_region(region)
            if len(region) < 2:
                continue
            t = _grid(with_group_headers(region, lines), page_no)
            if t is not None:
                out.extend(split_repeated(t))
    return out


def split_repeated(table: Table) -> list[Table]:
    """Tables set side by side: where the header's value columns repeat ('Age | Total | Age | Total'),
    each repeat is a table of its own with its own stub column, whose header is none of the repeated
    ones (a header repeated over neighbouring columns is no new table). Else the table as is."""
    n = table.n_cols
    for period in range(2, n // 2 + 1):
        repeats = 1
        while (repeats + 1) * period <= n and _repeats(table, period, repeats * period):
            repeats += 1
        if repeats < 2:
            continue
        bounds = [(b * period, (b + 1) * period) for b in range(repeats)]
        if repeats * period < n:
            bounds.append((repeats * period, n))
        parts = [_columns_part(table, a, b) for a, b in bounds]
        return [t for t in parts if t is not None]
    return [table]


def _repeats(table: Table, period: int, start: int) -> bool:
    """Whether the `period` columns from `start` repeat the first ones: the same value-column headers
    under a stub header of their own, and a stub of text labels ('no. | Rate | no. | Rate' is one table)."""
    head = table.header
    same = all(head[j] and head[start + j] == head[j] != head[start] for j in range(1, period))
    labels = [r[start] for r in table.rows if r[start]]
    return same and bool(labels) and sum(not is_numeric(c) for c in labels) * 2 > len(labels)


def _columns_part(table: Table, a: int, b: int) -> Table | None:
    """Columns a..b-1 of `table` as a table, without its empty rows (None: under two rows or columns)."""
    keep = [i for i, r in enumerate(table.cells) if any(r[a:b])]
    texts = [table.cells[i][a:b] for i in keep]
    boxes = [table.cell_boxes[i][a:b] for i in keep] if table.cell_boxes else []
    found = [box for row in boxes for box in row if box is not None]
    if len(texts) < 2 or b - a < 2 or not found:
        return None
    return Table(table.page_no, union(found), texts[0], texts[1:], boxes)


def _prose(texts: list[list[str]]) -> bool:
    """Text in columns that is no table: every column holds long runs of words, few numbers.

    A table of terms and their descriptions has long text too, but its first column is short labels.
    """
    flat = [t for r in texts for t in r if t]
    if sum(is_numeric(t) for t in flat) >= len(flat) * 0.2:
        return False
    if statistics.mean(len(t.split()) for t in flat) <= 7:
        return False
    per_col = [[len(r[k].split()) for r in texts if k < len(r) and r[k]] for k in range(len(texts[0]))]
    return all(statistics.mean(c) > 4 for c in per_col if c)


def _grid(region: list[Line], page_no: int) -> Table | None:
    cols = columns_of(region)
    if len(cols) < 2:
        return None
    below = [*region[1:], None]
    split = [(ln, *line_cells(ln, cols, nxt)) for ln, nxt in zip(region, below, strict=True)]
    body_at = next((i for i in range(1, len(split)) if is_body_row(split[i][1])), 1)
    # labels alone in the stub column between the column headers and the first data row head blocks of
    # rows ('All', then '3-year-olds'), not columns
    k = body_at
    while k > 1 and stub_only(split[k - 1][1]):
        k -= 1
    if k < body_at and not stub_only(split[k - 1][1]):
        body_at = k
    rows = header_rows(split[:body_at]) if body_at > 1 else [split[0][1]]
    n_head = len(rows)
    pitch = row_pitch([ln for ln, _, _ in split[body_at:]])
    for ln, cells, _ in split[body_at:]:
        if len(rows) > n_head and joins_row(rows[-1], ln, cells, pitch):
            for i, c in enumerate(cells):
                rows[-1][i].extend(c)
            continue
        rows.append(cells)
    if len(rows) < 2:
        return None
    _fold_bullets(rows)
    _fold_staggered(rows)
    texts = [[" ".join(w.text for w in c) for c in r] for r in rows]
    if _prose(texts):
        return None
    keep = [i for i in range(len(cols)) if any(texts[r][i] for r in range(len(texts)))]
    texts = [[r[i] for i in keep] for r in texts]
    boxes: list[list[BBox | None]] = [
        [union(w.bbox for w in r[i]) if r[i] else None for i in keep] for r in rows
    ]
    bbox = union(w.bbox for r in rows for c in r for w in c)
    return Table(page_no, bbox, texts[0], texts[1:], boxes)


_BULLETS = {"•", "·", "▪", "◦", "○", "■", "►", "‣", "–", "-"}


def _fold_bullets(rows: list[list[list[Word]]]) -> None:
    """A column of nothing but bullet marks belongs to the text right of it: the marks join those cells,
    each before the line it marks."""
    for k in range(len(rows[0]) - 1):
        marks = [c for c in (r[k] for r in rows) if c]
        if not marks or not all(w.text in _BULLETS for c in marks for w in c):
            continue
        for r in rows:
            if r[k]:
                r[k + 1] = _reading_order(r[k] + r[k + 1])
                r[k] = []


def _fold_staggered(rows: list[list[list[Word]]]) -> None:
    """Two neighbouring columns of text labels that no row fills both of are one column whose labels are
    set at different indents ('Men', 'Women', then 'Total' set further right)."""
    k = 0
    while k < len(rows[0]) - 1:
        a = [" ".join(w.text for w in r[k]) for r in rows]
        b = [" ".join(w.text for w in r[k + 1]) for r in rows]
        text = all(not is_numeric(t) for t in a + b if t)
        if any(a) and any(b) and text and not any(x and y for x, y in zip(a, b, strict=True)):
            for r in rows:
                r[k].extend(r[k + 1])
                r[k + 1] = []
        k += 1


def _reading_order(words: list[Word]) -> list[Word]:
    """Words of one cell by line (centres within half a word height), left to right in each line."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        cy, h = (w.bbox[1] + w.bbox[3]) / 2, w.bbox[3] - w.bbox[1]
        if lines and abs(cy - (lines[-1][0].bbox[1] + lines[-1][0].bbox[3]) / 2) <= 0.5 * h:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [w for ln in lines for w in sorted(ln, key=lambda w: w.bbox[0])]
