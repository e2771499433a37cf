"""Extraction from born-digital PDFs made here: each label shape, types, evidence boxes, nulls."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from text_docs import INVOICE_SCHEMA

from docai.engines.text import TextEngine
from docai.options import Options
from docai.parsers import load_document
from docai.results import Extraction


def run(path: Path, schema: dict, semantic: bool = False) -> Extraction:
    engine = TextEngine(Options(semantic=semantic))
    with load_document(path) as doc:
        return engine.extract(doc, schema)


def text_in(path: Path, bbox: tuple[float, float, float, float]) -> str:
    with pymupdf.open(path) as doc:
        return doc[0].get_textbox(pymupdf.Rect(bbox[0] - 1, bbox[1] - 1, bbox[2] + 1, bbox[3] + 1))


def test_invoice_fields_types_and_evidence(invoice_pdf: Path) -> None:
    r = run(invoice_pdf, INVOICE_SCHEMA)
    d = r.data
    assert d["vendor"] == "ACME Supplies Ltd"
    assert d["vendor_address"] == "12 Harbour Road, Springfield"
    assert d["invoice_number"] == "INV-2024-001"
    assert d["issue_date"] == "2024-03-14"
    assert d["due_date"] == "2024-04-14"
    assert d["customer"] == "Globex Corporation"
    assert (d["subtotal"], d["tax"], d["total"]) == (37.5, 3.75, 41.25)
    assert d["currency"] == "USD"
    assert r.status == "ok"
    # every evidence box really covers the printed value
    for path, printed in [("total", "$41.25"), ("invoice_number", "INV-2024-001"), ("customer", "Globex")]:
        ev = r.evidence[path]
        assert ev.page_no == 1
        assert printed in text_in(invoice_pdf, ev.bbox)
        assert 0 < ev.confidence <= 1
    assert "Subtotal" not in text_in(invoice_pdf, r.evidence["subtotal"].bbox)


def test_absent_fields_are_null_and_status_partial(invoice_pdf: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "total": {"type": "number"},
            "po_number": {"type": "string"},
            "iban": {"type": "string"},
            "shipping_cost": {"type": "number"},
        },
    }
    r = run(invoice_pdf, schema)
    assert r.data["total"] == 41.25
    assert r.data["po_number"] is None and r.data["iban"] is None and r.data["shipping_cost"] is None
    assert r.status == "partial"
    assert "po_number" not in r.evidence


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([(50, 100, "Order number: A-7731")], "A-7731"),  # Label: value
        ([(50, 100, "Order Number"), (300, 100, "A-7731")], "A-7731"),  # aligned columns
        ([(50, 100, "ORDER NUMBER ........................ A-7731")], "A-7731"),  # dot leaders
        ([(50, 100, "Order Number"), (50, 114, "A-7731")], "A-7731"),  # label above value
        ([(50, 100, "Order No A-7731 shipped today")], "A-7731"),  # known label inline
        ([(50, 100, "Reference"), (300, 100, "A-7731")], None),  # another field's label
    ],
)
def test_label_shapes(draw, items, expected) -> None:
    path = draw("shape.pdf", [(50, 40, "Shop", 14), *items])
    r = run(path, {"type": "object", "properties": {"order_number": {"type": "string"}}})
    assert r.data["order_number"] == expected


def test_receipt_total_ignores_other_totals(draw) -> None:
    path = draw(
        "receipt.pdf",
        [
            (50, 40, "KEDAI MAJU SDN BHD", 13),
            (50, 100, "TOTAL QTY"),
            (250, 100, "3"),
            (50, 116, "SUB TOTAL"),
            (250, 116, "RM 8.47"),
            (50, 132, "ROUNDING ADJ"),
            (250, 132, "0.03"),
            (50, 148, "TOTAL"),
            (250, 148, "RM 8.50"),
            (50, 164, "CASH"),
            (250, 164, "RM 10.00"),
            (50, 180, "CHANGE"),
            (250, 180, "RM 1.50"),
        ],
    )
    schema = {
        "type": "object",
        "properties": {
            "company": {"type": "string"},
            "total": {"type": "string"},
            "currency": {"type": "string"},
        },
    }
    r = run(path, schema)
    assert r.data == {"company": "KEDAI MAJU SDN BHD", "total": "8.50", "currency": "MYR"}


@pytest.mark.parametrize(
    ("printed", "schema", "expected"),
    [
        ("Amount: (1.234,50)", {"type": "number"}, -1234.5),
        ("Amount: 12 items", {"type": "integer"}, 12),
        ("Amount: 2.5", {"type": "integer"}, None),
        ("Date of issue: 3 Mar 2024", {"type": "string", "format": "date"}, "2024-03-03"),
        ("Paid: yes", {"type": "boolean"}, True),
        ("Email: Billing@Example.com", {"type": "string", "format": "email"}, "Billing@Example.com"),
        ("Status: PAID in full", {"type": "string", "enum": ["paid", "open"]}, "paid"),
        ("Status: Opn", {"type": "string", "enum": ["paid", "open"]}, "open"),
        ("Status: unknown", {"type": "string", "enum": ["paid", "open"]}, None),
        ("Discount rate: 12.5 %", {"type": "number"}, 12.5),
        ("IBAN: DE89 3704 0044 0532 0130 00", {"type": "string"}, "DE89370400440532013000"),
    ],
)
def test_value_types(draw, printed, schema, expected) -> None:
    label = printed.split(":")[0].lower().replace(" ", "_")
    name = {"date_of_issue": "issue_date", "paid": "paid", "discount_rate": "discount_rate"}.get(label, label)
    path = draw("typed.pdf", [(50, 40, "Company", 14), (50, 100, printed)])
    r = run(path, {"type": "object", "properties": {name: schema}})
    assert r.data[name] == expected


def test_chinese_labels(draw) -> None:
    path = draw(
        "cn.pdf",
        [
            (50, 60, "发票号码: 04412345"),
            (50, 90, "开票日期: 2024年3月5日"),
            (50, 120, "价税合计: ¥1,130.00"),
        ],
    )
    schema = {
        "type": "object",
        "properties": {
            "invoice_number": {"type": "string"},
            "date": {"type": "string"},
            "total": {"type": "number"},
        },
    }
    r = run(path, schema)
    assert r.data == {"invoice_number": "04412345", "date": "2024-03-05", "total": 1130.0}


def test_nested_object_paths(invoice_pdf: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "vendor": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "address": {"type": "string"}},
            },
            "total": {"type": "number"},
        },
    }
    r = run(invoice_pdf, schema)
    assert r.data["vendor"] == {"name": "ACME Supplies Ltd", "address": "12 Harbour Road, Springfield"}
    assert "vendor.name" in r.evidence and "Harbour" in text_in(
        invoice_pdf, r.evidence["vendor.address"].bbox
    )


def test_schema_without_properties_is_a_schema_error(invoice_pdf: Path) -> None:
    from docai.errors import SchemaError

    with pytest.raises(SchemaError):
        run(invoice_pdf, {"type": "string"})
