"""Answers over a small annual report made by the test: right page, right value, 'not found' when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import NOT_FOUND, answer_question, classify_question
from docai.errors import InputError
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_date, parse_number

try:
    from conftest_qa import annual_report_pages, multipage_pdf
except ImportError:  # the folder became a package
    from .conftest_qa import annual_report_pages, multipage_pdf

BM25_ONLY = Options(embeddings=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return multipage_pdf(tmp_path_factory.mktemp("qa") / "northwind.pdf", annual_report_pages())


def ask(path: Path, question: str, options: Options = BM25_ONLY):
    with load_document(path, options) as doc:
        return answer_question([doc], question, options, None)


@pytest.mark.parametrize(
    ("question", "page", "value"),
    [
        ("What was total revenue in 2023?", 2, 1234.0),
        ("What was total revenue in 2022?", 2, 1100.0),
        ("How much net income did the company make in FY2022?", 2, 190.0),
        ("How many full-time employees did Northwind have?", 3, 4250.0),
        ("How much cash proceeds did Northwind receive from selling the bakery division?", 5, 13.2),
        ("What gain did the sale of the bakery division give?", 5, 4.7),
    ],
)
def test_value_questions_cite_the_page_and_pick_the_column(report: Path, question, page, value) -> None:
    a = ask(report, question)
    assert a.found, a
    assert a.engine == "text"
    assert a.citations[0].page_no == page
    assert a.citations[0].document == "northwind.pdf"
    assert parse_number(a.text) == value, a.text
    assert len({c.page_no for c in a.citations}) == len(a.citations) <= 3


def test_table_value_has_unit_and_a_tight_box(report: Path) -> None:
    a = ask(report, "What was total revenue in 2023?")
    assert "million" in a.text and "$" in a.text
    x0, y0, x1, y1 = a.citations[0].bbox
    # the box surrounds the 2023 cell (drawn at x=400, baseline 152), not the whole table
    assert x0 >= 390 and x1 <= 470 and 135 <= y0 <= y1 <= 160


def test_date_question(report: Path) -> None:
    a = ask(report, "When was Northwind Traders founded?")
    assert a.found
    assert a.citations[0].page_no == 4
    assert parse_date(a.text) == "1998-03-03", a.text


def test_sentence_question_returns_the_supporting_sentence(report: Path) -> None:
    a = ask(report, "Where is the headquarters of Northwind located after the merger?")
    assert a.found
    assert a.citations[0].page_no == 4
    assert "Amsterdam" in a.text


@pytest.mark.parametrize(
    "question",
    [
        "What is the airspeed velocity of an unladen swallow?",
        "Who won the football world cup final in Qatar?",
        "How many satellites orbit the planet Jupiter?",
    ],
)
def test_absent_questions_are_not_found(report: Path, question: str) -> None:
    a = ask(report, question)
    assert not a.found
    assert a.text == NOT_FOUND
    assert a.score is not None and a.score < 0.5


def test_with_embeddings_same_answers(report: Path) -> None:
    opts = Options(embeddings=True)
    a = ask(report, "What was total revenue in 2022?", opts)
    assert a.found and a.citations[0].page_no == 2 and parse_number(a.text) == 1100.0
    b = ask(report, "What is the airspeed velocity of an unladen swallow?", opts)
    assert not b.found


def test_empty_question_is_an_input_error(report: Path) -> None:
    with load_document(report) as doc, pytest.raises(InputError):
        answer_question([doc], "   ", BM25_ONLY, None)


def test_classify_question() -> None:
    assert classify_question("What was total revenue in FY22?").kind == "number"
    assert classify_question("What was total revenue in FY22?").years == [2022]
    assert classify_question("When was the company founded?").kind == "date"
    assert classify_question("In which year did the merger close?").kind == "year"
    assert classify_question("What is the gross margin in 2023?").kind == "percent"
    assert classify_question("Did sales grow?").kind == "sentence"


def test_not_found_cites_nothing(report: Path) -> None:
    a = ask(report, "What is the airspeed velocity of an unladen swallow?")
    assert not a.found and a.citations == []
    assert any("weak evidence" in n for n in a.notes)
