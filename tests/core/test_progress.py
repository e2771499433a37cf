"""Progress lines: the first item, every N items and the last; none when the root logger is quieted."""

from __future__ import annotations

import logging

from docai.progress import ProgressLog


def test_lines_every_n_items(caplog) -> None:
    caplog.set_level(logging.INFO, logger="docai.progress")
    p = ProgressLog("reading f.pdf", 250, "pages", every=100, seconds=1e9)
    for _ in range(250):
        p.step()
    lines = [r.getMessage() for r in caplog.records if r.name == "docai.progress"]
    assert [line.split(",")[0] for line in lines] == [
        "reading f.pdf: 1/250 pages (0%)",
        "reading f.pdf: 101/250 pages (40%)",
        "reading f.pdf: 201/250 pages (80%)",
        "reading f.pdf: 250/250 pages (100%)",
    ]


def test_quiet_root_logger_silences(caplog) -> None:
    caplog.set_level(logging.INFO, logger="docai.progress")
    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.ERROR)
    try:
        p = ProgressLog("x", 3, "items", every=1)
        for _ in range(3):
            p.step()
    finally:
        root.setLevel(before)
    assert not [r for r in caplog.records if r.name == "docai.progress"]


def _messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "docai.progress"]


def test_short_quick_work_logs_nothing(caplog) -> None:
    caplog.set_level(logging.INFO, logger="docai.progress")
    p = ProgressLog("reading short.pdf", 8, "pages", every=50)
    for _ in range(8):
        p.step()
    assert _messages(caplog) == []


def test_short_work_that_runs_long_logs_from_then_on(caplog) -> None:
    import time

    caplog.set_level(logging.INFO, logger="docai.progress")
    p = ProgressLog("reading scan.pdf", 8, "pages", every=50, seconds=1e9, started=time.perf_counter() - 5)
    for _ in range(8):
        p.step()
    lines = [line.split(",")[0] for line in _messages(caplog)]
    assert lines == ["reading scan.pdf: 1/8 pages (12%)", "reading scan.pdf: 8/8 pages (100%)"]


def test_ask_on_a_short_document_prints_no_progress(tmp_path) -> None:
    """A real `docai ask` over an 8-page PDF: quick, short work, so stderr holds no progress line."""
    import os
    import subprocess
    import sys

    import pymupdf

    pdf = tmp_path / "short.pdf"
    doc = pymupdf.open()
    for i in range(8):
        page = doc.new_page()
        page.insert_text((72, 72), f"Section {i + 1}. Revenue for region {i} was {100 + i} million.")
    doc.save(pdf)
    env = {**os.environ, "DOCAI_DB": str(tmp_path / "a.db")}
    proc = subprocess.run(
        [sys.executable, "-m", "docai", "ask", str(pdf), "What was revenue for region 3?"],
        capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    assert "docai.progress" not in proc.stderr, proc.stderr
