"""`date_order_check`: an ambiguous numeric date ('03/04/2024') is a guess unless the page says how its dates
read: another date that can only read one way, or prices in a currency whose country writes the day first."""

from __future__ import annotations

from pathlib import Path

from docai.verify.fields import Leaf
from docai.verify.grounding import ground
from docai.verify.pageindex import PageIndex, index_page
from docai.verify.sanity import date_order_check


def _page(tmp_path: Path, lines: list[str]) -> PageIndex:
    import pymupdf

    from docai.parsers.loader import load_document

    path = tmp_path / "doc.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i, text in enumerate(lines):
        page.insert_text((60, 80 + 20 * i), text, fontsize=10, fontname="helv")
    doc.save(path)
    doc.close()
    return index_page(load_document(path).load_page(1))


def _check(index: PageIndex, value: str) -> tuple[bool, str]:
    leaf = Leaf("date", "date", "date", value, {"type": "string", "format": "date"}, "date")
    matches = ground(leaf, index)
    assert matches, "the date must be found on the page"
    check = date_order_check(leaf, matches[0], index)
    assert check is not None
    return check.passed, check.reason


def test_an_ambiguous_date_with_nothing_to_settle_it_fails(tmp_path: Path) -> None:
    index = _page(tmp_path, ["INVOICE", "Date: 03/04/2024", "Total $ 120.00"])
    passed, why = _check(index, "2024-04-03")
    assert not passed and "day or the month" in why


def test_a_day_first_currency_settles_a_day_first_reading(tmp_path: Path) -> None:
    index = _page(tmp_path, ["RECEIPT", "Date: 03/04/2024", "TOTAL RM 12.50"])
    assert _check(index, "2024-04-03")[0]  # 3 April, as Malaysia writes it


def test_a_month_first_reading_on_a_day_first_page_fails(tmp_path: Path) -> None:
    index = _page(tmp_path, ["INVOICE", "Date: 03/04/2024", "Total GBP 120.00"])
    passed, why = _check(index, "2024-03-04")
    assert not passed and "GBP" in why


def test_another_date_that_reads_one_way_settles_it(tmp_path: Path) -> None:
    index = _page(tmp_path, ["INVOICE", "Date: 03/04/2024", "Due: 25/04/2024", "Total $ 120.00"])
    assert _check(index, "2024-04-03")[0]
