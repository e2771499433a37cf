"""Table PDFs made with PyMuPDF in varied styles, with the grid each holds (a check that does not depend
on ICDAR): ruled and unruled, a spanning group header, numeric columns, prose and a caption around."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pymupdf


@dataclass
class TableSpec:
    """One table to draw: `group` is an optional header spanning value columns 1..n-1."""

    header: list[str]
    rows: list[list[str]]
    ruled: bool = False
    group: str | None = None


PROSE = (
    "The committee reviewed the figures below before the annual meeting and agreed that they give a fair "
    "view of the period; the notes explain the methods used and the changes made since the last report."
)


def random_spec(rng: random.Random, ruled: bool, group: bool) -> TableSpec:
    """A table of regions by years: a text stub column and 2-5 numeric columns."""
    n_cols = rng.randint(3 if group else 2, 5)
    years = [str(2015 + i) for i in range(n_cols)]
    names = ["North", "South", "East", "West", "Central", "Islands", "Overseas", "Other"]
    rows = [
        [name, *(f"{rng.uniform(1, 9999):,.1f}" for _ in years)]
        for name in rng.sample(names, rng.randint(3, 7))
    ]
    return TableSpec(["Region", *years], rows, ruled, "Revenue (EUR million)" if group else None)


def grid_matches(cells: list[list[str]], spec: TableSpec) -> bool:
    """Whether a found grid is the table: its header and rows, under a first row holding only the group
    header (if any) in one of the value columns it spans (any of them, as ICDAR scores spanning cells)."""
    if spec.group:
        if not cells or cells[0][0] or [c for c in cells[0] if c] != [spec.group]:
            return False
        cells = cells[1:]
    return cells == [spec.header, *spec.rows]


def draw_table(
    page: pymupdf.Page, spec: TableSpec, x0: float, y0: float, size: float = 9
) -> tuple[float, float]:
    """Draws `spec` with its top-left at (x0, y0); returns the bottom y and right x."""
    stub_w, col_w, pitch = 110.0, 70.0, size * 1.9
    n = len(spec.header)
    right = x0 + stub_w + col_w * (n - 1)
    y = y0
    lines = [spec.header, *spec.rows]
    top = y - 0.6 * size
    if spec.group:
        # set flush right over the value columns (a header centred on the whole table reads as a title)
        width = pymupdf.get_text_length(spec.group, fontsize=size)
        page.insert_text((right - width - 6, y + size), spec.group, fontsize=size)
        y += pitch
    for r, row in enumerate(lines):
        for k, text in enumerate(row):
            if k == 0:
                page.insert_text((x0 + 2, y + size), text, fontsize=size)
            else:  # numbers set flush right in their column
                width = pymupdf.get_text_length(text, fontsize=size)
                page.insert_text((x0 + stub_w + col_w * k - width - 6, y + size), text, fontsize=size)
        y += pitch
        if spec.ruled and r == 0:
            page.draw_line((x0, y - 0.45 * size), (right, y - 0.45 * size), width=0.6)
    if spec.ruled:
        page.draw_rect(pymupdf.Rect(x0, top, right, y - 0.45 * size), width=0.6)
        for k in range(1, n):
            xk = x0 + stub_w + col_w * (k - 1)
            page.draw_line((xk, top), (xk, y - 0.45 * size), width=0.6)
    return y, right


def table_pdf(path: Path, specs: list[TableSpec], caption: bool = True) -> Path:
    """A page of prose with the tables under one another, each under a caption."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 60.0
    page.insert_textbox(pymupdf.Rect(60, y, 535, y + 60), PROSE, fontsize=10)
    y += 80
    for i, spec in enumerate(specs, 1):
        if caption:
            page.insert_text((60, y), f"Table {i}: Revenue by region and year", fontsize=10)
            y += 18
        y, _ = draw_table(page, spec, 60, y)
        y += 20
        page.insert_textbox(pymupdf.Rect(60, y, 535, y + 50), PROSE, fontsize=10)
        y += 70
    doc.save(path)
    doc.close()
    return path


WRAPPED = [
    ["Measure", "Scope", "Owner"],
    ["Staff Training Courses", "All Sites North Region", "Human Resources"],
    ["Supplier Audit", "Large Suppliers Only", "Procurement Office"],
    ["Energy Review", "Head Office", "Facilities Team"],
]


def wrapped_ruled_pdf(path: Path) -> Path:
    """A table of text whose body cells wrap over two lines each, every line starting with a capital
    (so word positions alone read two rows), drawn with a full grid of rulings."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_textbox(pymupdf.Rect(60, 50, 535, 100), PROSE, fontsize=10)
    x0, y0, col_w, row_h = 60.0, 130.0, 120.0, 30.0
    for r, row in enumerate(WRAPPED):
        for k, text in enumerate(row):
            words = text.split()
            half = (len(words) + 1) // 2
            parts = [" ".join(words[:half]), " ".join(words[half:])] if r else [text]
            for i, part in enumerate(p for p in parts if p):
                page.insert_text((x0 + col_w * k + 4, y0 + row_h * r + 11 + 11 * i), part, fontsize=9)
    bottom, right = y0 + row_h * len(WRAPPED), x0 + col_w * 3
    for r in range(len(WRAPPED) + 1):
        page.draw_line((x0, y0 + row_h * r), (right, y0 + row_h * r), width=0.6)
    for k in range(4):
        page.draw_line((x0 + col_w * k, y0), (x0 + col_w * k, bottom), width=0.6)
    page.insert_textbox(pymupdf.Rect(60, bottom + 30, 535, bottom + 80), PROSE, fontsize=10)
    doc.save(path)
    doc.close()
    return path
