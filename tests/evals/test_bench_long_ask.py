"""The long-ask benchmark's filing: the planted fact is on the page it says, and only there."""

from __future__ import annotations

from pathlib import Path

from docai.evals.bench.long_ask import PLANTED_REVENUE, make_filing


def test_planted_fact_is_on_its_page_only(tmp_path: Path) -> None:
    import pymupdf

    path, fact_page = make_filing(tmp_path / "f.pdf", 12)
    with pymupdf.open(path) as doc:
        texts = [page.get_text() for page in doc]
    assert len(texts) == 12 and 1 <= fact_page <= 12
    holding = [i + 1 for i, t in enumerate(texts) if "Total revenue" in t and PLANTED_REVENUE in t]
    assert holding == [fact_page]
    assert all("Fiscal 2023" in t for t in texts)  # every page has a year table to compete with
