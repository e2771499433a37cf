"""Yes/no questions about a change are answered by computing the change, with both values cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_yesno import parse_change_asked
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, table_row

BM25_ONLY = Options(embeddings=False)
XS = (330, 410)


@pytest.fixture
def balance(tmp_path: Path) -> Path:
    page = [
        (60, 60, "Consolidated Balance Sheets"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS, ["2023", "2022"], strict=True)],
        *table_row(120, "Cash and cash equivalents", ["$ 1,200", "$ 1,500"], XS),
        *table_row(136, "Inventories", ["900", "700"], XS),
        *table_row(152, "Long-term debt", ["4,000", "4,000"], XS),
        *table_row(168, "Total assets", ["$ 9,800", "$ 9,100"], XS),
    ]
    return multipage_pdf(tmp_path / "acme_10k.pdf", [page])


def ask(path: Path, question: str):
    with load_document(path) as doc:
        return answer_question([doc], question, BM25_ONLY, None)


@pytest.mark.parametrize(
    ("question", "direction", "measure"),
    [
        ("Has Acme increased its inventories between FY2022 and FY2023?", "up", "inventories"),
        (
            "Was there any drop in cash and cash equivalents between FY2022 and FY2023?",
            "down",
            "cash and cash equivalents",
        ),
        ("Did Acme's total assets decrease from FY2022 to FY2023?", "down", "total assets"),
        ("Was there any change in long-term debt between FY2022 and FY2023?", "any", "long-term debt"),
    ],
)
def test_parse_change_asked(question: str, direction: str, measure: str) -> None:
    asked = parse_change_asked(question)
    assert asked is not None and (asked.direction, asked.measure, asked.years) == (
        direction,
        measure,
        [2022, 2023],
    )


@pytest.mark.parametrize(
    "question",
    [
        "Was there any drop in cash between FY2023 and Q2 of FY2024?",  # a year against a quarter
        "Did net earnings as a percent of sales increase in FY2023 compared to FY2022?",  # a ratio
        "Has Acme paid dividends in FY2023?",
        "Did inventories increase in FY2023?",  # one year: against what
    ],
)
def test_not_a_change_to_compute(question: str) -> None:
    assert parse_change_asked(question) is None


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Has Acme increased its inventories between FY2022 and FY2023?", "Yes"),
        ("Did Acme's total assets decrease from FY2022 to FY2023?", "No"),
        ("Was there any drop in cash and cash equivalents between FY2022 and FY2023?", "Yes"),
        ("Was there any change in long-term debt between FY2022 and FY2023?", "No"),
    ],
)
def test_yes_or_no_by_the_computed_change(balance: Path, question: str, word: str) -> None:
    a = ask(balance, question)
    assert a.text.split(".")[0] == word, a.text
    assert {c.page_no for c in a.citations} == {1} and len(a.citations) >= 1
    assert "from" in a.text and "to" in a.text  # the working: both values


def test_no_yes_or_no_without_both_values(balance: Path) -> None:
    a = ask(balance, "Has Acme increased its goodwill between FY2022 and FY2023?")
    assert a.text.split(".")[0] not in ("Yes", "No"), a.text
    assert not any(n.startswith("computed") for n in a.notes)


def test_no_yes_or_no_from_a_line_that_is_only_part_of_the_measure(balance: Path) -> None:
    # "debt" is more than the "Long-term debt" line: a sign read off it would be a guess
    a = ask(balance, "Has Acme increased its debt between FY2022 and FY2023?")
    assert a.text.split(".")[0] not in ("Yes", "No"), a.text
    assert not any(n.startswith("computed") for n in a.notes)
