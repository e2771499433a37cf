"""ICDAR 2013 table competition: loader, a table finder, and table detection/structure scoring.

Tables are found with `docai.engines.text.tables.find_tables(page, pdf)` when the text engine provides
it (given the PDF, so its layout model runs), else with PyMuPDF's own `page.find_tables()`; the report
says which one ran.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docai.evals.datasets.model import Dataset, TableTruth
from docai.evals.datasets.public import _doc, _gt
from docai.evals.metrics import Counts, table_cell_accuracy, table_structure_counts
from docai.evals.normalize import norm_text

_log = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]


Span = tuple[int, int, int, int, str]  # row, col, end_row, end_col (inclusive), text


@dataclass
class SpannedTableTruth(TableTruth):
    """A truth table that also knows which grid positions each cell spans (ICDAR `end-row`/`end-col`)."""

    spans: list[Span] = field(default_factory=list)


def _spans(cells: list[dict[str, Any]]) -> list[Span]:
    """Cells with 0-based indices.

    The upstream structure files are meant to count rows and columns from 0, but about a quarter of the
    US ones count from 1 (and one from -1, through `row-increment`); indices are shifted so the first
    row and column used are 0. Positions stay relative, so a cell must still be in its own row and column.
    """
    if not cells:
        return []
    r0 = min(int(c.get("row", 0)) for c in cells)
    c0 = min(int(c.get("col", 0)) for c in cells)
    out: list[Span] = []
    for c in cells:
        r, k = int(c.get("row", 0)) - r0, int(c.get("col", 0)) - c0
        er = max(r, int(c.get("end_row", c.get("row", 0))) - r0)
        ec = max(k, int(c.get("end_col", c.get("col", 0))) - c0)
        out.append((r, k, er, ec, str(c.get("text") or "")))
    return out


def _grid(spans: list[Span]) -> list[list[str]]:
    """The grid with each cell's text at its first row and column."""
    rows = max((s[2] + 1 for s in spans), default=0)
    cols = max((s[3] + 1 for s in spans), default=0)
    grid = [["" for _ in range(cols)] for _ in range(rows)]
    for r, k, _, _, text in spans:
        grid[r][k] = text
    return grid


def _squash(text: str) -> str:
    """Comparison form without any spaces: the upstream text often drops them ('Educationsystem')."""
    return norm_text(text).replace(" ", "")


def span_cell_accuracy(pred: list[list[str]], spans: list[Span]) -> float:
    """Fraction of non-empty truth cells whose text is in `pred` at a row and column the cell spans.

    Like `table_cell_accuracy`, but a header over columns 2-4 may sit in any of them (ICDAR cells
    occupy every grid position they span; a finder places such text where it is drawn). Spaces are
    ignored in the comparison, since the truth text lost many of them.
    """
    truth = [(r, k, er, ec, _squash(t)) for r, k, er, ec, t in spans if _squash(t)]
    if not truth:
        return 1.0
    p = {(r, k): _squash(t) for r, row in enumerate(pred) for k, t in enumerate(row)}
    ok = sum(
        1
        for r, k, er, ec, t in truth
        if any(p.get((rr, kk)) == t for rr in range(r, er + 1) for kk in range(k, ec + 1))
    )
    return ok / len(truth)


def load_icdar2013(root: Path) -> Dataset:
    """Truth tables per region; boxes flipped from PDF (bottom-left) to top-left page points."""
    import pymupdf

    ds = Dataset(name="icdar2013-tables", root=root)
    for rec in _gt(root):
        doc = _doc(root, rec, ds)
        if doc is None:
            continue
        with pymupdf.open(doc) as pdf:
            heights = [p.rect.height for p in pdf]
        for t in rec.get("tables") or []:
            for k, region in enumerate(t.get("regions") or []):
                page_no = int(region["page"])
                bbox = region.get("region_bbox")
                box: BBox | None = None
                if bbox and 0 < page_no <= len(heights):
                    h = heights[page_no - 1]
                    box = (float(bbox[0]), h - float(bbox[3]), float(bbox[2]), h - float(bbox[1]))
                spans = _spans(region.get("cells") or [])
                tid = f"{rec['doc']}#{t.get('table_id', '?')}.{k}"
                ds.tables.append(
                    SpannedTableTruth(
                        doc=doc, page_no=page_no, bbox=box, cells=_grid(spans), id=tid, spans=spans
                    )
                )
    return ds


