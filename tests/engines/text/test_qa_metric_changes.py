"""A ratio's change between two years (in percentage points), textbook ratios, "Define X as A / B", and a
defined amount with "less"."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_amounts import parse_amount
from docai.engines.text.qa_metrics import parse_metric
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, table_row

BM25_ONLY = Options(embeddings=False)
XS = (330, 410, 490)


@pytest.fixture
def filing(tmp_path: Path) -> Path:
    income = [
        (60, 60, "Consolidated Statements of Operations"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS, ["2023", "2022", "2021"], strict=True)],
        *table_row(120, "Revenues", ["$ 2,000", "$ 1,600", "$ 1,000"], XS),
        *table_row(136, "Gross profit", ["800", "560", "300"], XS),
        *table_row(152, "Operating income", ["300", "320", "100"], XS),
    ]
    balance = [
        (60, 60, "Consolidated Balance Sheets"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], ["2023", "2022"], strict=True)],
        *table_row(120, "Cash and cash equivalents", ["$ 300", "$ 250"], XS[:2]),
        *table_row(136, "Accounts receivable", ["200", "150"], XS[:2]),
        *table_row(152, "Total current assets", ["$ 900", "$ 700"], XS[:2]),
        *table_row(168, "Total current liabilities", ["600", "560"], XS[:2]),
    ]
    return multipage_pdf(tmp_path / "acme_10k.pdf", [income, balance])


def ask(path: Path, question: str):
    with load_document(path) as doc:
        return answer_question([doc], question, BM25_ONLY, None)


def test_parse_a_margin_change_between_two_years() -> None:
    mq = parse_metric("What is the change in unadjusted operating income % margin from FY2022 to FY2023?")
    assert mq is not None and mq.change and mq.years == [2022, 2023] and mq.is_margin
    assert parse_metric("What was the FY2023 operating margin?").change is False  # type: ignore[union-attr]


def test_margin_change_in_percentage_points(filing: Path) -> None:
    a = ask(
        filing, "What is the FY2022 - FY2023 change in gross margin for Acme? Answer in units of percents."
    )
    # 800 / 2,000 = 40.0% against 560 / 1,600 = 35.0%
    assert a.text.startswith("+5.0 percentage points"), a.text
    assert "35.0%" in a.reasoning and "40.0%" in a.reasoning
    assert {c.page_no for c in a.citations} == {1}


def test_a_falling_margin_is_negative(filing: Path) -> None:
    a = ask(filing, "What is the change in operating margin from FY2022 to FY2023?")
    assert a.text.startswith("-5.0 percentage points"), a.text  # 15.0% against 20.0%


def test_current_ratio_by_its_textbook_definition(filing: Path) -> None:
    a = ask(filing, "What is Acme's FY2023 current ratio?")
    assert a.text.startswith("1.50"), a.text  # 900 / 600
    assert {c.page_no for c in a.citations} == {2}


def test_define_x_as_a_ratio(filing: Path) -> None:
    q = (
        "What is the FY2023 quick ratio for Acme? Define quick ratio as (cash and cash equivalents + "
        "accounts receivable) / total current liabilities."
    )
    mq = parse_metric(q)
    assert mq is not None and mq.name == "quick ratio"
    a = ask(filing, q)
    assert a.text.startswith("0.83"), a.text  # (300 + 200) / 600


def test_defined_amount_with_less(filing: Path) -> None:
    q = (
        "What is Acme's FY2022 net working capital? Define net working capital as total current assets "
        "less total current liabilities."
    )
    aq = parse_amount(q)
    assert aq is not None and [(p.sign, p.measure) for p in aq.term.parts] == [
        (1.0, "total current assets"),
        (-1.0, "total current liabilities"),
    ]
    a = ask(filing, q)
    assert a.text.startswith("$140 million"), a.text  # 700 - 560


def test_ratio_using_two_named_measures(tmp_path: Path) -> None:
    income = [
        (60, 60, "Consolidated Statements of Income"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], ["2018", "2017"], strict=True)],
        *table_row(120, "Net sales", ["$ 3,000", "$ 2,800"], XS[:2]),
        *table_row(136, "Net income attributable to Acme", ["$ 400", "$ 350"], XS[:2]),
    ]
    cash = [
        (60, 60, "Consolidated Statements of Cash Flows"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], ["2018", "2017"], strict=True)],
        *table_row(120, "Net income including noncontrolling interest", ["410", "355"], XS[:2]),
        *table_row(136, "Cash dividends paid to shareholders", ["(264)", "(240)"], XS[:2]),
    ]
    pdf = multipage_pdf(tmp_path / "acme.pdf", [income, cash])
    q = (
        "What is the FY2018 dividend payout ratio (using total cash dividends paid and net income "
        "attributable to shareholders) for Acme? Round answer to two decimal places."
    )
    a = ask(pdf, q)
    assert a.text.startswith("0.66"), a.text  # 264 / 400, the dividends by their size
    assert {c.page_no for c in a.citations} == {1, 2}


def test_gross_margin_without_a_gross_profit_line(tmp_path: Path) -> None:
    income = [
        (60, 60, "Consolidated Statements of Earnings"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], ["2023", "2022"], strict=True)],
        *table_row(120, "Net sales", ["$ 2,000", "$ 1,800"], XS[:2]),
        *table_row(136, "Cost of sales", ["1,200", "1,170"], XS[:2]),
        *table_row(152, "Selling, general and administrative expenses", ["500", "450"], XS[:2]),
        *table_row(168, "Operating income", ["300", "180"], XS[:2]),
    ]
    a = ask(multipage_pdf(tmp_path / "acme.pdf", [income]), "What was Acme's FY2023 gross margin?")
    assert a.text.startswith("40.0%"), a.text  # 1 - 1,200 / 2,000
    assert "1 - " in a.reasoning and {c.page_no for c in a.citations} == {1}


def test_gross_margin_prefers_the_printed_gross_profit(filing: Path) -> None:
    a = ask(filing, "What was Acme's FY2022 gross margin?")
    assert a.text.startswith("35.0%") and "1 - " not in a.reasoning, a.text  # 560 / 1,600
