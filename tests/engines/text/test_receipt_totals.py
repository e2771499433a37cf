"""Receipt totals when OCR bent the labels or the printer split the sum: the payment, the rounding line and
the subtotal + tax sum pin the total down."""

from __future__ import annotations

from pathlib import Path

import pytest
from text_docs import draw_pdf

from docai.engines.text.layout import group_lines
from docai.engines.text.receipts import find_total
from docai.parsers import load_document


def _total(tmp_path: Path, rows: list[tuple[str, str]]) -> str | None:
    items: list[tuple] = [(150, 40, "KEDAI RUNCIT MAJU")]
    for i, (label, amount) in enumerate(rows):
        y = 100 + 18 * i
        if label:
            items.append((60, y, label))
        if amount:
            items.append((320, y, amount))
    pdf = draw_pdf(tmp_path / "r.pdf", items, font="cour")
    with load_document(pdf) as doc:
        found = find_total(group_lines(doc.page(1).words))
    return found.value if found else None


def test_unlabelled_line_that_cash_minus_change_confirms_beats_the_unrounded_total(tmp_path: Path) -> None:
    rows = [
        ("LAMP", "55.90"),
        ("TOTAL", "60.01"),
        ("ROUNDING ADJ", "0.01"),
        ("", "RM 60.30"),
        ("CASH", "RM 70.30"),
        ("CHANGE", "RM 10.00"),
    ]
    assert _total(tmp_path, rows) == "60.30"


def test_lost_decimal_point_after_the_currency_and_the_rounding_under_the_total(tmp_path: Path) -> None:
    """'RM 64 13' is 64.13; the rounding adjustment printed under it (and no total after) makes 64.15."""
    rows = [
        ("Total Sales (Incl GST 6%)", "RM 64 13"),
        ("Rounding Adjustment", "RM 0 02"),
        ("CASH", "RM 100.00"),
    ]
    assert _total(tmp_path, rows) == "64.15"


def test_total_with_a_garbled_label_is_the_sum_of_subtotal_and_tax(tmp_path: Path) -> None:
    rows = [
        ("Sub Total :", "RM 68.87"),
        ("Service Charge :", "RM 0.00"),
        ("GST/TAX 6%", "RM 4.13"),
        ("TOze", "RM 73.00"),
        ("Thank you", ""),
    ]
    assert _total(tmp_path, rows) == "73.00"


def test_nett_total_beats_the_total_amount_above_it(tmp_path: Path) -> None:
    rows = [("Total Amount:", "7.40"), ("GST @6%:", "0.40"), ("Nett Total:", "7.10")]
    assert _total(tmp_path, rows) == "7.10"


def test_total_of_gst_is_inclusive_even_with_the_rest_of_its_label_misread(tmp_path: Path) -> None:
    """'Total Sajes of GST' (OCR for 'Total Sales Inclusive of GST') is the total, not the tax."""
    rows = [
        ("Total Sales (Excluding GST)", "80.91"),
        ("Total GST", "0.00"),
        ("Total Sajes of GST) :", "80.90"),
        ("CASH", "100.00"),
        ("Change", "49.10"),
    ]
    assert _total(tmp_path, rows) == "80.90"


@pytest.mark.parametrize(("change_printed", "expected"), [(False, "170.00"), (True, None)])
def test_cash_alone_is_the_total_only_when_nothing_else_is_printed(
    tmp_path: Path, change_printed: bool, expected: str | None
) -> None:
    rows = [("DPT.08 =", "RM 149.00"), ("DPT.04 =", "RM 21.00"), ("CASH", ""), ("", "RM 170.00")]
    if change_printed:
        rows.append(("CHANGE", ""))
    assert _total(tmp_path, rows) == expected


def test_a_total_above_the_cash_tendered_was_misread_when_change_is_given(tmp_path: Path) -> None:
    """'TOTAL 48.00' with 'CASH 18.00' and 'CHANGE 0.00' cannot be: what was paid (18.00) is the total."""
    rows = [("TOTAL :", "48.00"), ("CASH", "18.00"), ("CHANGE", "0.00")]
    assert _total(tmp_path, rows) == "18.00"


def test_a_total_printed_twice_outvotes_a_misread_cash_line(tmp_path: Path) -> None:
    rows = [("Total Amount:", "8.60"), ("Nett Total:", "8.60"), ("CASH", "2.60"), ("Change", "0.00")]
    assert _total(tmp_path, rows) == "8.60"


def test_subtotal_plus_tax_that_the_payment_confirms_beats_a_total_read_once(tmp_path: Path) -> None:
    rows = [
        ("SUB-TOTAL (EX)", "16.98"),
        ("GST 6%", "1.02"),
        ("TOTAL :", "15.00"),
        ("CASH", "20.00"),
        ("CHANGE", "2.00"),
    ]
    assert _total(tmp_path, rows) == "18.00"


def test_gst_payable_is_the_tax_not_the_total(tmp_path: Path) -> None:
    rows = [
        ("Total (Excluding GST):", "179.25"),
        ("GST Payable:", "10.75"),
        ("Total (Inclusive of GST):", "190.00"),
    ]
    assert _total(tmp_path, rows) == "190.00"


def test_european_grand_total_beats_the_net_amount(tmp_path: Path) -> None:
    """'1.011,02 €' groups thousands with a dot before a decimal comma: it is the grand total, not a
    number the net amount above it beats by being the only one read."""
    rows = [("Net Amount:", "842,52"), ("VAT 20%:", "168,50"), ("Grand Total:", "1.011,02 €")]
    assert _total(tmp_path, rows) == "1011.02"
