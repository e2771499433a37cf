"""A table read from its rulings: the cells PyMuPDF's ruled-table finder draws from the page's lines,
filled with docai's words (each word in the cell that holds its centre), so cell text reads as the
rest of docai reads it."""

from __future__ import annotations

import logging

from docai.document import BBox, Word
from docai.engines.text.layout import union
from docai.engines.text.table_columns import is_value
from docai.engines.text.table_layout import RuledTable
from docai.engines.text.table_model import Table

_log = logging.getLogger(__name__)

CUT_SLACK = 1.0  # points a word may reach over a cell edge (glyph boxes overhang rulings a little)


def _holds(cell: BBox, x: float, y: float) -> bool:
    return cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]


def _cuts(cell: BBox, w: Word) -> bool:
    """Whether the word's centre is in the cell but the word runs across its left or right edge."""
    return w.bbox[0] < cell[0] - CUT_SLACK or w.bbox[2] > cell[2] + CUT_SLACK


def cut_share(ruled: RuledTable, words: list[Word]) -> float:
    """The share of the table's words that a cell edge cuts through (0: the rulings part words cleanly;
    a grid guessed through the text cuts many)."""
    cells = [c for row in ruled.cells for c in row if c is not None]
    placed = cut = 0
    for w in words:
        cx, cy = (w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2
        cell = next((c for c in cells if _holds(c, cx, cy)), None)
        if cell is not None:
            placed += 1
            cut += _cuts(cell, w)
    return cut / placed if placed else 1.0


def _cell_lines(cell: BBox, words: list[Word]) -> list[list[Word]]:
    """The words whose centre is in `cell`, by line (centres within half a word height), left to right."""
    inside = [w for w in words if _holds(cell, (w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2)]
    lines: list[list[Word]] = []
    for w in sorted(inside, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        cy, h = (w.bbox[1] + w.bbox[3]) / 2, w.bbox[3] - w.bbox[1]
        if lines and abs(cy - (lines[-1][0].bbox[1] + lines[-1][0].bbox[3]) / 2) <= 0.5 * h:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(ln, key=lambda w: w.bbox[0]) for ln in lines]


def stacks_values(lines: list[list[Word]]) -> bool:
    """Whether a cell holds several lines that are each a value: a number does not wrap over lines, so
    these are rows the rulings do not part (rules under the header only)."""
    return len(lines) >= 2 and all(is_value(" ".join(w.text for w in ln)) for ln in lines)


def ruled_table(ruled: RuledTable, words: list[Word], page_no: int) -> Table | None:
    """The ruled grid filled with `words` (None: under two rows or two columns, or rows the rulings do
    not part)."""
    texts: list[list[str]] = []
    boxes: list[list[BBox | None]] = []
    for row in ruled.cells:
        lines = [_cell_lines(c, words) if c is not None else [] for c in row]
        if any(stacks_values(c) for c in lines):
            return None
        texts.append([" ".join(w.text for ln in c for w in ln) for c in lines])
        boxes.append([union(w.bbox for ln in c for w in ln) if c else None for c in lines])
    # rows and columns the rulings leave empty are no part of the table's text grid
    keep_rows = [i for i, r in enumerate(texts) if any(r)]
    if len(keep_rows) < 2:
        return None
    keep_cols = [k for k in range(len(texts[0])) if any(texts[i][k] for i in keep_rows)]
    if len(keep_cols) < 2:
        return None
    grid = [[texts[i][k] for k in keep_cols] for i in keep_rows]
    cell_boxes = [[boxes[i][k] for k in keep_cols] for i in keep_rows]
    found = [b for r in cell_boxes for b in r if b is not None]
    return Table(page_no, union(found), grid[0], grid[1:], cell_boxes)
