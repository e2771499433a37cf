"""Arithmetic questions: parsing, the working, both citations, and refusal when an operand is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import NOT_FOUND, answer_question
from docai.engines.text.qa_arith import Operand, compose, parse_arith, split_printed
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import annual_report_pages, multipage_pdf, prose, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import annual_report_pages, multipage_pdf, prose, table_row

BM25_ONLY = Options(embeddings=False)


PARSED = [
    ("How did net income change?", ("change", "net income", None, [], [])),
    ("How did net income change between these two files?", ("change", "net income", None, [], [])),
    (
        "How did Contoso's revenue change between 2022 and 2023?",
        ("change", "revenue", None, [2022, 2023], []),
    ),
    ("What was the growth in revenue from Q3 to Q4?", ("growth", "revenue", None, [], ["q3", "q4"])),
    (
        "What is the year-over-year growth rate of operating income in FY2023?",
        ("growth", "operating income", None, [2023], []),
    ),
    (
        "What is the ratio of net income to total revenue in 2023?",
        ("ratio", "net income", "total revenue", [2023], []),
    ),
    (
        "What was cost of sales as a percentage of total revenue in 2022?",
        ("ratio", "cost of sales", "total revenue", [2022], []),
    ),
    ("By how much did total revenue increase in 2023?", ("change", "total revenue", None, [2023], [])),
    (
        "What is Contoso's year-over-year change in revenue from FY2022 to FY2023 (in percent, one decimal)? "
        "Use the income statement only.",
        ("growth", "revenue", None, [2022, 2023], []),
    ),
]


@pytest.mark.parametrize(("question", "expected"), PARSED)
def test_parse_arith(question, expected) -> None:
    aq = parse_arith(question)
    assert aq is not None
    assert (aq.op, aq.metric, aq.other, aq.years, aq.periods) == expected


@pytest.mark.parametrize(
    "question",
    ["What was total revenue in 2023?", "How many employees did Northwind have?", "Why did revenue grow?"],
)
def test_other_questions_are_not_arithmetic(question: str) -> None:
    assert parse_arith(question) is None


def test_split_printed() -> None:
    assert split_printed("EUR 41.9 million") == ("EUR ", 41.9, " million")
    assert split_printed("-$1,577 million") == ("$", -1577.0, " million")
    assert split_printed("12.5%") == ("", 12.5, "%")


def test_compose_change_growth_ratio_and_refusals() -> None:
    a = Operand(41.9, "EUR 41.9 million", "2023.pdf p. 1", "EUR ", " million")
    b = Operand(45.3, "EUR 45.3 million", "2024.pdf p. 1", "EUR ", " million")
    text, working = compose("change", "net income", a, b)  # type: ignore[misc]
    assert text.startswith("+EUR 3.4 million (+8.1%): Net income rose from EUR 41.9 million")
    assert working == "EUR 45.3 million - EUR 41.9 million = +EUR 3.4 million; 3.4 / 41.9 = +8.1%"
    text, _ = compose("growth", "net income", a, b)  # type: ignore[misc]
    assert text.startswith("+8.1%: ")
    text, _ = compose("ratio", "net income", a, b)  # type: ignore[misc]
    assert text.startswith("0.92 (92.5%)")
    # a value in thousands against one in millions is converted, not compared as printed
    k = Operand(41900.0, "EUR 41,900 thousand", "x", "EUR ", " thousand")
    text, _ = compose("change", "net income", k, b)  # type: ignore[misc]
    assert text.startswith("+EUR 3.4 million")
    # different currencies, or a percentage against money: no answer rather than a wrong one
    usd = Operand(45.3, "$45.3 million", "y", "$", " million")
    assert compose("change", "net income", a, usd) is None
    pct = Operand(8.0, "8.0%", "z", "", "%")
    assert compose("change", "net income", a, pct) is None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return multipage_pdf(tmp_path_factory.mktemp("arith") / "northwind.pdf", annual_report_pages())


def ask(paths: list[Path], question: str):
    docs = [load_document(p, BM25_ONLY) for p in paths]
    try:
        return answer_question(docs, question, BM25_ONLY, None)
    finally:
        for d in docs:
            d.close()


def test_change_between_the_two_year_columns(report: Path) -> None:
    a = ask([report], "How did total revenue change from 2022 to 2023?")
    assert a.found
    assert a.text.startswith("+$134 million (+12.2%)"), a.text
    assert [c.page_no for c in a.citations] == [2, 2]
    assert a.citations[0].bbox != a.citations[1].bbox  # each boxed to its own value
    assert "1,234" in a.reasoning and "1,100" in a.reasoning


def test_change_with_no_years_named_uses_the_latest_two_columns(report: Path) -> None:
    a = ask([report], "How did net income change?")
    assert a.text.startswith("+$21 million (+11.1%)"), a.text


def test_ratio_of_two_rows(report: Path) -> None:
    a = ask([report], "What is the ratio of net income to total revenue in 2023?")
    assert a.text.startswith("0.17 (17.1%)"), a.text
    assert {c.page_no for c in a.citations} == {2}


def test_quarter_change_in_a_quarterly_table(tmp_path: Path) -> None:
    xs = (300, 360, 420, 480)
    page = [
        (60, 60, "Quarterly results"),
        (60, 76, "(EUR in millions)"),
        *[(x, 100, q) for x, q in zip(xs, ["Q1", "Q2", "Q3", "Q4"], strict=True)],
        *table_row(120, "Revenue", ["101.2", "105.4", "110.9", "117.7"], xs),
        *table_row(136, "Net income", ["10.2", "11.0", "11.9", "13.4"], xs),
    ]
    pdf = multipage_pdf(tmp_path / "q.pdf", [page])
    a = ask([pdf], "How did revenue change between the third quarter and Q4?")
    assert a.text.startswith("+EUR 6.8 million (+6.1%)"), a.text
    b = ask([pdf], "What was net income in Q2?")
    assert b.text == "EUR 11.0 million"


def test_missing_operand_is_not_computed(tmp_path: Path) -> None:
    """One file has no headcount: no computed answer from one value and a guess."""
    one = multipage_pdf(
        tmp_path / "2023.pdf", [[(60, 60, "Report 2023"), *prose(100, ["We had 410 employees."])]]
    )
    two = multipage_pdf(
        tmp_path / "2024.pdf", [[(60, 60, "Report 2024"), *prose(100, ["Revenue was $12.0 million."])]]
    )
    a = ask([one, two], "How did the number of employees change?")
    assert not a.text.startswith(("+", "-")), a.text
    assert "computed from two values" not in " ".join(a.notes)
    assert a.text == NOT_FOUND or "410" in a.text
