"""Citations hold the answer; other top-ranked pages come back apart, as `also_retrieved`."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_citations import support_span
from docai.engines.text.qa_values import VALUE_RE
from docai.options import Options
from docai.parsers import load_document
from docai.results import Answer, Citation

try:
    from conftest_qa import annual_report_pages, multipage_pdf
except ImportError:  # the folder became a package
    from .conftest_qa import annual_report_pages, multipage_pdf

BM25_ONLY = Options(embeddings=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return multipage_pdf(tmp_path_factory.mktemp("cite") / "northwind.pdf", annual_report_pages())


def ask(path: Path, question: str, options: Options = BM25_ONLY) -> Answer:
    with load_document(path, options) as doc:
        return answer_question([doc], question, options, None)


def _holds(c: Citation, answer: str) -> bool:
    numbers = {m.group("num").strip("()") for m in VALUE_RE.finditer(answer)}
    flat = " ".join(c.text.split())
    return any(n in flat for n in numbers) if numbers else answer.rstrip(".") in flat


@pytest.mark.parametrize(
    "question",
    [
        "How many full-time employees did Northwind have?",
        "What was total revenue in 2023?",
        "How much net income did the company make in FY2022?",
        "What gain did the sale of the bakery division give?",
    ],
)
def test_every_citation_holds_the_answer(report: Path, question: str) -> None:
    a = ask(report, question)
    assert a.found
    assert a.citations
    for c in a.citations:
        assert _holds(c, a.text), (question, a.text, c.page_no, c.text)


def test_employee_count_does_not_cite_the_income_statement(report: Path) -> None:
    a = ask(report, "How many full-time employees did Northwind have?")
    assert [c.page_no for c in a.citations] == [3]
    # the other pages retrieval ranked are kept, apart and never the cited page again
    assert a.also_retrieved
    assert all(c.page_no != 3 for c in a.also_retrieved)


def test_also_retrieved_survives_json_round_trip(report: Path) -> None:
    a = ask(report, "What was total revenue in 2023?")
    back = Answer.from_dict(a.to_dict())
    assert [c.page_no for c in back.also_retrieved] == [c.page_no for c in a.also_retrieved]
    assert back.citations[0].page_no == 2


def test_support_span_finds_numbers_and_sentences(report: Path) -> None:
    with load_document(report, BM25_ONLY) as doc:
        from docai.engines.text.passages import document_passages

        passages = list(document_passages(doc))
    income = next(p for p in passages if "Total revenue" in p.text)
    assert support_span(income, "$1,234 million", "number") is not None
    assert support_span(income, "4,250", "number") is None
    people = next(p for p in passages if "employees" in p.text)
    sentence = "Employee engagement reached a record level in our annual survey."
    assert support_span(people, sentence, "sentence") is not None
    assert support_span(income, sentence, "sentence") is None
