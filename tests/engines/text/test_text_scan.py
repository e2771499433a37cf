"""Scans: the same layout rules on Tesseract words from a rendered, slightly rotated page."""

from __future__ import annotations

from pathlib import Path

import pytest
from text_docs import draw_pdf, scan_of

from docai.engines.text import TextEngine
from docai.options import Options
from docai.parsers import load_document

RECEIPT = [
    (150, 60, "KEDAI RUNCIT MAJU SDN BHD", 14),
    (170, 80, "NO 12, JALAN MERANTI 3"),
    (170, 96, "81100 JOHOR BAHRU"),
    (170, 112, "TEL: 07-3345678"),
    (60, 150, "Date: 25/12/2018"), (300, 150, "Receipt No: R-00981"),
    (60, 190, "SUBTOTAL"), (400, 190, "8.47"),
    (60, 210, "TOTAL"), (400, 210, "RM 8.50"),
    (60, 230, "CASH"), (400, 230, "10.00"),
]  # fmt: skip


@pytest.fixture(scope="module")
def receipt_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("scan")
    pdf = draw_pdf(d / "receipt.pdf", RECEIPT, font="cour")
    return scan_of(pdf, d / "receipt.png", dpi=150, angle=0.4)


def test_receipt_scan_fields(receipt_scan: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "company": {"type": "string"},
            "address": {"type": "string"},
            "date": {"type": "string", "format": "date"},
            "receipt_number": {"type": "string"},
            "total": {"type": "number"},
            "currency": {"type": "string"},
        },
    }
    engine = TextEngine(Options(semantic=False))
    with load_document(receipt_scan) as doc:
        page = doc.page(1)
        assert page.text_source == "ocr"
        r = engine.extract(doc, schema)
    d = r.data
    assert d["company"] == "KEDAI RUNCIT MAJU SDN BHD"
    assert d["address"] == "NO 12, JALAN MERANTI 3 81100 JOHOR BAHRU"
    assert d["date"] == "2018-12-25"
    assert d["receipt_number"] == "R-00981"
    assert d["total"] == 8.5
    assert d["currency"] == "MYR"
    assert r.status == "ok"
    # image pages are in pixels at 72 dpi: the 150-dpi scan's total sits at about 400*150/72 pt
    ev = r.evidence["total"]
    assert ev.bbox is not None and abs(ev.bbox[0] - 400 * 150 / 72) < 60
    assert ev.confidence is not None and 0.3 < ev.confidence < 1
