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


def test_config_file_reaches_the_asks(tmp_path: Path) -> None:
    """`--config` is read by each `docai ask`: the default ranks with BM25 only and says so, a config
    with `embeddings = true` does not."""
    from docai.evals.bench.long_ask import QUESTION, ask

    pdf, _ = make_filing(tmp_path / "f.pdf", 3)
    config = tmp_path / "emb.toml"
    config.write_text("embeddings = true\n", encoding="utf-8")
    plain = ask(pdf, QUESTION, tmp_path / "a")
    reranked = ask(pdf, QUESTION, tmp_path / "b", config)
    assert "error" not in plain and "error" not in reranked, (plain, reranked)
    assert any("embeddings turned off" in n for n in plain["notes"])
    assert not any("embeddings turned off" in n for n in reranked["notes"])
