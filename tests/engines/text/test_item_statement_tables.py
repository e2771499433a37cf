"""A value question on a standard line prefers the table of the primary statement that reports it: not a
note or a "Supplemental ... information" table that repeats the line's words, and never for an adjusted
or non-GAAP measure, which no primary statement prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text import retrieval
from docai.engines.text.retrieval import (
    DocIndex,
    build_index,
    is_primary_statement,
    item_statement_patterns,
    search,
)
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, prose, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, prose, table_row

BM25_ONLY = Options(embeddings=False)
XS = (330, 410)


def _filing(path: Path) -> Path:
    """A leases note and a supplemental table that repeat 'property, plant and equipment' and 'cash and
    cash equivalents' row after row; the balance sheet prints each once, among other lines."""
    years = [(x, 100, y) for x, y in zip(XS, ["2023", "2022"], strict=True)]
    note = [
        (60, 60, "Note 7. Leases"),
        (60, 76, "(in millions)"),
        *years,
        *table_row(120, "Finance lease property, plant and equipment, gross", ["218", "223"], XS),
        *table_row(136, "Finance lease property, plant and equipment, accumulated", ["(40)", "(31)"], XS),
        *table_row(152, "Finance lease property, plant and equipment, net", ["178", "192"], XS),
        *prose(190, ["Property, plant and equipment under finance leases is depreciated over the term."]),
    ]
    supplemental = [
        (60, 60, "Supplemental balance sheet information"),
        (60, 76, "(in millions)"),
        *years,
        *table_row(120, "Cash and cash equivalents held abroad", ["90", "80"], XS),
        *table_row(136, "Restricted cash and cash equivalents", ["12", "10"], XS),
        *table_row(152, "Cash and cash equivalents in money market funds", ["40", "35"], XS),
    ]
    balance = [
        (60, 60, "Consolidated Balance Sheets"),
        (60, 76, "(in millions)"),
        *years,
        *table_row(120, "Cash and cash equivalents", ["$ 150", "$ 130"], XS),
        *table_row(136, "Marketable securities", ["60", "55"], XS),
        *table_row(152, "Accounts receivable, net", ["250", "230"], XS),
        *table_row(168, "Inventories", ["310", "290"], XS),
        *table_row(184, "Total current assets", ["770", "705"], XS),
        *table_row(200, "Property, plant and equipment, net", ["800", "780"], XS),
        *table_row(216, "Goodwill", ["420", "420"], XS),
        *table_row(232, "Total assets", ["$ 2,300", "$ 2,100"], XS),
    ]
    reconciliation = [
        (60, 60, "Reconciliation of non-GAAP measures"),
        (60, 76, "(in millions)"),
        *years,
        *table_row(120, "Net income", ["$ 210", "$ 150"], XS),
        *table_row(136, "Depreciation and amortization", ["95", "90"], XS),
        *table_row(152, "Adjusted EBITDA", ["$ 505", "$ 420"], XS),
    ]
    income = [
        (60, 60, "Consolidated Statements of Income"),
        (60, 76, "(in millions)"),
        *years,
        *table_row(120, "Net sales", ["$ 2,000", "$ 1,600"], XS),
        *table_row(136, "Operating income", ["300", "240"], XS),
        *table_row(152, "Net income", ["$ 210", "$ 150"], XS),
    ]
    return multipage_pdf(path, [note, supplemental, balance, reconciliation, income])


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> DocIndex:
    path = _filing(tmp_path_factory.mktemp("items") / "filing.pdf")
    with load_document(path, BM25_ONLY) as doc:
        return build_index(doc, BM25_ONLY, None)


@pytest.mark.parametrize(
    ("question", "row"),
    [
        ("What was PP&E in 2023?", "Property, plant and equipment, net"),
        ("What was property, plant and equipment in 2023?", "Property, plant and equipment, net"),
        ("What were cash and cash equivalents in 2023?", "Cash and cash equivalents"),
        ("What were marketable securities in 2023?", "Marketable securities"),
    ],
)
def test_the_balance_sheet_table_ranks_first(index: DocIndex, question: str, row: str) -> None:
    hits = search([index], question, None, value_years=[2023])
    top = hits[0]
    assert top.passage.page_no == 3 and row in top.passage.text, (top.passage.page_no, top.parts)
    assert top.parts["item_statement"] == pytest.approx(retrieval.W_ITEM_STATEMENT)
    # the note and the supplemental table share the heading words or the line's words: no bonus
    for h in hits:
        if h.passage.page_no in (1, 2):
            assert h.parts["item_statement"] == 0, (h.passage.page_no, h.parts)


@pytest.mark.parametrize(
    "question",
    ["What was PP&E in 2023?", "What were cash and cash equivalents in 2023?"],
)
def test_without_the_bonus_a_note_that_repeats_the_words_wins(
    index: DocIndex, question: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retrieval, "W_ITEM_STATEMENT", 0.0)
    top = search([index], question, None, value_years=[2023])[0]
    assert top.passage.page_no in (1, 2), (top.passage.page_no, top.passage.text[:80])


def test_an_adjusted_measure_gets_no_statement_bonus(index: DocIndex) -> None:
    hits = search([index], "What was Adjusted EBITDA in 2023?", None, value_years=[2023])
    assert "item_statement" not in hits[0].parts
    assert hits[0].passage.page_no == 4
    assert item_statement_patterns("What was non-GAAP operating income in 2023?") == []
    assert item_statement_patterns("What was operating income in 2023?")


def test_primary_statement_titles() -> None:
    assert is_primary_statement("ACME CORP CONSOLIDATED BALANCE SHEETS (in millions)")
    assert is_primary_statement("Consolidated Statements of Cash Flows Years ended December 31")
    assert not is_primary_statement("Supplemental balance sheet information")
    assert not is_primary_statement("Note 9. Income taxes: statements of income data")
    assert not is_primary_statement("Consolidated Statements of Operations Data: the following table")
    assert not is_primary_statement("Item 7. Management's discussion and analysis")
