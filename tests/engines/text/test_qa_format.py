"""Answer values printed with currency, sign and scale as a reader expects them."""

from __future__ import annotations

from pathlib import Path

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_format import currency_text
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, table_row

BM25_ONLY = Options(embeddings=False)


def test_currency_codes_take_a_space_symbols_do_not() -> None:
    assert currency_text("EUR", "41.9") == "EUR 41.9"
    assert currency_text("$", "41.9") == "$41.9"
    assert currency_text("US$", "41.9") == "US$41.9"
    assert currency_text("", "41.9") == "41.9"


def _cash_flow(tmp_path: Path) -> Path:
    page = [
        (60, 60, "Consolidated Statements of Cash Flows"),
        (60, 76, "(In millions)"),
        (400, 100, "2022"),
        (490, 100, "2021"),
        *table_row(120, "Net income (loss)", ["(123)", "$ 456"]),
        *table_row(136, "Depreciation and amortization", ["1,416", "1,500"]),
        *table_row(152, "Purchases of property, plant and equipment", ["(1,577)", "(1,603)"]),
        *table_row(168, "Net cash used in investing activities", ["(1,046)", "(1,317)"]),
    ]
    return multipage_pdf(tmp_path / "cf.pdf", [page])


def ask(path: Path, question: str):
    with load_document(path, BM25_ONLY) as doc:
        return answer_question([doc], question, BM25_ONLY, None)


def test_outflow_asked_by_name_is_its_size_with_scale(tmp_path: Path) -> None:
    pdf = _cash_flow(tmp_path)
    a = ask(pdf, "What was the capital expenditure in FY2022 in USD millions?")
    assert a.text == "$1,577 million", a.text
    assert a.citations[0].page_no == 1


def test_bracketed_value_otherwise_is_negative(tmp_path: Path) -> None:
    pdf = _cash_flow(tmp_path)
    a = ask(pdf, "What was net income in 2022?")
    assert a.text == "-123 million", a.text
