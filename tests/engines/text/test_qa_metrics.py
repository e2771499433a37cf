"""Margins, shares averaged over years and stated formulas: parsed, computed from the table, all cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_metric_answer import _in_statements, _lookup_where
from docai.engines.text.qa_metrics import parse_composite, parse_metric
from docai.engines.text.retrieval import build_index
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

try:
    from conftest_qa import multipage_pdf, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, table_row

BM25_ONLY = Options(embeddings=False)
XS = (330, 410, 490)


def _pages() -> list[list[tuple[float, float, str]]]:
    income = [
        (60, 60, "Consolidated Statements of Operations"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS, ["2023", "2022", "2021"], strict=True)],
        *table_row(120, "Revenues", ["$ 2,000", "$ 1,600", "$ 1,000"], XS),
        *table_row(136, "Cost of sales", ["1,200", "1,000", "700"], XS),
        *table_row(152, "Gross profit", ["800", "600", "300"], XS),
        *table_row(168, "Operating income", ["300", "240", "100"], XS),
        *table_row(184, "Net income", ["$ 210", "$ 150", "$ 60"], XS),
    ]
    balance = [
        (60, 60, "Consolidated Balance Sheets"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], ["2023", "2022"], strict=True)],
        *table_row(120, "Total current assets", ["$ 900", "$ 700"], XS[:2]),
        *table_row(136, "Total assets", ["$ 4,200", "$ 3,800"], XS[:2]),
        *table_row(152, "Total liabilities", ["2,100", "2,000"], XS[:2]),
        *table_row(168, "Inventories", ["400", "300"], XS[:2]),
        *table_row(184, "Accounts payable", ["250", "150"], XS[:2]),
        *table_row(200, "Accounts receivable", ["500", "300"], XS[:2]),
    ]
    cash = [
        (60, 60, "Consolidated Statements of Cash Flows"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS, ["2023", "2022", "2021"], strict=True)],
        *table_row(120, "Net income", ["$ 210", "$ 150", "$ 60"], XS),
        *table_row(136, "Depreciation and amortization", ["100", "90", "80"], XS),
    ]
    return [income, balance, cash]


def _statements(tmp_path: Path) -> Path:
    return multipage_pdf(tmp_path / "acme_10k.pdf", _pages())


@pytest.fixture
def filing(tmp_path: Path) -> Path:
    return _statements(tmp_path)


def ask(path: Path, question: str):
    with load_document(path) as doc:
        return answer_question([doc], question, BM25_ONLY, None)


PARSED = [
    ("What was the FY2023 operating margin?", (["operating income"], ["revenue"], [2023], True)),
    ("What is Acme's gross margin for fiscal 2022?", (["gross profit"], ["revenue"], [2022], True)),
    (
        "What is the FY2015 unadjusted EBITDA % margin?",
        (["operating income", "depreciation and amortization"], ["revenue"], [2015], True),
    ),
    (
        "What is the three year average of cost of sales as a % of revenue from FY2021 to FY2023?",
        (["cost of sales"], ["revenue"], [2021, 2022, 2023], True),
    ),
    (
        "What is the FY2021 - FY2023 3 year average operating income % margin?",
        (["operating income"], ["revenue"], [2021, 2022, 2023], True),
    ),
]


@pytest.mark.parametrize(("question", "want"), PARSED)
def test_parse_metric(question: str, want: tuple) -> None:
    mq = parse_metric(question)
    assert mq is not None
    assert (mq.numerator.measures, mq.denominator.measures, mq.years, mq.percent) == want


@pytest.mark.parametrize(
    "question",
    [
        "What was total revenue in 2023?",
        "What was the operating margin?",  # no year: which one?
        "What is the two year average operating margin from FY2019 to FY2023?",  # 2 years is not 5
    ],
)
def test_not_a_metric(question: str) -> None:
    assert parse_metric(question) is None


def test_stated_formula_with_an_average_term() -> None:
    mq = parse_metric(
        "What is the FY2023 asset turnover ratio? Asset turnover ratio is defined as: FY2023 revenue / "
        "(average total assets between FY2022 and FY2023). Round your answer to two decimal places."
    )
    assert mq is not None and not mq.percent
    assert (mq.numerator.measures, mq.numerator.years) == (["revenue"], [2023])
    assert (mq.denominator.measures, mq.denominator.years) == (["total assets"], [2022, 2023])


def test_operating_margin_for_a_year(filing: Path) -> None:
    a = ask(filing, "What was the FY2022 operating margin?")
    assert a.text.startswith("15.0%"), a.text  # 240 / 1,600
    assert {c.page_no for c in a.citations} == {1}
    assert "240" in a.reasoning and "1,600" in a.reasoning


def test_ebitda_margin_adds_depreciation_from_the_cash_flow_statement(filing: Path) -> None:
    a = ask(filing, "What is the FY2023 unadjusted EBITDA % margin?")
    assert a.text.startswith("20.0%"), a.text  # (300 + 100) / 2,000
    assert {c.page_no for c in a.citations} == {1, 3}


def test_three_year_average_share(filing: Path) -> None:
    q = "What is the three year average of cost of sales as a % of revenue from FY2021 to FY2023?"
    a = ask(filing, q)
    assert parse_number(a.text.split("%")[0]) == pytest.approx(64.2, abs=0.05), a.text  # 70, 62.5, 60
    assert "mean" in a.reasoning


def test_asset_turnover_from_its_definition(filing: Path) -> None:
    a = ask(
        filing,
        "What is the FY2023 asset turnover ratio? Asset turnover ratio is defined as: FY2023 revenue / "
        "(average total assets between FY2022 and FY2023).",
    )
    assert a.text.startswith("0.50"), a.text  # 2,000 / 4,000
    assert {c.page_no for c in a.citations} == {1, 2}


def test_missing_value_gives_no_computed_answer(filing: Path) -> None:
    """2020 is in no column: no average made from the years that are there."""
    a = ask(filing, "What is the three year average operating margin from FY2020 to FY2022?")
    assert not a.text.endswith("%") and "average of" not in a.text, a.text


def test_margin_over_a_revenue_from_another_table_is_refused(tmp_path: Path) -> None:
    """Operating income on the statement, revenue only in a segment note: not one margin."""
    statement = [
        (60, 60, "Consolidated Statements of Operations"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], ["2023", "2022"], strict=True)],
        *table_row(120, "Operating income", ["300", "240"], XS[:2]),
    ]
    segment = [
        (60, 60, "Note 12. Segment information"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], ["2023", "2022"], strict=True)],
        *table_row(120, "Europe revenue", ["$ 500", "$ 450"], XS[:2]),
    ]
    pdf = multipage_pdf(tmp_path / "split.pdf", [statement, segment])
    a = ask(pdf, "What was the FY2023 operating margin?")
    assert not a.text.startswith("60.0%"), a.text
    assert not any(n.startswith("computed") for n in a.notes)


DPO = (
    "What is Acme's FY2023 days payable outstanding (DPO)? DPO is defined as: 365 * (average accounts "
    "payable between FY2022 and FY2023) / (FY2023 COGS + change in inventory between FY2022 and FY2023). "
    "Round your answer to two decimal places."
)


def test_parse_formula_with_a_factor_a_change_and_a_sum() -> None:
    mq = parse_metric(DPO)
    assert mq is not None and mq.years == [2023] and not mq.percent
    assert mq.numerator.factor == 365
    assert [(p.measure, p.years, p.how) for p in mq.numerator.parts] == [
        ("accounts payable", [2022, 2023], "average")
    ]
    assert [(p.measure, p.years, p.how, p.sign) for p in mq.denominator.parts] == [
        ("cost of goods sold", [2023], "value", 1.0),
        ("inventory", [2022, 2023], "change", 1.0),
    ]


def test_days_payable_from_its_definition(filing: Path) -> None:
    a = ask(filing, DPO)
    assert a.text.startswith("56.15"), a.text  # 365 * 200 / (1,200 + 100)
    assert {c.page_no for c in a.citations} == {1, 2}
    assert "365 * mean(" in a.reasoning and "(400 million - 300 million)" in a.reasoning


CCC = (
    "What is the FY2023 cash conversion cycle (CCC) for Acme? CCC is defined as: DIO + DSO - DPO. "
    "DIO is defined as: 365 * (average inventory between FY2022 and FY2023) / (FY2023 COGS). "
    "DSO is defined as: 365 * (average accounts receivable between FY2022 and FY2023) / (FY2023 Revenue). "
    "DPO is defined as: 365 * (average accounts payable between FY2022 and FY2023) / (FY2023 COGS + "
    "change in inventory between FY2022 and FY2023). Round your answer to two decimal places."
)


def test_parse_composite_of_defined_ratios() -> None:
    cq = parse_composite(CCC)
    assert cq is not None and cq.name == "CCC" and cq.year == 2023
    assert [(sign, name) for sign, name, _ in cq.parts] == [(1.0, "DIO"), (1.0, "DSO"), (-1.0, "DPO")]
    assert all(mq.years == [2023] for _, _, mq in cq.parts)
    assert parse_composite(DPO) is None


def test_cash_conversion_cycle(filing: Path) -> None:
    a = ask(filing, CCC)
    # DIO 365 * 350 / 1,200 = 106.46; DSO 365 * 400 / 2,000 = 73.0; DPO 56.15
    assert a.text.startswith("123.30"), a.text
    assert {c.page_no for c in a.citations} == {1, 2}
    assert "CCC = DIO + DSO - DPO" in a.reasoning


def test_values_come_from_the_statements_the_question_names(tmp_path: Path) -> None:
    """A segment table that also says 'Revenues': a question that says to use the income statement
    and the balance sheet reads only from pages headed as those statements."""
    segment = [
        (60, 60, "Revenue of the Europe segment: revenue and asset turnover"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], ["2023", "2022"], strict=True)],
        *table_row(120, "Revenues", ["$ 700", "$ 650"], XS[:2]),
    ]
    pdf = multipage_pdf(tmp_path / "seg.pdf", [segment, *_pages()])
    q = (
        "What is the FY2023 asset turnover ratio? Asset turnover ratio is defined as: FY2023 revenue / "
        "(average total assets between FY2022 and FY2023). Use the income statement and the balance sheet."
    )
    with load_document(pdf) as doc:
        ix = build_index(doc, BM25_ONLY, None)
    where = _in_statements(q)
    assert where is not None and _in_statements("What was revenue in 2023?") is None
    assert {p.page_no for p in ix.passages if where(p)} == {2, 3}
    only_segment = _lookup_where("revenue", [ix], None, 2023, lambda p: p.page_no == 1)
    assert only_segment is not None and parse_number(only_segment.text) == 700
    from_statements = _lookup_where("revenue", [ix], None, 2023, where)
    assert from_statements is not None and parse_number(from_statements.text) == 2000
    a = ask(pdf, q)
    assert a.text.startswith("0.50"), a.text  # 2,000 / 4,000, not 700 / 4,000
    assert 1 not in {c.page_no for c in a.citations}
