"""Receipt rules: the total among several totals, confirmed by cash minus change; the centred address."""

from __future__ import annotations

from pathlib import Path

import pytest
from text_docs import draw_pdf, scan_of

from docai.engines.text import TextEngine
from docai.engines.text.layout import group_lines
from docai.engines.text.receipts import find_total
from docai.options import Options
from docai.parsers import load_document

SCHEMA = {
    "type": "object",
    "properties": {
        "company": {"type": "string"},
        "address": {"type": "string"},
        "total": {"type": "number"},
    },
}

# a receipt with the usual distractors: quantity total, pre-tax total, tax total, rounding, a tax summary
RECEIPT = [
    (140, 50, "SINAR JAYA HARDWARE SDN BHD", 13),
    (200, 68, "(123456-X)"),
    (150, 86, "12 Mar 2018 18:19"),
    (150, 104, "NO 7, JALAN PERMAS 9/5,"),
    (150, 120, "BANDAR BARU PERMAS JAYA,"),
    (150, 136, "81750 MASAI, JOHOR."),
    (150, 152, "TEL: 07-386 7524"),
    (60, 190, "WOOD SCREW 2IN"), (300, 190, "2"), (400, 190, "24.00"),
    (60, 206, "PVC PIPE"), (300, 206, "1"), (400, 206, "28.00"),
    (60, 240, "Total Qty:"), (400, 240, "3.00"),
    (60, 256, "Total Sales (Excluding GST)"), (400, 256, "52.00"),
    (60, 272, "Total GST"), (400, 272, "3.12"),
    (60, 288, "Rounding"), (400, 288, "-0.02"),
    (60, 304, "Total Sales (Inclusive of GST)"), (400, 304, "55.10"),
    (60, 320, "CASH"), (400, 320, "60.00"),
    (60, 336, "CHANGE"), (400, 336, "4.90"),
    (60, 370, "GST Summary"), (250, 370, "Amount"), (400, 370, "Tax"),
    (60, 386, "TOTAL"), (250, 386, "52.00"), (400, 386, "3.12"),
]  # fmt: skip


@pytest.fixture(scope="module")
def receipt_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return draw_pdf(tmp_path_factory.mktemp("receipt") / "receipt.pdf", RECEIPT, font="cour")


def test_total_is_the_labelled_total_that_cash_minus_change_confirms(receipt_pdf: Path) -> None:
    with load_document(receipt_pdf) as doc:
        lines = group_lines(doc.page(1).words)
    found = find_total(lines)
    assert found is not None
    assert found.value == "55.10"
    assert found.quality > 0.8  # 60.00 - 4.90 = 55.10 confirms it


def test_receipt_fields_from_text_layer(receipt_pdf: Path) -> None:
    with load_document(receipt_pdf) as doc:
        r = TextEngine(Options(semantic=False)).extract(doc, SCHEMA)
    assert r.data["total"] == 55.1
    assert r.data["company"] == "SINAR JAYA HARDWARE SDN BHD"
    # registration number and the printed date/time above the address are skipped, the phone ends it
    assert r.data["address"] == "NO 7, JALAN PERMAS 9/5, BANDAR BARU PERMAS JAYA, 81750 MASAI, JOHOR."


def test_receipt_total_from_a_scan(receipt_pdf: Path, tmp_path: Path) -> None:
    png = scan_of(receipt_pdf, tmp_path / "receipt.png", dpi=150)
    with load_document(png) as doc:
        r = TextEngine(Options(semantic=False)).extract(doc, SCHEMA)
    assert r.data["total"] == 55.1


def test_ocr_spacing_in_amounts_and_label_above(tmp_path: Path) -> None:
    """'39. 80' is one amount; an amount alone on its line takes the label above it."""
    pdf = draw_pdf(
        tmp_path / "r.pdf",
        [(60, 100, "SUB TOTAL"), (300, 100, "39. 80"), (60, 120, "TOTAL :"), (300, 140, "RM 39. 80")],
    )
    with load_document(pdf) as doc:
        found = find_total(group_lines(doc.page(1).words))
    assert found is not None and found.value == "39.80"


def test_no_total_label_and_no_payment_gives_nothing(tmp_path: Path) -> None:
    pdf = draw_pdf(tmp_path / "r.pdf", [(60, 100, "WIDGET"), (300, 100, "12.00"), (60, 120, "Thank you")])
    with load_document(pdf) as doc:
        assert find_total(group_lines(doc.page(1).words)) is None


def test_company_skips_lowercase_scribble_and_joins_a_suffix_line(tmp_path: Path) -> None:
    """A handwritten note read by OCR above the header is not the shop; 'SON BHD' on its own line is the
    end of the name above it (and OCR's O for D inside 'SDN BHD' is corrected)."""
    items = [
        (150, 40, "tan woon yann", 14),
        (150, 70, "LIGHTROOM GALLERY"),
        (150, 100, "SON BHD"),
        (150, 130, "NO 28, JALAN ASTANA 1C,"),
        (150, 146, "41050 KLANG SELANGOR"),
    ]
    pdf = draw_pdf(tmp_path / "r.pdf", items, font="cour")
    with load_document(pdf) as doc:
        r = TextEngine(Options(semantic=False)).extract(doc, SCHEMA)
    assert r.data["company"] == "LIGHTROOM GALLERY SDN BHD"
    assert r.data["address"] == "NO 28, JALAN ASTANA 1C, 41050 KLANG SELANGOR"


def test_address_keeps_a_lone_postcode_line_and_stops_at_the_roc_number(tmp_path: Path) -> None:
    lines = [
        "LIGHTROOM GALLERY SDN BHD",
        "No: 28, JALAN ASTANA",
        "1C,",
        "BANDAR BUKIT RAJA,",
        "41050",
        "KLANG SELANGOR D.E,",
        "MALAYSIA",
        "ROC No.",
        ": (1072825-A)",
    ]
    pdf = draw_pdf(tmp_path / "r.pdf", [(150, 40 + 16 * i, t) for i, t in enumerate(lines)], font="cour")
    with load_document(pdf) as doc:
        r = TextEngine(Options(semantic=False)).extract(doc, SCHEMA)
    assert r.data["address"] == (
        "No: 28, JALAN ASTANA 1C, BANDAR BUKIT RAJA, 41050 KLANG SELANGOR D.E, MALAYSIA"
    )


@pytest.mark.parametrize(
    ("printed", "expected"), [("15.u0", 15.0), ("64. so", 64.5), ("174.9", 174.9), ("12.00", 12.0)]
)
def test_total_read_through_ocr_letters_in_its_cents(tmp_path: Path, printed: str, expected: float) -> None:
    items = [
        (150, 40, "KEDAI RUNCIT MAJU"),
        (60, 100, "ROTI"), (300, 100, "3.00"),
        (60, 130, "NET TOTAL"), (300, 130, printed),
        (60, 146, "CASH"), (300, 146, "100.00"),
    ]  # fmt: skip
    pdf = draw_pdf(tmp_path / "r.pdf", items, font="cour")
    with load_document(pdf) as doc:
        r = TextEngine(Options(semantic=False)).extract(doc, SCHEMA)
    assert r.data["total"] == expected
