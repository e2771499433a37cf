"""Amounts asked as sums of statement lines ("EBITDA less capex", free cash flow), and the captions a
formula's line is printed under ("Capital spending", not "Sales of property, plant and equipment")."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_amounts import parse_amount
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

try:
    from conftest_qa import multipage_pdf, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, table_row

BM25_ONLY = Options(embeddings=False)
XS = (330, 410, 490)

EBITDA_LESS_CAPEX = (
    "What is the FY2023 unadjusted EBITDA less capex for Acme? Define unadjusted EBITDA as unadjusted "
    "operating income + depreciation and amortization [from cash flow statement]. Answer in USD millions."
)


def _filing(tmp_path: Path) -> Path:
    income = [
        (60, 60, "Consolidated Statements of Operations"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS, ["2023", "2022", "2021"], strict=True)],
        *table_row(120, "Revenues", ["$ 2,000", "$ 1,600", "$ 1,000"], XS),
        *table_row(136, "Operating income", ["300", "240", "100"], XS),
        *table_row(152, "Net income", ["$ 210", "$ 150", "$ 60"], XS),
    ]
    cash = [
        (60, 60, "Consolidated Statements of Cash Flows"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS, ["2023", "2022", "2021"], strict=True)],
        *table_row(120, "Net income", ["$ 210", "$ 150", "$ 60"], XS),
        *table_row(136, "Depreciation and amortization", ["100", "90", "80"], XS),
        *table_row(152, "Net cash provided by operating activities", ["350", "260", "150"], XS),
        *table_row(168, "Capital spending", ["(120)", "(110)", "(90)"], XS),
        *table_row(184, "Sales of property, plant and equipment", ["15", "12", "9"], XS),
        *table_row(200, "Net cash used for investing activities", ["(105)", "(98)", "(81)"], XS),
    ]
    return multipage_pdf(tmp_path / "acme_10k.pdf", [income, cash])


def ask(path: Path, question: str):
    with load_document(path) as doc:
        return answer_question([doc], question, BM25_ONLY, None)


def test_parse_ebitda_less_capex_from_the_stated_definition() -> None:
    aq = parse_amount(EBITDA_LESS_CAPEX)
    assert aq is not None and aq.year == 2023
    lines = [(p.sign, p.measure, p.size) for p in aq.term.parts]
    assert lines == [
        (1.0, "operating income", False),
        (1.0, "depreciation and amortization", False),
        (-1.0, "capital expenditures", True),
    ]


def test_unadjusted_ebitda_is_the_textbook_sum() -> None:
    aq = parse_amount("What is Acme's FY2023 unadjusted EBITDA?")
    assert aq is not None
    assert [p.measure for p in aq.term.parts] == ["operating income", "depreciation and amortization"]


def test_parse_free_cash_flow_by_its_textbook_definition() -> None:
    aq = parse_amount("What was the FY2022 free cash flow for Acme?")
    assert aq is not None and aq.year == 2022
    assert [(p.sign, p.measure) for p in aq.term.parts] == [
        (1.0, "net cash provided by operating activities"),
        (-1.0, "capital expenditures"),
    ]


@pytest.mark.parametrize(
    "question",
    [
        "What was Acme's adjusted EBITDA in FY2023?",  # the company's own non-GAAP figure
        "What was Acme's EBITDA in FY2023?",  # plain "EBITDA": the line the company prints, if any
        "What is the FY2023 operating income for Acme?",  # one line: a plain lookup
        "What is the FY2021 to FY2023 free cash flow?",  # no one year
        "What is the fixed asset turnover ratio in FY2023?",
    ],
)
def test_not_an_amount_to_compute(question: str) -> None:
    assert parse_amount(question) is None


def test_ebitda_less_capex_reads_capex_under_its_printed_caption(tmp_path: Path) -> None:
    a = ask(_filing(tmp_path), EBITDA_LESS_CAPEX)
    # 300 + 100 - 120: capex is the "Capital spending" row by its size, not "Sales of property ..." (15)
    assert parse_number(a.text.split(":")[0].replace("million", "").strip(" $")) == 280, a.text
    assert {c.page_no for c in a.citations} == {1, 2}
    assert "120" in a.reasoning and "15 million" not in a.reasoning


def test_free_cash_flow_computed_and_cited(tmp_path: Path) -> None:
    a = ask(_filing(tmp_path), "What was Acme's FY2022 free cash flow?")
    assert parse_number(a.text.split(":")[0].replace("million", "").strip(" $")) == 150, a.text  # 260 - 110
    assert {c.page_no for c in a.citations} == {2}


def test_a_missing_line_gives_no_computed_answer(tmp_path: Path) -> None:
    income_only = multipage_pdf(
        tmp_path / "short.pdf",
        [
            [
                (60, 60, "Consolidated Statements of Operations"),
                (60, 76, "(in millions)"),
                *[(x, 100, y) for x, y in zip(XS, ["2023", "2022", "2021"], strict=True)],
                *table_row(120, "Operating income", ["300", "240", "100"], XS),
            ]
        ],
    )
    a = ask(income_only, EBITDA_LESS_CAPEX)
    assert not any(n.startswith("computed") for n in a.notes), a.text


def test_capex_share_of_revenue_reads_the_capex_caption(tmp_path: Path) -> None:
    a = ask(_filing(tmp_path), "What was capital expenditure as a percentage of revenue in FY2023?")
    assert a.text.startswith("6.0%"), a.text  # 120 / 2,000; "Sales of property, plant and equipment": 0.8%
    assert {c.page_no for c in a.citations} == {1, 2}
