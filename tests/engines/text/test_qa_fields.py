"""Questions that ask for one labelled value are answered from the label, even when the label shares
no word with the question ('Inv. No.' for 'invoice number'), and cite the value's box."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import NOT_FOUND, answer_question
from docai.engines.text.qa_fields import field_phrase
from docai.options import Options
from docai.parsers import load_document

INVOICE = [
    (50, 60, "Northwind Supplies Ltd"),
    (50, 76, "12 Harbour Street, Leeds"),
    (50, 130, "Inv. No."),
    (200, 130, "Issued"),
    (350, 130, "Payment Due"),
    (50, 146, "NW-88412"),
    (200, 146, "March 3, 2024"),
    (350, 146, "April 2, 2024"),
    (50, 220, "Description"),
    (400, 220, "Amount"),
    (50, 240, "Consulting hours"),
    (400, 240, "1,200.00"),
    (50, 256, "Travel"),
    (400, 256, "116.74"),
    (300, 300, "Total Due:"),
    (400, 300, "GBP 1,316.74"),
]


@pytest.fixture
def invoice(text_pdf) -> Path:
    return text_pdf("invoice.pdf", [INVOICE])


def _ask(path: Path, question: str, embeddings: bool = False):
    opts = Options(embeddings=embeddings)
    with load_document(path, opts) as doc:
        return answer_question([doc], question, opts, None)


def test_identifier_under_an_abbreviated_label(invoice: Path) -> None:
    a = _ask(invoice, "What is the invoice number?")
    assert a.found and a.text == "NW-88412", a.text
    [c] = a.citations
    assert c.page_no == 1 and c.document == "invoice.pdf"
    assert c.text.startswith("Inv. No") and c.text.endswith(": NW-88412"), c.text  # label, then value
    x0, y0, x1, y1 = c.bbox
    assert 45 <= x0 < x1 <= 140 and 130 < y0 < y1 < 160, c.bbox


def test_total_keeps_its_printed_form(invoice: Path) -> None:
    a = _ask(invoice, "What is the total amount due?")
    assert a.found and a.text.endswith("1,316.74"), a.text
    assert a.citations[0].bbox[0] >= 395


def test_date_under_a_column_label(invoice: Path) -> None:
    a = _ask(invoice, "What is the payment due date?")
    assert a.found and a.text == "April 2, 2024", a.text


def test_with_embeddings_too(invoice: Path) -> None:
    a = _ask(invoice, "What is the invoice number?", embeddings=True)
    assert a.found and a.text == "NW-88412", a.text


def test_absent_field_is_not_found(invoice: Path) -> None:
    for q in ("What is the IBAN?", "What is the airspeed velocity of an unladen swallow?"):
        a = _ask(invoice, q)
        assert not a.found and a.text == NOT_FOUND, (q, a.text)


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("What is the invoice number?", "invoice number"),
        ("What's the total amount due on this invoice?", "total amount due"),
        ("When is the payment due?", "payment due"),
        ("合计金额是多少？", "合计金额"),
        ("Why did revenue fall?", None),
        ("What was total revenue in 2022?", None),  # a year: the table-column rules answer it
        ("How did the operating margin change between 2022 and 2023?", None),
        ("What are the main risks the company describes in its outlook for next year?", None),
    ],
)
def test_field_phrase(question: str, phrase: str | None) -> None:
    assert field_phrase(question) == phrase


def test_date_question_without_a_date_is_not_found(text_pdf) -> None:
    pdf = text_pdf(
        "letter.pdf",
        [
            [
                (50, 60, "The company was founded by two engineers in a garage in Leeds."),
                (50, 80, "It grew fast."),
            ]
        ],
    )
    a = _ask(pdf, "When was the company founded?")
    assert not a.found and a.text == NOT_FOUND, a.text
    assert any("no date" in n for n in a.notes), a.notes
