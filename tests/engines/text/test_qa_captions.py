"""A table whose rows name only years (a schedule) is found and read by the sentence above it."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.passages import document_passages
from docai.engines.text.qa import answer_question
from docai.engines.text.retrieval import build_index, deserialize_index, serialize_index
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, prose, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, prose, table_row

BM25_ONLY = Options(embeddings=False)


@pytest.fixture(scope="module")
def filing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    risks = [
        "Our retirees and employees rely on benefit plans; if we cannot pay benefits when expected, "
        "the plans could be underfunded and we may have to pay more in later years.",
    ]
    note = [
        *prose(
            60,
            [
                "Estimated future benefit payments. The benefit payments to retirees are expected to be paid "
                "as follows, in millions of dollars:"
            ],
        ),
        *table_row(110, "2022", ["$ 2,049", "$ 906"]),
        *table_row(126, "2023", ["1,648", "883"]),
        *table_row(142, "2024", ["1,097", "862"]),
        *table_row(158, "2025", ["1,066", "850"]),
    ]
    pages = [[(60, 60, "Risk factors"), *prose(100, risks)], note]
    return multipage_pdf(tmp_path_factory.mktemp("captions") / "filing.pdf", pages)


def test_a_table_keeps_the_prose_above_it_as_its_caption(filing: Path) -> None:
    with load_document(filing, BM25_ONLY) as doc:
        passages = list(document_passages(doc))
    table = next(p for p in passages if p.kind == "table" and "1,097" in p.text)
    assert "retirees are expected to be paid" in table.caption
    assert all(p.caption == "" for p in passages if p.kind == "text")
    with load_document(filing, BM25_ONLY) as doc:
        ix = build_index(doc, BM25_ONLY, None)
    again = deserialize_index(serialize_index(ix))
    assert [p.caption for p in again.passages] == [p.caption for p in ix.passages]


def test_a_schedule_row_is_read_by_its_caption(filing: Path) -> None:
    with load_document(filing, BM25_ONLY) as doc:
        a = answer_question(
            [doc], "How much did the company expect to pay its retirees in 2024?", BM25_ONLY, None
        )
    assert "1,097" in a.text, a.text
    assert a.citations and a.citations[0].page_no == 2


def test_a_span_of_years_with_amounts_is_a_row_not_a_header() -> None:
    from docai.document import Word
    from docai.engines.text.passages import Row, _is_year_header

    def row(*cells: str) -> Row:
        return Row([Word(c, (60.0 + 60 * i, 100.0, 100.0 + 60 * i, 110.0)) for i, c in enumerate(cells)])

    assert _is_year_header(row("2023", "2022", "%", "Change"))
    assert _is_year_header(row("(in", "millions)", "2023", "2022"))
    assert not _is_year_header(row("2027", "to", "2031", "5,097", "4,139"))
    assert not _is_year_header(row("2024", "-", "2029", "7,000"))
