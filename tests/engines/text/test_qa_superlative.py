"""'Which segment had the highest revenue?' compares a table's rows and answers with a row label."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import NOT_FOUND, answer_question
from docai.engines.text.qa_superlative import parse_superlative
from docai.options import Options
from docai.parsers import load_document

LETTER = [
    (50, 60, "Letter to shareholders"),
    (50, 90, "Revenue grew by 9 percent and every segment contributed to the result."),
]
SEGMENTS = [
    (50, 60, "Segment performance"),
    (50, 80, "Revenue by segment, 2024 (USD millions)"),
    (50, 110, "Segment"),
    (300, 110, "2023"),
    (400, 110, "2024"),
    (50, 130, "Energy"),
    (300, 130, "1,402.0"),
    (400, 130, "1,348.9"),
    (50, 150, "Consumer goods"),
    (300, 150, "990.5"),
    (400, 150, "1,429.3"),
    (50, 170, "Digital services"),
    (300, 170, "957.6"),
    (400, 170, "801.2"),
    (50, 190, "Total"),
    (300, 190, "3,350.1"),
    (400, 190, "3,579.4"),
]


@pytest.fixture
def report(text_pdf) -> Path:
    return text_pdf("report.pdf", [LETTER, SEGMENTS])


def _ask(path: Path, question: str):
    opts = Options(embeddings=False)
    with load_document(path, opts) as doc:
        return answer_question([doc], question, opts, None)


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("Which segment had the highest revenue?", "Consumer goods"),  # unasked: the latest year
        ("Which segment had the highest revenue in 2023?", "Energy"),
        ("Which segment had the lowest revenue in 2024?", "Digital services"),
    ],
)
def test_row_label_answers(report: Path, question: str, label: str) -> None:
    a = _ask(report, question)
    assert a.found and a.text == label, a.text
    [c] = a.citations
    assert c.page_no == 2
    assert c.bbox[0] < 60 and c.bbox[2] < 250  # the label's box, not the whole table


def test_measure_not_in_the_document(report: Path) -> None:
    a = _ask(report, "Which segment had the highest employee turnover?")
    assert not a.found and a.text == NOT_FOUND


def test_parse() -> None:
    entity, measure, lowest, years = parse_superlative("Which segment had the highest revenue in 2023?")
    assert (len(entity), len(measure), lowest, years) == (1, 1, False, [2023])
    assert parse_superlative("Which region showed the smallest operating margin?")[2] is True
    assert parse_superlative("What was revenue in 2023?") is None
