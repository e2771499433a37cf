"""A question after a cause ("What drove ...", "Why ...") is answered by the sentence that explains it,
cited on its page, even when it names a measure that a statement table holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_find import asks_reason, classify_question
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, prose, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, prose, table_row

BM25_ONLY = Options(embeddings=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mdna = [
        "Net sales increased 9.6% to 900 million in fiscal 2023 on higher volumes across all regions.",
        "Gross profit as a percent of net sales decreased in fiscal 2023 primarily due to higher freight "
        "costs and lower merchandise margin in the beauty category.",
        "We expect the freight environment to normalise over the coming year.",
    ]
    statement = [
        (60, 60, "CONSOLIDATED STATEMENTS OF INCOME"),
        (60, 76, "(in millions)"),
        (400, 100, "2023"),
        (490, 100, "2022"),
        *table_row(120, "Net sales", ["$ 900", "$ 821"]),
        *table_row(136, "Cost of sales", ["560", "490"]),
        *table_row(152, "Gross profit", ["340", "331"]),
        *table_row(168, "Gross profit as a percent of net sales", ["37.8%", "40.3%"]),
    ]
    pages = [[(60, 60, "Management's discussion and analysis"), *prose(100, mdna)], statement]
    return multipage_pdf(tmp_path_factory.mktemp("reasons") / "report.pdf", pages)


def test_reason_questions_are_told_from_value_questions() -> None:
    assert asks_reason("What drove the reduction in SG&A expense as a percent of net sales in FY2023?")
    assert asks_reason("Why did gross margin fall in 2022?")
    assert asks_reason("What were the main drivers of revenue growth?")
    assert not asks_reason("What was the gross margin in 2023?")
    assert not asks_reason("Which segment drove the growth in 2022?")  # which segment: a name, no cause
    assert classify_question("What drove the decline in gross margin in FY2023?").kind == "sentence"
    assert classify_question("What was the gross margin in FY2023?").kind == "percent"


def test_a_reason_is_answered_from_the_discussion_not_the_statement(report: Path) -> None:
    q = "What drove the decrease in gross profit as a percent of net sales in FY2023?"
    with load_document(report, BM25_ONLY) as doc:
        a = answer_question([doc], q, BM25_ONLY, None)
    assert a.found and "freight" in a.text, a.text
    assert [c.page_no for c in a.citations][:1] == [1]
    # the value question about the same measure still reads the statement
    with load_document(report, BM25_ONLY) as doc:
        value_q = "What was gross profit as a percent of net sales in FY2023?"
        v = answer_question([doc], value_q, BM25_ONLY, None)
    assert "37.8" in v.text and v.citations[0].page_no == 2, (v.text, v.citations)
