"""Tables from finders that check each other: PyMuPDF's layout model says where tables are, docai's
word alignment says how each is laid out in rows and columns.

- A layout region is a table; its structure is read from the words inside it alone, so a caption or a
  paragraph the model left out cannot join it.
- A table that only the alignment finder sees is kept when PyMuPDF's ruled-table finder sees it too (two
  finders that work from different evidence, drawn lines and word positions, agree); else the model's
  'not a table' wins, since a wrong table costs more than a missed one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from docai.document import BBox, Word
from docai.engines.text.layout import union
from docai.engines.text.table_layout import PageRegions
from docai.engines.text.table_model import Table

_log = logging.getLogger(__name__)

MARGIN = 2.0  # points a word's centre may lie outside a layout region and still belong to it
SAME_TABLE = 0.5  # two boxes sharing this much of the smaller one's area are one table
CLAIMED = 0.2  # an alignment table sharing this much with a layout region is that region's


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


def region_table(words: list[Word], page_no: int, align: Aligner) -> Table:
    """The table in a layout region: the alignment finder's largest table over the region's words, its
    box all of the region's words; a region with no rows and columns found is one cell of text."""
    box = union(w.bbox for w in words)
    found = align(words, page_no)
    if not found:
        return Table(page_no, box, [" ".join(w.text for w in words)], [], [])
    best = max(found, key=lambda t: sum(1 for r in t.cells for c in r if c))
    return Table(page_no, box, best.header, best.rows, best.cell_boxes)


def voted_tables(
    words: list[Word], page_no: int, regions: PageRegions, aligned: list[Table], align: Aligner
) -> list[Table]:
    """A page's tables from PyMuPDF's `regions` and the alignment finder's tables `aligned`."""
    out: list[Table] = []
    for box in regions.layout:
        inner = [w for w in words if inside(w.bbox, box)]
        if inner:
            out.append(region_table(inner, page_no, align))
    for t in aligned:
        if any(overlap_share(t.bbox, box) > CLAIMED for box in regions.layout):
            continue
        if any(overlap_share(t.bbox, box) >= SAME_TABLE for box in regions.ruled):
            out.append(t)
    return out
