"""Tables from finders that check each other: PyMuPDF's layout model says where tables are, docai's
word alignment says how each is laid out in rows and columns.

- A layout region is a table; its structure is read from the words inside it alone, so a caption or a
  paragraph the model left out cannot join it. Rulings drawn over it set its rows where they agree with
  the alignment on its columns and join lines the alignment kept apart (cells wrapped over lines).
- A table that only the alignment finder sees is kept when PyMuPDF's ruled-table finder sees it too (two
  finders that work from different evidence, drawn lines and word positions, agree); else the model's
  'not a table' wins, since a wrong table costs more than a missed one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from docai.document import BBox, Word
from docai.engines.text.layout import union
from docai.engines.text.table_layout import PageRegions, RuledTable
from docai.engines.text.table_model import Table
from docai.engines.text.table_ruled import cut_share, ruled_table

_log = logging.getLogger(__name__)

MARGIN = 2.0  # points a word's centre may lie outside a layout region and still belong to it
SAME_TABLE = 0.5  # two boxes sharing this much of the smaller one's area are one table
CLAIMED = 0.2  # an alignment table sharing this much with a layout region is that region's
MAX_CUT = 0.02  # rulings that cut more of a table's words than this are no cell grid (decoration)


def inside(b: BBox, box: BBox, margin: float = MARGIN) -> bool:
    """Whether the centre of `b` lies in `box` (grown by `margin`)."""
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return box[0] - margin <= cx <= box[2] + margin and box[1] - margin <= cy <= box[3] + margin


def overlap_share(a: BBox, b: BBox) -> float:
    """The share of the smaller box's area that the two boxes share."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / small if small > 0 else 0.0


Aligner = Callable[[list[Word], int], list[Table]]


def region_tables(words: list[Word], page_no: int, align: Aligner, ruled: list[RuledTable]) -> list[Table]:
    """The table (or tables) in a layout region.

    The alignment finder's largest table over the region's words, its box all of the region's words;
    a region with no rows and columns found is one cell of text. Where rulings drawn over the region
    part its words cleanly, agree with the alignment on the columns and join lines it kept apart (cells
    wrapped over lines), they set the grid: columns seen by both finders, rows by the author's own rules.
    """
    box = union(w.bbox for w in words)
    found = align(words, page_no)
    best = max(found, key=lambda t: sum(1 for r in t.cells for c in r if c)) if found else None
    for r in ruled:
        if best is None or overlap_share(r.bbox, box) < SAME_TABLE or cut_share(r, words) > MAX_CUT:
            continue
        t = ruled_table(r, words, page_no)
        if t is not None and t.n_cols == best.n_cols and len(t.cells) < len(best.cells):
            return [t]
    if best is None:
        return [Table(page_no, box, [" ".join(w.text for w in words)], [], [])]
    return [Table(page_no, box, best.header, best.rows, best.cell_boxes)]


def voted_tables(
    words: list[Word], page_no: int, regions: PageRegions, aligned: list[Table], align: Aligner
) -> list[Table]:
    """A page's tables from PyMuPDF's `regions` and the alignment finder's tables `aligned`."""
    out: list[Table] = []
    for box in regions.layout:
        inner = [w for w in words if inside(w.bbox, box)]
        if inner:
            out.extend(region_tables(inner, page_no, align, regions.ruled))
    for t in aligned:
        if any(overlap_share(t.bbox, box) > CLAIMED for box in regions.layout):
            continue
        if any(overlap_share(t.bbox, r.bbox) >= SAME_TABLE for r in regions.ruled):
            out.append(t)
    return out
