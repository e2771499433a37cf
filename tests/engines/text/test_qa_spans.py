"""A fiscal year's value comes from a full-year column, a quarter's from a quarter column; a table that
prints the asked year only for a quarter does not answer a question about the year."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.passages import document_passages
from docai.engines.text.qa import answer_question
from docai.engines.text.qa_spans import question_span, tag_spans
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

BOTH = [
    (50, 60, "Consolidated results (USD millions)"),
    (290, 85, "Three Months Ended"),
    (450, 85, "Twelve Months Ended"),
    (300, 100, "2024"),
    (360, 100, "2023"),
    (460, 100, "2024"),
    (520, 100, "2023"),
    (50, 120, "Total revenue"),
    (300, 120, "1,008.0"),
    (360, 120, "917.4"),
    (460, 120, "3,435.8"),
    (520, 120, "3,143.6"),
    (50, 140, "Net income"),
    (300, 140, "80.1"),
    (360, 140, "71.5"),
    (460, 140, "332.9"),
    (520, 140, "243.1"),
]
# the span and the year in one header cell, the way earnings releases print them
QUARTERS_ONLY = [
    (50, 60, "Consolidated results (USD millions)"),
    (200, 100, "Three Months Ended June 30, 2024"),
    (400, 100, "Three Months Ended June 30, 2023"),
    (50, 120, "Total revenue"),
    (300, 120, "1,008.0"),
    (500, 120, "917.4"),
]
OPTS = Options(embeddings=False)


def _ask(path: Path, question: str):
    with load_document(path, OPTS) as doc:
        return answer_question([doc], question, OPTS, None)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What was total revenue in fiscal 2024?", 3435.8),
        ("What was total revenue for FY2024?", 3435.8),
        ("What was total revenue in 2023?", 3143.6),
        ("What was total revenue in the fourth quarter of 2024?", 1008.0),
        ("What was net income in Q4 2023?", 71.5),
    ],
)
def test_year_and_quarter_columns(text_pdf, question: str, expected: float) -> None:
    a = _ask(text_pdf("both.pdf", [BOTH]), question)
    assert a.found and parse_number(a.text) == expected, a.text


def test_only_quarters_do_not_answer_the_year(text_pdf) -> None:
    path = text_pdf("quarters.pdf", [QUARTERS_ONLY])
    a = _ask(path, "What was total revenue in fiscal 2024?")
    assert not a.found, a.text
    assert "1,008" not in a.text and any("shorter or longer period" in n for n in a.notes), a.notes
    q = _ask(path, "What was total revenue in the three months ended June 30, 2024?")
    assert q.found and parse_number(q.text) == 1008.0, q.text


def test_spans_tag_the_columns(text_pdf) -> None:
    with load_document(text_pdf("both.pdf", [BOTH]), OPTS) as doc:
        tagged = tag_spans(list(document_passages(doc)))
    rows = [p for p in tagged if "Total revenue" in p.text]
    spans = sorted((x, s) for s, x in rows[0].periods)
    assert [s for _, s in spans] == ["3m", "3m", "12m", "12m"]


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("What was revenue in FY2023?", "12m"),
        ("What was the operating margin for fiscal 2022?", "12m"),
        ("What was revenue in Q2 of FY2023?", "3m"),
        ("What was revenue in the fourth quarter?", "3m"),
        ("Net sales for the six months ended June 30, 2023?", "6m"),
        ("Net sales for the nine months ended September 30, 2023?", "9m"),
        ("Cash from operations year to date in FY2024?", "ytd"),
        ("Q3 FY2024 YTD cash from operations?", "ytd"),
        ("Net sales in the quarter ended July 1, 2023?", "3m"),
        ("What was the quarterly dividend?", None),
    ],
)
def test_question_span(question: str, span: str | None) -> None:
    assert question_span(question) == span


# the header cells print the year and the scale, left-aligned; the figures are right-aligned under them,
# nearer the next column's year word than their own
SCALED_HEADER = [
    (50, 60, "Adjusted results"),
    (230, 100, "2022 $ million"),
    (330, 100, "2023 $ million"),
    (50, 120, "Adjusted EBITDA"),
    (290, 120, "2,117"),
    (390, 120, "2,018"),
]


def test_figures_sit_under_the_whole_header_cell(text_pdf) -> None:
    a = _ask(text_pdf("scaled.pdf", [SCALED_HEADER]), "What was adjusted EBITDA in 2023?")
    assert a.found and parse_number(a.text) == 2018.0, a.text
    b = _ask(text_pdf("scaled.pdf", [SCALED_HEADER]), "What was adjusted EBITDA in 2022?")
    assert b.found and parse_number(b.text) == 2117.0, b.text


def test_year_to_date_is_a_half_or_nine_months() -> None:
    from docai.engines.text.qa_spans import span_fits

    assert span_fits("ytd", "6m") and span_fits("ytd", "9m") and span_fits("ytd", None)
    assert not span_fits("ytd", "12m") and not span_fits("ytd", "3m") and not span_fits("12m", "3m")
