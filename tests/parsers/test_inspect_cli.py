"""`docai inspect`: JSON facts per document and page, tables for people, memory on a long PDF."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from parsers_support import SAMPLE_LINES, image_pdf, render_text_image

from docai.parsers import file_sha256
from docai.parsers.slicing import page_pixels, plan_slices, render_dpi_for_page


def test_inspect_json_mixed_document(cli, tmp_path: Path) -> None:
    """Page 1 born-digital, page 2 a scan: layer vs ocr, word counts, grids and tokens per page."""
    scan = image_pdf(tmp_path / "scan.pdf", [render_text_image(SAMPLE_LINES)])
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 72), "Born digital words on the first page", fontsize=12)
    doc.insert_pdf(pymupdf.open(scan))
    path = tmp_path / "mixed.pdf"
    doc.save(path)
    res = cli("inspect", "--json", "--lang", "eng", str(path))
    assert res.code == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["failed"] == 0
    (d,) = out["documents"]
    assert d["sha256"] == file_sha256(path) and d["page_count"] == 2 and d["encrypted"] is False
    assert d["mime"] == "application/pdf"
    p1, p2 = d["pages"]
    assert (p1["text_source"], p1["words"]) == ("layer", 7)
    assert p2["text_source"] == "ocr" and p2["words"] >= 15
    dpi = render_dpi_for_page(612, 792)
    plan = plan_slices(*page_pixels(612, 792, dpi))
    assert p1["grid"] == list(plan.grid) and p1["tokens"] == plan.tokens
    assert p1["overview"] == list(plan.overview_size)
    assert d["tokens"] == p1["tokens"] + p2["tokens"]


def test_inspect_table_and_page_selection(cli, text_pdf) -> None:
    path = text_pdf("three.pdf", [[(72, 72, f"page number {i}")] for i in (1, 2, 3)])
    res = cli("inspect", "--pages", "2-3", str(path))
    assert res.code == 0, res.stderr
    assert "3 pages" in res.stdout and "layer" in res.stdout
    rows = [ln for ln in res.stdout.splitlines() if ln.strip()[:1].isdigit()]
    assert [ln.split()[0] for ln in rows] == ["2", "3"]


@pytest.mark.slow
def test_inspect_thousand_pages_under_300_mb(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for i in range(1000):
        page = doc.new_page(width=595, height=842)
        for j in range(3):
            page.insert_text((50, 60 + j * 16), f"Page {i + 1} line {j} amount {i * j} total", fontsize=10)
    path = tmp_path / "long.pdf"
    doc.save(path)
    doc.close()
    # Peak RSS of the child, measured by a wrapper process that has no other children.
    probe = (
        "import resource, subprocess, sys;"
        "r = subprocess.run([sys.executable, '-m', 'docai', 'inspect', '--json', sys.argv[1]],"
        " stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True);"
        "import json; d = json.loads(r.stdout)['documents'][0];"
        "print(r.returncode, len(d['pages']), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    code, pages, peak_kb = (int(v) for v in out.stdout.split())
    assert code == 0 and pages == 1000
    assert peak_kb / 1024 < 300, f"peak RSS {peak_kb / 1024:.0f} MB"
