"""Page ranking: the country written "U.S." is a term, a schedule by year counts as a table of the asked
year, and a page that holds the question in several passages outranks one strong line elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.passages import Passage
from docai.engines.text.qa_answer import rank_pages
from docai.engines.text.retrieval import (
    Hit,
    build_index,
    question_terms,
    search,
    table_has_year,
    tokenize,
)
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, table_row

BM25_ONLY = Options(embeddings=False)


def _passage(page_no: int, text: str, kind: str = "text") -> Passage:
    return Passage("d", "d.pdf", page_no, text, (0.0, 0.0, 1.0, 1.0), [], kind=kind)


def test_the_country_is_one_term_however_written() -> None:
    assert tokenize("U.S. sales") == tokenize("US sales") == tokenize("USA sales") == ["usa", "sale"]
    assert "usa" not in tokenize("tell us about sales")  # the pronoun stays a stopword
    assert "usa" in question_terms("How did sales in the United States grow?")


def test_us_sales_find_the_us_row(tmp_path: Path) -> None:
    def table(title: str, rows: list[tuple[str, list[str]]]) -> list[tuple[float, float, str]]:
        out = [(60.0, 60.0, title), (400.0, 100.0, "2022"), (490.0, 100.0, "2021")]
        for i, (label, cells) in enumerate(rows):
            out += table_row(120 + 16 * i, label, cells)
        return out

    products = table(
        "Sales by product",
        [
            ("Product sales", ["$ 610", "$ 580"]),
            ("Service sales", ["290", "250"]),
            ("Total sales", ["900", "830"]),
        ],
    )
    regions = table("Sales by region", [("U.S.", ["$ 500", "$ 470"]), ("Europe", ["400", "360"])])
    pdf = multipage_pdf(tmp_path / "regions.pdf", [products, regions])
    with load_document(pdf, BM25_ONLY) as doc:
        ix = build_index(doc, BM25_ONLY, None)
    hits = search([ix], "What were US sales in 2022?", None, value_years=[2022])
    assert rank_pages(hits)[0][0].passage.page_no == 2


def test_a_schedule_by_year_is_a_table_of_that_year() -> None:
    schedule = _passage(1, "2022 $ 2,049 $ 906\n2023 1,648 883\n2024 1,097 862", kind="table")
    assert table_has_year(schedule, {2024})
    assert not table_has_year(schedule, {2026})
    headed = _passage(1, "Revenue 900 830", kind="table")
    headed.columns = [(2023, 400.0), (2022, 490.0)]
    assert table_has_year(headed, {2023}) and not table_has_year(headed, {2024})
    assert not table_has_year(_passage(1, "Revenue grew 5%, to $ 1,097 million", kind="table"), {1097})


def test_a_page_with_several_relevant_passages_ranks_first() -> None:
    def hit(page_no: int, score: float) -> Hit:
        return Hit(_passage(page_no, f"p{page_no}"), score, score, None, 0.5)

    # page 7 has the single best passage; page 3 has three nearly as good (a caption, a table, a note)
    hits = [hit(7, 1.00), hit(3, 0.80), hit(3, 0.70), hit(3, 0.60), hit(5, 0.95)]
    ranked = rank_pages(hits)
    assert [h.passage.page_no for h, _ in ranked] == [3, 7, 5]
    assert ranked[0][1] == pytest.approx(0.80 + 0.5 * 0.70 + 0.25 * 0.60)


def test_also_retrieved_follows_the_page_ranking() -> None:
    from docai.engines.text.qa_citations import retrieved_only

    def hit(page_no: int, score: float) -> Hit:
        return Hit(_passage(page_no, f"p{page_no}"), score, score, None, 0.5)

    # by passage, page 7 is first; by page (several good passages), page 3 is
    hits = [hit(7, 1.00), hit(5, 0.95), hit(3, 0.80), hit(3, 0.70), hit(3, 0.60)]
    scores = {("d", p): s for h, s in rank_pages(hits) for p in [h.passage.page_no]}
    assert [c.page_no for c in retrieved_only(hits, scores)] == [3, 7, 5]
    assert retrieved_only(hits, scores)[0].score == 1.0


def test_a_value_on_the_first_ranked_page_is_preferred() -> None:
    from docai.engines.text.qa_find import classify_question, find_value

    terms = {"revenu": 2.0, "2023": 1.0}

    def hit(page_no: int, text: str, score: float) -> Hit:
        return Hit(_passage(page_no, text), score, score, None, 0.5, terms=terms)

    hits = [
        hit(7, "Revenue was $900 million in 2023.", 1.0),
        hit(3, "Revenue was $905 million in 2023.", 0.95),
    ]
    kind = classify_question("What was revenue in 2023?")
    assert find_value(hits, kind).passage.page_no == 7  # no page ranking: the best passage
    ranked = {("d", 3): 1.6, ("d", 7): 1.0}  # page 3 holds more of the question elsewhere
    chosen = find_value(hits, kind, ranked)
    assert chosen is not None and chosen.passage.page_no == 3 and chosen.text == "$905 million"
