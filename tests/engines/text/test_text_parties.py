"""Vendor and customer on two-column invoice headers; the currency of a Chinese page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docai.engines.text import TextEngine
from docai.options import Options
from docai.parsers import load_document

SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string", "title": "Invoice number"},
        "vendor": {
            "type": "string",
            "title": "Vendor",
            "description": "Company that issued the invoice (seller, supplier, from)",
        },
        "customer": {"type": "string", "title": "Customer", "description": "Bill to, sold to, client"},
        "currency": {"type": "string", "title": "Currency"},
        "total": {"type": "number", "title": "Total"},
    },
}


def extract(path: Path, semantic: bool = True) -> dict:
    engine = TextEngine(Options(semantic=semantic))
    with load_document(path) as doc:
        return engine.extract(doc, SCHEMA).data


def test_bill_to_beside_another_label_takes_the_name_below(draw: Callable[..., Path]) -> None:
    pdf = draw(
        "two_col.pdf",
        [
            (50, 60, "Oakridge Foods Co.", 16),
            (420, 60, "INVOICE", 16),
            (50, 80, "139 Rue de Lyon, 69003 Lyon"),
            (50, 120, "Bill To:"),
            (330, 120, "Invoice No.: BILL/2025/8640"),
            (50, 136, "Meridian Labs S.A."),
            (330, 136, "Invoice Date: March 22, 2025"),
            (50, 152, "84 Hauptstrasse, 81100 Johor Bahru"),
            (330, 300, "Total Due:"),
            (480, 300, "$5,542.99"),
        ],
    )
    for semantic in (True, False):
        d = extract(pdf, semantic)
        assert d["customer"] == "Meridian Labs S.A."
        assert d["vendor"] == "Oakridge Foods Co."  # the name ending in 'Co.' is the issuer, not the buyer
        assert d["invoice_number"] == "BILL/2025/8640"
        assert d["total"] == 5542.99


def test_customer_label_is_never_the_vendor_and_labels_are_not_values(draw: Callable[..., Path]) -> None:
    pdf = draw(
        "label_above.pdf",
        [
            (50, 60, "Summit Software GmbH", 16),
            (50, 80, "127 Harbour Way, 69003 Lyon"),
            (50, 120, "Invoice To:"),
            (330, 120, "INVOICE NO."),
            (50, 136, "Cedar Electric LLC"),
            (330, 136, "IN20216683"),
            (50, 180, "Customer:"),
            (50, 196, "Cedar Electric LLC"),
        ],
    )
    d = extract(pdf)
    assert d["customer"] == "Cedar Electric LLC"
    assert d["vendor"] == "Summit Software GmbH"
    assert d["invoice_number"] == "IN20216683"


def test_yen_sign_on_a_chinese_page_is_yuan(draw: Callable[..., Path]) -> None:
    pdf = draw(
        "zh.pdf",
        [
            (50, 60, "北京华信科技有限公司", 16),
            (50, 100, "购买方："),
            (330, 100, "发票号码: INV20187544"),
            (50, 116, "杭州云图软件有限公司"),
            (330, 200, "合计"),
            (450, 200, "¥1,386.16"),
        ],
    )
    d = extract(pdf)
    assert d["currency"] == "CNY"
    assert d["customer"] == "杭州云图软件有限公司"
    assert d["vendor"] == "北京华信科技有限公司"


def test_bank_statement_account_number_whole_and_bank_name(draw: Callable[..., Path]) -> None:
    pdf = draw(
        "statement.pdf",
        [
            (50, 60, "Harbor Savings Bank", 16),
            (400, 60, "Account Statement", 14),
            (50, 90, "Account holder: Sara Rossi"),
            (50, 106, "IBAN: DE89 3704 0044 0532 0130 00"),
            (50, 122, "Account number: 6515 7054 9619"),
            (50, 138, "Reference number: DE89 3704 0044 0532 0130 00"),
        ],
    )
    schema = {
        "type": "object",
        "properties": {
            "bank_name": {"type": "string", "title": "Bank"},
            "account_number": {"type": "string", "title": "Account number"},
            "iban": {"type": "string", "title": "IBAN"},
            "reference": {"type": "string", "title": "Reference number"},
        },
    }
    with load_document(pdf) as doc:
        d = TextEngine(Options()).extract(doc, schema).data
    assert d["account_number"] == "6515 7054 9619"
    assert d["iban"] == "DE89370400440532013000"  # the IBAN rule checks and compacts it
    assert d["reference"] == "DE89 3704 0044 0532 0130 00"  # an identifier keeps its printed groups
    assert d["bank_name"] == "Harbor Savings Bank"


def test_period_end_is_the_second_date_of_a_range(draw: Callable[..., Path]) -> None:
    items = [(50, 60, "Granite Bank", 16), (50, 90, "Statement period: 1 Jul 2022 to 30 Jul 2022")]
    pdf = draw("period.pdf", items)
    schema = {
        "type": "object",
        "properties": {
            "period_start": {"type": "string", "format": "date", "title": "Statement period start"},
            "period_end": {"type": "string", "format": "date", "title": "Statement period end"},
        },
    }
    with load_document(pdf) as doc:
        d = TextEngine(Options()).extract(doc, schema).data
    assert (d["period_start"], d["period_end"]) == ("2022-07-01", "2022-07-30")


SHOP = {
    "type": "object",
    "properties": {
        "company": {"type": "string", "description": "Name of the shop or company that issued the receipt"}
    },
}


def shop_name(draw: Callable[..., Path], name: str, lines: list[str]) -> str | None:
    items = [(180, 60 + 18 * i, text, 13) for i, text in enumerate(lines)]
    pdf = draw(f"{name}.pdf", items, size=(500, 700))
    with load_document(pdf) as doc:
        return TextEngine(Options()).extract(doc, SHOP).data["company"]


def test_receipt_shop_name_over_lines_without_its_registration(draw: Callable[..., Path]) -> None:
    tail = ["(GST Reg No. 001492992000)", "No 8, Jalan 7/118B, Desa Tun Razak", "TOTAL 12.00"]
    assert shop_name(draw, "a", ["POPULAR BOOK", "CO. (M) SDN BHD", "(Co. No. 113825-W)", *tail]) == (
        "POPULAR BOOK CO. (M) SDN BHD"
    )
    assert shop_name(draw, "b", ["LIAN CHI PU TIAN VEGETARIAN", "RESTAURANT SDN BHD", *tail]) == (
        "LIAN CHI PU TIAN VEGETARIAN RESTAURANT SDN BHD"
    )
    assert shop_name(draw, "c", ["99 SPEED MART S/B (519537-X)", *tail]) == "99 SPEED MART S/B"
    # 'Company Reg No.' names the registration, not the shop
    lines = ["HOME MASTER HARDWARE &", "ELECTRICAL", "Company Reg No. SA03711951-F", *tail]
    assert shop_name(draw, "d", lines) == "HOME MASTER HARDWARE & ELECTRICAL"
