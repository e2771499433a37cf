"""Ranking that explains itself: each hit's parts add up to its score, and each part does what it says."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.retrieval import build_index, item_statement_patterns, search
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, prose, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, prose, table_row

BM25_ONLY = Options(embeddings=False)


def _filing(path: Path) -> Path:
    """Revenue talked about in prose on two pages; the figures in a statement that says 'net sales'."""
    talk = [
        "We recognize revenue when control of goods passes to the customer.",
        "Revenue from services is recognized over time; revenue from licences at a point in time.",
        "Deferred revenue is shown within other liabilities and revenue is reported net of returns.",
    ]
    statement = [
        (60, 60, "CONSOLIDATED STATEMENTS OF OPERATIONS"),
        (60, 76, "(in millions)"),
        (400, 100, "2023"),
        (490, 100, "2022"),
        *table_row(120, "Net product sales", ["$ 610", "$ 580"]),
        *table_row(136, "Net service sales", ["290", "250"]),
        *table_row(152, "Total net sales", ["900", "830"]),
        *table_row(168, "Net income", ["$ 75", "$ 64"]),
    ]
    pages = [
        [(60, 60, "Revenue recognition"), *prose(100, talk)],
        statement,
        [(60, 60, "Critical estimates"), *prose(100, talk[::-1])],
    ]
    return multipage_pdf(path, pages)


@pytest.fixture(scope="module")
def filing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _filing(tmp_path_factory.mktemp("rank") / "filing.pdf")


def test_parts_add_up_to_the_score(filing: Path) -> None:
    with load_document(filing, BM25_ONLY) as doc:
        ix = build_index(doc, BM25_ONLY, None)
    hits = search([ix], "What was revenue in 2023?", None, value_years=[2023])
    for h in hits:
        assert h.score == pytest.approx(sum(h.parts.values()), abs=1e-3)
    table = next(h for h in hits if "Total net sales" in h.passage.text)
    assert table.parts["table_year"] > 0 and table.parts["item_statement"] > 0
    prose_hit = next(h for h in hits if h.passage.page_no == 1)
    assert prose_hit.parts["table_year"] == 0 and prose_hit.parts["item_statement"] == 0
    # without a value asked for a year, neither bonus is given
    plain = search([ix], "What was revenue in 2023?", None)
    assert all("table_year" not in h.parts and "item_statement" not in h.parts for h in plain)


def test_revenue_is_read_from_the_statement_total(filing: Path) -> None:
    with load_document(filing, BM25_ONLY) as doc:
        a = answer_question([doc], "What was revenue in 2023?", BM25_ONLY, None)
    assert a.text == "900 million", a.text
    assert [c.page_no for c in a.citations] == [2]


def test_line_items_map_to_their_statements() -> None:
    assert [p.pattern for p in item_statement_patterns("What was net income in 2023?")] == [
        item_statement_patterns("What were net sales?")[0].pattern
    ]
    assert item_statement_patterns("What were total assets at year end?")
    assert item_statement_patterns("How much was capital expenditure in 2022?")
    assert item_statement_patterns("Who is the chief executive officer?") == []