@dataclass
class FoundTable:
    bbox: BBox
    cells: list[list[str]]


def _engine_finder() -> Any | None:
    try:
        module = importlib.import_module("docai.engines.text.tables")
    except ImportError:
        return None
    return getattr(module, "find_tables", None)


def table_finder_name() -> str:
    return (
        "docai.engines.text.tables.find_tables" if _engine_finder() else "pymupdf page.find_tables (fallback)"
    )


def find_page_tables(path: Path, page_no: int) -> list[FoundTable]:
    """Tables on one page (1-based) with the engine's finder (passed the file, for the layout model), or
    PyMuPDF's when there is none."""
    finder = _engine_finder()
    if finder is not None:
        from docai.options import Options
        from docai.parsers.loader import load_document

        with load_document(path, Options(pages=str(page_no))) as doc:
            found = finder(doc.page(page_no), path)
        return [FoundTable(tuple(t.bbox), [[str(c or "") for c in row] for row in t.cells]) for t in found]
    import pymupdf

    with pymupdf.open(path) as pdf:
        page = pdf[page_no - 1]
        out = []
        for t in page.find_tables().tables:
            rows = t.extract()
            out.append(FoundTable(tuple(t.bbox), [[str(c or "") for c in row] for row in rows]))
        return out


def iou(a: BBox, b: BBox) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


TableFinder = Callable[[Path, int], list[FoundTable]]


def evaluate_tables(
    ds: Dataset, iou_threshold: float = 0.5, finder: TableFinder | None = None, finder_name: str | None = None
) -> dict[str, Any]:
    """Detection P/R (IoU >= threshold), ICDAR-style structure F1 and cell accuracy of matched tables.

    `finder(path, page_no)` defaults to docai's (see `find_page_tables`); benchmarks pass other tools'.
    """
    finder = finder or find_page_tables
    detection = Counts()
    structure = Counts()
    cell_acc: list[float] = []
    per_table: list[dict[str, Any]] = []
    pages = sorted({(t.doc, t.page_no) for t in ds.tables}, key=lambda x: (str(x[0]), x[1]))
    seconds = 0.0
    for doc, page_no in pages:
        start = time.perf_counter()
        try:
            found = finder(doc, page_no)
        except Exception as e:  # one bad page must not stop the eval
            _log.warning("%s page %d: table finding failed: %s", doc.name, page_no, e)
            found = []
        seconds += time.perf_counter() - start
        used: set[int] = set()
        for truth in (t for t in ds.tables if t.doc == doc and t.page_no == page_no):
            best, best_iou = None, 0.0
            for i, f in enumerate(found):
                score = iou(f.bbox, truth.bbox) if truth.bbox else 0.0
                if i not in used and score > best_iou:
                    best, best_iou = i, score
            if best is not None and best_iou >= iou_threshold:
                used.add(best)
                detection.tp += 1
                pred = found[best].cells
            else:
                detection.fn += 1
                pred = []
            s = table_structure_counts(pred, truth.cells)
            structure.add(s)
            spans = getattr(truth, "spans", None)
            acc = span_cell_accuracy(pred, spans) if spans else table_cell_accuracy(pred, truth.cells)
            cell_acc.append(acc)
            per_table.append(
                {
                    "id": truth.id,
                    "iou": round(best_iou, 3),
                    "structure_f1": round(s.f1, 4),
                    "cell_accuracy": round(acc, 4),
                }
            )
        detection.fp += len(found) - len(used)
    return {
        "finder": finder_name or table_finder_name(),
        "pages": len(pages),
        "seconds": round(seconds, 3),
        "pages_per_s": round(len(pages) / seconds, 2) if seconds else None,
        "detection": detection.to_dict(),
        "structure": structure.to_dict(),
        "cell_accuracy": round(sum(cell_acc) / len(cell_acc), 4) if cell_acc else None,
        "tables": per_table,
    }
