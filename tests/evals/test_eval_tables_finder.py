"""ICDAR 2013 loading and cell scoring: index bases, spanning cells, spaces the truth text lost."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf

from docai.evals.datasets.tables import evaluate_tables, load_icdar2013, span_cell_accuracy

ROWS = [("Region", "2023", "2024"), ("North", "1,204.5", "1,310.2"), ("South", "877.0", "902.3")]


def _dataset(root: Path, base: int, title: bool = True) -> Path:
    """A drawn table and a gt.jsonl counting rows/columns from `base`; `title`: a header over both years."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    if title:
        page.insert_text((250, 100), "Revenue by year", fontsize=10)
    for i, row in enumerate(ROWS):
        for x, text in zip((60, 250, 380), row, strict=True):
            page.insert_text((x, 120 + 16 * i), text, fontsize=10)
    doc.save(root / "t.pdf")
    doc.close()
    cells = [{"row": base, "col": base + 1, "end_row": base, "end_col": base + 2, "text": "Revenue byyear"}]
    cells = cells if title else []
    for i, row in enumerate(ROWS):
        for j, text in enumerate(row):
            r, c = base + int(title) + i, base + j
            cells.append({"row": r, "col": c, "end_row": r, "end_col": c, "text": text})
    # region_bbox in PDF points from the bottom-left, as upstream
    region = {
        "page": 1,
        "region_bbox": [55, 842 - 160, 440, 842 - 88],
        "n_rows": 4,
        "n_cols": 3,
        "cells": cells,
    }
    rec = {"doc": "t.pdf", "tables": [{"table_id": "1", "regions": [region]}]}
    (root / "gt.jsonl").write_text(json.dumps(rec) + "\n")
    return root


def test_one_based_truth_is_shifted_and_spans_kept(tmp_path: Path) -> None:
    zero = load_icdar2013(_dataset(tmp_path, 0)).tables[0]
    one = load_icdar2013(_dataset(tmp_path, 1)).tables[0]
    assert one.cells == zero.cells and one.spans == zero.spans
    assert one.cells[1] == list(ROWS[0]) and one.spans[0][:4] == (0, 1, 0, 2)


def test_span_cell_accuracy_rules() -> None:
    spans = [(0, 1, 0, 2, "Revenue"), (1, 0, 1, 0, "North"), (1, 1, 1, 1, "1,204.5")]
    assert span_cell_accuracy([["", "", "Revenue"], ["North", "1,204.5", ""]], spans) == 1.0
    # a row too many (a caption above the table) shifts everything: still wrong
    assert (
        span_cell_accuracy([["Caption", "", ""], ["", "Revenue", ""], ["North", "1,204.5", ""]], spans) == 0.0
    )
    # a wrong column is wrong, even inside the table
    assert span_cell_accuracy([["", "Revenue", ""], ["1,204.5", "North", ""]], spans) == 1 / 3


def test_evaluate_drawn_table_with_one_based_truth(tmp_path: Path) -> None:
    r = evaluate_tables(load_icdar2013(_dataset(tmp_path, 1, title=False)))
    assert r["detection"]["tp"] == 1
    assert r["cell_accuracy"] == 1.0
