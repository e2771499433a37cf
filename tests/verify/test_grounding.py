"""Grounding: values looked up in a page's words by value (numbers), by date, and by fuzzy text."""

from __future__ import annotations

from docai.document import Page, Word
from docai.verify.fields import Leaf
from docai.verify.grounding import ground
from docai.verify.pageindex import index_page
from docai.verify.sanity import in_identifier


def _page(lines: list[str], conf: float | None = None) -> Page:
    """Words laid out left to right, one text line per (block 0, line i); 6 pt per character."""
    words = []
    for li, text in enumerate(lines):
        x = 50.0
        for t in text.split():
            words.append(Word(t, (x, 100.0 + 20 * li, x + 6 * len(t), 110.0 + 20 * li), conf, 0, li))
            x += 6 * len(t) + 6
    return Page(1, 595, 842, 0, words, "ocr" if conf is not None else "layer", lambda dpi: None)


def _leaf(name: str, value: object, kind: str) -> Leaf:
    return Leaf(name, name, name, value, {}, kind)


def test_numbers_match_by_value_in_any_printed_format() -> None:
    idx = index_page(_page(["Subtotal EUR 1.234,56", "Tax $ 1 200.00", "Total: 2,434.56*", "Qty 3"]))
    assert ground(_leaf("subtotal", 1234.56, "number"), idx)[0].text == "1.234,56"
    assert ground(_leaf("tax", 1200.0, "number"), idx)[0].text == "1 200.00"
    total = ground(_leaf("total", 2434.56, "number"), idx)[0]
    assert total.text == "2,434.56*" and total.bbox[1] == 140.0
    assert ground(_leaf("total", 2434.65, "number"), idx) == []


def test_dates_match_by_date_whatever_the_spelling() -> None:
    idx = index_page(_page(["Invoice date: 3 April 2024", "Due 2024-05-03", "Paid 04/05/2024"]))
    issue = ground(_leaf("issue_date", "2024-04-03", "date"), idx)
    assert issue and issue[0].text == "3 April 2024"
    assert ground(_leaf("due_date", "2024-05-03", "date"), idx)[0].text == "2024-05-03"
    assert ground(_leaf("paid", "2024-04-05", "date"), idx)  # 04/05 read month-first
    assert ground(_leaf("other", "2023-04-03", "date"), idx) == []


def test_strings_match_normalized_and_with_ocr_slips() -> None:
    idx = index_page(_page(["ACME Tradinq Sdn. Bhd.", "12 Jalan Besar,", "45600 Batang Berjuntai"], 0.8))
    exact = ground(_leaf("vendor", "acme tradinq sdn bhd", "string"), idx)
    assert exact and exact[0].quality == 1.0
    slipped = ground(_leaf("vendor", "ACME Trading Sdn Bhd", "string"), idx)
    assert slipped and 0.9 <= slipped[0].quality < 1.0 and slipped[0].source == "ocr"
    across = ground(_leaf("address", "12 Jalan Besar, 45600 Batang Berjuntai", "string"), idx)
    assert across and len(across[0].spans) == 2  # the address spans two lines; the box covers both
    assert ground(_leaf("vendor", "Globex Corporation", "string"), idx) == []


def test_a_currency_code_is_grounded_by_its_symbol() -> None:
    idx = index_page(_page(["Total RM 15.98"]))
    assert ground(_leaf("currency", "MYR", "string"), idx)


def test_an_amount_inside_an_identifier_is_recognized() -> None:
    idx = index_page(_page(["VAT No. GB 123 4567 89", "VAT 20% 731.10", "Tel: 03 1234 5678"]))
    in_vat_number = ground(_leaf("tax", 89.0, "number"), idx)[0]
    assert "VAT No" in (in_identifier(in_vat_number, idx) or "")
    real_vat = ground(_leaf("tax", 731.10, "number"), idx)[0]
    assert in_identifier(real_vat, idx) is None
    phone = ground(_leaf("total", 5678.0, "number"), idx)[0]
    assert in_identifier(phone, idx) is not None
