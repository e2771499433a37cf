"""What a question asks for: a name ("which", "who") is never a number; EBITDA, or anything asked "in USD
billions", is an amount."""

from __future__ import annotations

import pytest

from docai.engines.text.qa_find import classify_question


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which debt securities are registered to trade on a national exchange?", "sentence"),
        ("Who audits the company's financial statements?", "sentence"),
        ("What kinds of debt does the company carry?", "sentence"),
        ("In which year did the merger close?", "year"),
        ("What was Acme's adjusted EBITDA for FY 2023?", "number"),
        ("What was EBIT in 2022?", "number"),
        ("How much debt did Acme repay in 2023?", "number"),
        ("What is the year end FY2018 net PP&E for Acme? Answer in USD billions.", "number"),
        ("What is the FY2018 net PP&E for Acme?", "number"),
        ("What were Acme's inventories at the end of FY2019?", "number"),
        ("What is the nature of Acme's business?", "sentence"),
    ],
)
def test_question_kind(question: str, kind: str) -> None:
    assert classify_question(question).kind == kind
