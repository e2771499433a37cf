"""Tables on a page: from word alignment (works on scans and ruling-free PDFs), or PyMuPDF's ruled tables.

Alignment: consecutive lines with several gap-separated segments form a table region; columns are the
x-ranges that some word covers with whitespace 'rivers' between them; each word goes to the column holding
its centre, each line is a row (a line that only continues the text cells of the row above is merged
into it: wrapped descriptions).
"""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from docai.document import BBox, Page, Word
from docai.engines.text.layout import Line, group_lines, union

_log = logging.getLogger(__name__)

TABLE_GAP = 1.0  # a narrower segment gap than for key/value: table cells sit closer than label and value
MAX_ROW_GAP = 2.2  # rows further apart than this many line heights end the table


@dataclass
class Table:
    """A table: `header` is the first row; `cell_boxes` has one row per header+rows (None: empty cell)."""

    page_no: int
    bbox: BBox
    header: list[str]
    rows: list[list[str]]
    cell_boxes: list[list[BBox | None]] = field(default_factory=list)

    @property
    def cells(self) -> list[list[str]]:
        return [self.header, *self.rows]

    @property
    def n_cols(self) -> int:
        return len(self.header)


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+(]?[$€£¥₹%]?\s?[\d.,'’ ]*\d[\d.,%)]*\s?[A-Za-z%]{0,3}", text.strip()))


def find_tables(page: Page, pdf: str | Path | None = None) -> list[Table]:
    """Tables on `page`. With `pdf` (the file the page came from) ruled tables come from PyMuPDF first."""
    found: list[Table] = []
    if pdf is not None and page.text_source == "layer" and page.rotation == 0:
        found = _ruled_tables(page, Path(pdf))
    words = [w for w in page.words if not any(_inside(w.bbox, t.bbox) for t in found)]
    found.extend(aligned_tables(words, page.page_no))
    found.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return found


def _inside(b: BBox, outer: BBox) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return outer[0] - 1 <= cx <= outer[2] + 1 and outer[1] - 1 <= cy <= outer[3] + 1


def aligned_tables(words: list[Word], page_no: int = 1) -> list[Table]:
    """Tables found from word positions alone."""
    lines = group_lines(words, page_no, gap=TABLE_GAP)
    out: list[Table] = []
    for region in _regions(lines):
        t = _grid(region, page_no)
        if t is not None:
            out.append(t)
    return out


def _regions(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive multi-segment lines (single-segment lines allowed inside), close together."""
    regions: list[list[Line]] = []
    cur: list[Line] = []
    pending: list[Line] = []
    for ln in lines:
        if cur:
            last = (pending or cur)[-1]
            if ln.bbox[1] - last.bbox[3] > MAX_ROW_GAP * max(ln.height, last.height):
                regions.append(cur)
                cur, pending = [], []
        if len(ln.segments) >= 2:
            if cur:
                cur.extend(pending)
            pending = []
            cur.append(ln)
        elif cur:
            pending.append(ln)
            if len(pending) > 2:
                regions.append(cur)
                cur, pending = [], []
    if cur:
        regions.append(cur)
    return [r for r in regions if len(r) >= 2]


def _columns(lines: list[Line]) -> list[tuple[float, float]]:
    """X-ranges covered by segments, split at whitespace that runs through (nearly) every row."""
    segs = sorted((s.bbox[0], s.bbox[2]) for ln in lines for s in ln.segments)
    if not segs:
        return []
    # a segment wider than most columns (a title or spanning cell) may cross a river; ignore the widest few
    widths = sorted(b - a for a, b in segs)
    cap = widths[int(len(widths) * 0.9)] if len(segs) >= 10 else widths[-1]
    spans = [(a, b) for a, b in segs if b - a <= cap] or segs
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1] + 1.0:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    return [(a, b) for a, b in cols]


def _grid(region: list[Line], page_no: int) -> Table | None:
    cols = _columns(region)
    if len(cols) < 2:
        return None
    rows: list[list[list[Word]]] = []
    for ln in region:
        cells: list[list[Word]] = [[] for _ in cols]
        for w in ln.words:
            cx = (w.bbox[0] + w.bbox[2]) / 2
            k = min(
                range(len(cols)),
                key=lambda i: (
                    0 if cols[i][0] <= cx <= cols[i][1] else min(abs(cx - cols[i][0]), abs(cx - cols[i][1]))
                ),
            )
            cells[k].append(w)
        filled = [i for i, c in enumerate(cells) if c]
        text_only = not any(_numeric(" ".join(w.text for w in cells[i])) for i in filled)
        if rows and text_only and len(filled) < len(cols):
            prev = rows[-1]
            gap = ln.bbox[1] - max(w.bbox[3] for c in prev for w in c)
            prev_text = not any(_numeric(" ".join(w.text for w in c)) for c in prev if c)
            wrapped = len(filled) == 1 and filled[0] != 0 and prev[filled[0]] and prev_text
            # a description wrapped onto a line of its own under its row
            wrapped = wrapped or (filled == [0] and bool(prev[0]) and gap < 0.45 * ln.height)
            if wrapped or (prev_text and gap < 0.45 * ln.height and all(prev[i] for i in filled)):
                for i in filled:
                    prev[i].extend(cells[i])  # a wrapped text cell (or a two-line header)
                continue
        rows.append(cells)
    if len(rows) < 2:
        return None
    texts = [[" ".join(w.text for w in c) for c in r] for r in rows]
    # prose in two columns is not a table: tables have short cells or numbers
    flat = [t for r in texts for t in r if t]
    if statistics.mean(len(t.split()) for t in flat) > 7 and sum(_numeric(t) for t in flat) < len(flat) * 0.2:
        return None
    keep = [i for i in range(len(cols)) if any(texts[r][i] for r in range(len(texts)))]
    texts = [[r[i] for i in keep] for r in texts]
    boxes: list[list[BBox | None]] = [
        [union(w.bbox for w in r[i]) if r[i] else None for i in keep] for r in rows
    ]
    bbox = union(w.bbox for r in rows for c in r for w in c)
    return Table(page_no, bbox, texts[0], texts[1:], boxes)


def _ruled_tables(page: Page, pdf: Path) -> list[Table]:
    """Tables drawn with rulings, through PyMuPDF (text-layer pages only)."""
    import pymupdf

    out: list[Table] = []
    try:
        with pymupdf.open(pdf) as doc:
            fitz_page = doc[page.page_no - 1]
            for t in fitz_page.find_tables().tables:
                grid = t.extract()
                if len(grid) < 2 or t.col_count < 2:
                    continue
                texts = [[" ".join(str(c or "").split()) for c in row] for row in grid]
                boxes: list[list[BBox | None]] = [
                    [tuple(c) if c else None for c in row.cells]  # type: ignore[misc]
                    for row in t.rows
                ]
                out.append(Table(page.page_no, tuple(t.bbox), texts[0], texts[1:], boxes))  # type: ignore[arg-type]
    except Exception as e:  # a malformed page must not stop extraction; alignment still runs
        _log.warning("%s page %d: ruled table detection failed: %s", pdf.name, page.page_no, e)
    return out
