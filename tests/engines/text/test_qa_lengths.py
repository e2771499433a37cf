"""A number that counts days, weeks, months or years ("a 364 day credit agreement") is no amount, unless
the question asks a length of time; a 'how did X compare to Y' question is answered by a sentence."""

from __future__ import annotations

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_find import classify_question
from docai.engines.text.qa_values import values_in_line
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

LINE = "entered into a new $4,200,000,000 364 day unsecured revolving credit agreement"
PAGE = [
    (50, 60, "Item 1.01 Entry into a Material Definitive Agreement"),
    (50, 90, "On May 26, 2023, the company entered into a new $4,200,000,000 364 day"),
    (50, 104, "unsecured revolving credit agreement with its lenders."),
]
OPTS = Options(embeddings=False)


def test_lengths_are_dropped_on_request() -> None:
    assert [m.group(0) for m in values_in_line(LINE, "number", lengths=False)] == ["$4,200,000,000"]
    assert [m.group(0) for m in values_in_line(LINE, "number")] == ["$4,200,000,000", "364"]
    assert [m.group(0) for m in values_in_line("due in 3 years 1,250", "number", lengths=False)] == ["1,250"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What amount may the company borrow under its unsecured revolving credit agreement?", 4.2e9),
        ("How many days does the unsecured revolving credit agreement run?", 364.0),
    ],
)
def test_amount_or_length(text_pdf, question: str, expected: float) -> None:
    with load_document(text_pdf("8k.pdf", [PAGE]), OPTS) as doc:
        a = answer_question([doc], question, OPTS, None)
    assert a.found and parse_number(a.text) == expected, a.text


def test_compare_questions_want_a_sentence() -> None:
    q = "How did US sales growth compare to international sales growth in FY2022?"
    assert classify_question(q).kind == "sentence"
    assert classify_question("How much did US sales grow in FY2022?").kind == "number"
