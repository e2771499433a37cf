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
