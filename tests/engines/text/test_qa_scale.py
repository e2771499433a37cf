"""An amount restated in the scale the question asks for ("Answer in USD billions")."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_format import asked_scale, in_asked_scale
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, table_row


@pytest.mark.parametrize(
    ("question", "scale"),
    [
        ("What is the year end FY2018 net PP&E? Answer in USD billions.", "billion"),
        ("How much (in USD millions) was capex?", "million"),
        ("What were revenues in thousands of dollars?", "thousand"),
        ("What was revenue, in millions of USD?", "million"),
        ("What was revenue in 2023?", None),
    ],
)
def test_asked_scale(question: str, scale: str | None) -> None:
    assert asked_scale(question) == scale


@pytest.mark.parametrize(
    ("text", "question", "want"),
    [
        ("$8,738 million", "Answer in USD billions.", "$8.738 billion"),
        ("-$1,577 million", "in USD billions", "-$1.577 billion"),
        ("$1.2 billion", "in USD millions", "$1,200 million"),
        ("EUR 41.9 million", "in thousands", "EUR 41,900 thousand"),
        ("$1,577 million", "in USD millions", "$1,577 million"),
        ("12.5%", "in USD billions", "12.5%"),  # not an amount with a scale
        ("1,577", "in USD billions", "1,577"),  # no scale printed: nothing to convert from
    ],
)
def test_in_asked_scale(text: str, question: str, want: str) -> None:
    assert in_asked_scale(text, question) == want


def test_answer_in_the_asked_scale(tmp_path: Path) -> None:
    page = [
        (60, 60, "Consolidated Balance Sheets"),
        (60, 76, "(in millions)"),
        (330, 100, "2018"),
        (410, 100, "2017"),
        *table_row(120, "Property, plant and equipment - net", ["$ 8,738", "$ 8,866"], (330, 410)),
        *table_row(136, "Total assets", ["$ 36,500", "$ 37,987"], (330, 410)),
    ]
    pdf = multipage_pdf(tmp_path / "bs.pdf", [page])
    with load_document(pdf) as doc:
        a = answer_question(
            [doc], "What is the FY2018 net PP&E? Answer in USD billions.", Options(embeddings=False), None
        )
    assert a.text == "$8.738 billion", a.text
    assert [c.page_no for c in a.citations] == [1] and "8,738" in a.citations[0].text
