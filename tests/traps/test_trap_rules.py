"""The general rules behind the fixed traps, each on lines the test builds itself."""

from __future__ import annotations

from docai.document import Word
from docai.engines.text.heuristics import document_currency
from docai.engines.text.kv import find_pairs, split_pairs
from docai.engines.text.layout import Line, Run, group_lines
from docai.engines.text.receipts import _is_total_label, find_total


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


def _line(text: str, index: int = 0, gap: float = 4.0) -> Line:
    """One printed line, as the layout groups it: words 8 pt high, `gap` apart, as wide as their letters."""
    words, x = [], 10.0
    for t in text.split():
        words.append(Word(t, (x, 20.0 * index, x + 6.0 * len(t), 20.0 * index + 8), None, 0, index))
        x += 6.0 * len(t) + gap
    (line,) = group_lines(words)
    line.index = index
    return line


def test_a_total_is_never_the_head_of_a_longer_number_and_lakhs_are_read() -> None:
    found = find_total([_line("Taxable value 1,00,000.00", 0), _line("Total (INR) 1,18,000.00", 1)])
    assert found is not None and float(found.value) == 118000.0


def test_a_bracketed_amount_is_a_credit_not_a_receipt_total() -> None:
    assert find_total([_line("Subtotal (200.00)", 0), _line("Total (240.00)", 1)]) is None
    found = find_total([_line("Subtotal 200.00", 0), _line("Total 240.00", 1)])
    assert found is not None and float(found.value) == 240.0


def test_an_amount_written_in_words_is_no_part_of_its_label() -> None:
    pairs = find_pairs([_line("价税合计（大写）壹仟零玖拾圆整 （小写）¥1090.00", 0, gap=30.0)])
    assert ("价税合计", "¥1090.00") in [(c.label, c.value) for c in pairs]
