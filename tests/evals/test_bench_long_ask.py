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


def test_small_run_answers_again_from_the_cache(tmp_path: Path) -> None:
    """Three real `docai ask` processes on a 12-page filing: right answer, and the repeat is cached."""
    from docai.evals.bench.long_ask import run

    r = run(12)
    first, again, other = r["first"], r["again"], r["other_question"]
    assert "error" not in first and "error" not in again, (first, again)
    assert r["first_found_fact"] and r["first_cites_fact_page"]
    assert not first["answer_cached"] and again["answer_cached"] and not other.get("answer_cached")
    assert again["text"] == first["text"] and again["pages"] == first["pages"]
