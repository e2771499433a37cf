"""Table regions from PyMuPDF: its layout model (an ONNX network shipped inside the `pymupdf` wheel; it
runs offline on CPU and downloads nothing) and its ruled-table finder (drawn lines only).

The model reads a PDF page's text and drawings and labels page regions ('table', 'text', 'caption'...).
It was trained on documents of many kinds, so it is the detector that does not depend on rules fitted to
one dataset; docai's word alignment then reads each region's rows and columns (`table_vote`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docai.document import BBox

_log = logging.getLogger(__name__)

_OPEN = threading.local()
"""Per thread, the last PDF asked about, still open: (file key, pymupdf.Document)."""


@dataclass
class RuledTable:
    """A table drawn with rulings: its box and its cells' boxes, row by row (None: a cell merged into
    the one left of or above it)."""

    bbox: BBox
    cells: list[list[BBox | None]]


@dataclass
class PageRegions:
    """What PyMuPDF sees on one page: tables the layout model labels, tables drawn with rulings."""

    layout: list[BBox]
    ruled: list[RuledTable]


def _box(b: object) -> BBox:
    x0, y0, x1, y1 = (float(v) for v in list(b)[:4])  # type: ignore[call-overload]
    return (x0, y0, x1, y1)


def page_regions(pdf: Path, page_no: int) -> PageRegions | None:
    """Table regions on page `page_no` (1-based), in top-left page points.

    None when the layout model could not run there (a PyMuPDF without it, a rotated or damaged page):
    the caller then falls back to word alignment alone.
    """
    try:
        page = _document(pdf)[page_no - 1]
        if page.rotation != 0 or not hasattr(page, "get_layout"):  # PyMuPDF before 2.0 has no model
            return None
        page.get_layout()
        info = page.layout_information
        if info is None:
            return None
        ruled = [
            RuledTable(_box(t.bbox), [[_box(c) if c else None for c in row.cells] for row in t.rows])
            for t in page.find_tables(use_layout=False).tables
        ]
    except Exception as e:  # the model is an aid: a page it cannot read still gets word alignment
        _log.warning("%s page %d: layout analysis failed: %s", pdf.name, page_no, e)
        return None
    return PageRegions([_box(b) for b in info if str(b[4]) == "table"], ruled)


def _document(pdf: Path) -> Any:
    """`pdf` opened once for the pages asked in turn (callers go page by page; opening a filing and
    loading its fonts again cost about 3 ms a page), per thread since a PyMuPDF document must not be
    used by two threads at once. A file changed on disk, or another file, is opened afresh."""
    import pymupdf

    st = pdf.stat()
    key = (str(pdf.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)
    cached = getattr(_OPEN, "doc", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if cached is not None:
        _OPEN.doc = None
        cached[1].close()
    doc = pymupdf.open(pdf)
    _OPEN.doc = (key, doc)
    return doc
