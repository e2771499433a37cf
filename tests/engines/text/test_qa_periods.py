"""Quarter questions: 'Q3' and 'third quarter' name the same row, and the 3 of 'Q3' is not the answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.retrieval import tokenize
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

RESULTS = [
    (50, 60, "Income statement (USD millions)"),
    (300, 90, "2023"),
    (400, 90, "2024"),
    (50, 110, "Total revenue"),
    (300, 110, "3,143.6"),
    (400, 110, "3,435.8"),
    (50, 130, "Net income"),
    (300, 130, "332.9"),
    (400, 130, "243.1"),
]
QUARTERS = [
    (50, 60, "Revenue by quarter, 2024 (USD millions)"),
    (50, 90, "Quarter"),
    (300, 90, "Revenue"),
    (50, 110, "Q1 2024"),
    (300, 110, "786.6"),
    (50, 130, "Q2 2024"),
    (300, 130, "917.4"),
    (50, 150, "Q3 2024"),
    (300, 150, "1,008.0"),
    (50, 170, "Q4 2024"),
    (300, 170, "723.8"),
]


@pytest.fixture
def report(text_pdf) -> Path:
    return text_pdf("report.pdf", [RESULTS, QUARTERS])


@pytest.mark.parametrize(
    "question", ["What was revenue in Q3 2024?", "What was revenue in the third quarter of 2024?"]
)
def test_quarter_row(report: Path, question: str) -> None:
    opts = Options(embeddings=False)
    with load_document(report, opts) as doc:
        a = answer_question([doc], question, opts, None)
    assert a.found and parse_number(a.text) == 1008.0, a.text
    assert a.citations[0].page_no == 2


def test_quarter_tokens() -> None:
    assert tokenize("Third Quarter 2024") == ["q3", "2024"]
    assert tokenize("Q3 2024") == ["q3", "2024"]
    assert "q5" not in tokenize("Q5 HQ3")
