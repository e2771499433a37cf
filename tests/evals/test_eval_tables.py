"""Table scoring end to end on a ruled table drawn here, with docai's finder and a peer's."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from docai.evals.bench.peers import pdfplumber_tables, text_speed
from docai.evals.datasets import Dataset, TableTruth
from docai.evals.datasets.tables import FoundTable, evaluate_tables, iou
from docai.evals.synth.draw import Canvas

GRID = [
    ["Region", "2023", "2024"],
    ["North", "1,204.5", "1,310.2"],
    ["South", "877.0", "902.3"],
    ["West", "455.1", "498.7"],
]


def _table_pdf(path: Path) -> tuple[float, float, float, float]:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    c = Canvas(page, size=10, margin=60)
    c.text(60, 80, "Revenue by region (USD millions)", size=12, bold=True)
    c.y = 120
    cols = [(GRID[0][0], 200, "left"), (GRID[0][1], 120, "right"), (GRID[0][2], 120, "right")]
    bottom = c.table(60, cols, GRID[1:], rulings=True)
    doc.save(path)
    doc.close()
    return (60, 120, 500, bottom)


def test_evaluate_tables_finds_the_drawn_table(tmp_path: Path) -> None:
    pdf = tmp_path / "t.pdf"
    bbox = _table_pdf(pdf)
    ds = Dataset(name="t", root=tmp_path, tables=[TableTruth(pdf, 1, bbox, GRID, "t1")])
    r = evaluate_tables(ds)
    assert r["detection"]["tp"] == 1 and r["detection"]["fn"] == 0
    assert r["structure"]["f1"] > 0.9 and r["cell_accuracy"] > 0.9


def test_a_peer_finder_plugs_in(tmp_path: Path) -> None:
    pytest.importorskip("pdfplumber", reason="pdfplumber is a benchmark peer (pip install docai[bench])")
    pdf = tmp_path / "t.pdf"
    bbox = _table_pdf(pdf)
    ds = Dataset(name="t", root=tmp_path, tables=[TableTruth(pdf, 1, bbox, GRID, "t1")])
    r2 = evaluate_tables(ds, finder=pdfplumber_tables, finder_name="pdfplumber")
    assert r2["finder"] == "pdfplumber" and r2["detection"]["tp"] == 1


def test_missed_and_spurious_tables_count(tmp_path: Path) -> None:
    pdf = tmp_path / "t.pdf"
    bbox = _table_pdf(pdf)
    ds = Dataset(name="t", root=tmp_path, tables=[TableTruth(pdf, 1, bbox, GRID, "t1")])

    def elsewhere(path: Path, page_no: int) -> list[FoundTable]:
        return [FoundTable((60, 600, 300, 700), [["x", "y"]])]

    r = evaluate_tables(ds, finder=elsewhere, finder_name="wrong place")
    assert (r["detection"]["tp"], r["detection"]["fp"], r["detection"]["fn"]) == (0, 1, 1)
    assert r["cell_accuracy"] == 0.0


def test_iou() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(1 / 3)
    assert iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0


def test_peer_text_speed_runs_the_chosen_tools(tmp_path: Path) -> None:
    pdf = tmp_path / "t.pdf"
    _table_pdf(pdf)
    r = text_speed([(pdf, 1)], only={"docai (load_document words)", "pymupdf get_text(words)"})
    assert set(r["tools"]) == {"docai (load_document words)", "pymupdf get_text(words)"}
    assert r["tools"]["docai (load_document words)"]["vs_docai"] == 1.0
    assert all(f["pages_per_s"] > 0 for f in r["tools"].values())
