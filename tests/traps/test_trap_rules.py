"""The general rules behind the fixed traps, each on lines the test builds itself."""

from __future__ import annotations

from docai.document import Word
from docai.engines.text.heuristics import document_currency
from docai.engines.text.kv import split_pairs
from docai.engines.text.layout import Run
from docai.engines.text.receipts import _is_total_label


def _run(text: str) -> Run:
    words = [Word(t, (10.0 * i, 0.0, 10.0 * i + 8, 10.0), None, 0, 0) for i, t in enumerate(text.split())]
    return Run(1, words)


def _texts(runs: list[Run]) -> list[str]:
    return [r.text for r in runs]


def test_one_run_of_several_labelled_pairs_is_split_at_each_label() -> None:
    runs = split_pairs(_run("Customer No.: 55012 PO Number: PO-7781 Invoice No.: 118-2024"))
    assert _texts(runs) == ["Customer No.: 55012", "PO Number: PO-7781", "Invoice No.: 118-2024"]
    assert _texts(split_pairs(_run("Order Date: 02/01/2024 Invoice Date: 02/20/2024"))) == [
        "Order Date: 02/01/2024",
        "Invoice Date: 02/20/2024",
    ]


def test_an_unknown_label_after_a_number_value_is_split_too() -> None:
    runs = split_pairs(_run("Account: 7781 Branch Code: WX-2"))
    assert _texts(runs) == ["Account: 7781", "Branch Code: WX-2"]


def test_a_run_with_one_label_or_a_time_stays_whole() -> None:
    for text in ("Invoice No.: 118-2024", "Date: 06/21/2024 Time: 14:32", "Bill To: Gulf Coast: Refining"):
        runs = split_pairs(_run(text))
        if text.startswith("Date"):
            assert _texts(runs) == ["Date: 06/21/2024", "Time: 14:32"]
        else:
            assert _texts(runs) == [text]


def test_total_words_are_whole_words_except_total_itself() -> None:
    assert not _is_total_label("Nettobetrag")  # German: the amount before tax
    assert not _is_total_label("Grandview Hardware")
    assert _is_total_label("Nett Total")
    assert _is_total_label("NETT")
    assert _is_total_label("TOTALRM")  # OCR glued the currency to the label


def test_a_bare_dollar_sign_takes_the_dollar_the_page_names() -> None:
    assert document_currency(["Amount Due (AUD)", "$880.00", "Subtotal $800.00"]) == "AUD"
    assert document_currency(["Total $880.00", "Subtotal $800.00"]) == "USD"
    assert document_currency(["Total USD 880.00", "Paid from a CAD account", "$5.00"]) == "USD"
    assert document_currency(["Prices in CAD or NZD", "$880.00", "$1.00"]) == "USD"  # two named: undecided
