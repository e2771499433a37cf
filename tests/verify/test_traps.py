"""Documents with traps, read by the real text engine through the service: each ends `review` (or right),
never wrong and `ok`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from docai.service import Service

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "vendor": {"type": "string"},
        "customer": {"type": "string"},
        "invoice_number": {"type": "string"},
        "subtotal": {"type": "number"},
        "tax": {"type": "number"},
        "total": {"type": "number"},
    },
    "required": ["total"],
}


def _pdf(path: Path, lines: list[tuple[float, float, str, float]], image: str | None = None) -> Path:
    """A PDF with text lines (x, y, text, font size) and, optionally, `image` drawn as a picture only."""
    import pymupdf
    from PIL import Image, ImageDraw, ImageFont

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for x, y, text, size in lines:
        page.insert_text((x, y), text, fontsize=size, fontname="helv")
    if image:
        img = Image.new("RGB", (900, 120), "white")
        font = ImageFont.load_default(size=48)
        ImageDraw.Draw(img).text((20, 30), image, fill="black", font=font)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        page.insert_image(pymupdf.Rect(300, 600, 525, 630), stream=buf.getvalue())
    doc.save(path)
    doc.close()
    return path


def _header(vendor_size: float = 14, customer_size: float = 10) -> list[tuple[float, float, str, float]]:
    return [
        (60, 60, "Northwind Traders Ltd", vendor_size),
        (60, 80, "1 Harbour Road, Leeds LS1 4AB", 10),
        (60, 120, "INVOICE", 16),
        (60, 145, "Invoice No: INV-2024-0117", 10),
        (60, 180, "Bill to:", 10),
        (60, 200, "Contoso Pharmacy Limited", customer_size),
        (60, 215, "9 Market Street, York YO1 7HP", 10),
    ]


TRUTH = {
    "vendor": "Northwind Traders Ltd",
    "customer": "Contoso Pharmacy Limited",
    "invoice_number": "INV-2024-0117",
    "subtotal": 3655.5,
    "tax": 731.1,
    "total": 4386.6,
}


def _body(total: str = "4,386.60") -> list[tuple[float, float, str, float]]:
    return [
        (60, 260, "Description            Qty     Unit price      Amount", 10),
        (60, 280, "Consulting days          5        600.00       3,000.00", 10),
        (60, 298, "Travel                   1        655.50         655.50", 10),
        (330, 340, "Subtotal      3,655.50", 10),
        (330, 358, "VAT 20%         731.10", 10),
        (330, 376, f"Total         {total}", 10),
    ]


def _footer() -> list[tuple[float, float, str, float]]:
    return [(60, 780, "Registered in England No. 04512345   VAT No. GB 123 4567 89", 8)]


def _wrong_fields(data: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    def same(a: Any, b: Any) -> bool:
        if isinstance(b, float):
            return isinstance(a, int | float) and abs(a - b) < 0.005
        return isinstance(a, str) and " ".join(a.split()).casefold() == b.casefold()

    return [k for k, v in truth.items() if not same(data.get(k), v)]


def _extract(path: Path) -> Any:
    with Service() as svc:
        return svc.extract([path], SCHEMA, engine="text")[0]


def _never_wrong_and_ok(result: Any, truth: dict[str, Any]) -> None:
    wrong = _wrong_fields(result.data or {}, truth)
    assert not (result.status == "ok" and wrong), (wrong, result.data)
    if wrong:
        assert result.status in ("review", "partial") and result.extraction.review


@pytest.mark.parametrize(
    "name, lines, truth",
    [
        ("vat_number.pdf", _header() + _body() + _footer(), TRUTH),
        ("big_customer.pdf", _header(vendor_size=9, customer_size=22) + _body() + _footer(), TRUTH),
        ("bad_total.pdf", _header() + _body(total="4,586.60") + _footer(), TRUTH | {"total": 4586.6}),
    ],
)
def test_trap_documents_end_review_or_right(tmp_path: Path, name: str, lines: list, truth: dict) -> None:
    result = _extract(_pdf(tmp_path / name, lines))
    _never_wrong_and_ok(result, truth)
    if name == "bad_total.pdf":  # the printed total is wrong on the page itself: a person must look
        assert result.status == "review"
        assert any("sum_of_parts" in r for r in result.extraction.review), result.extraction.review


def test_a_total_only_in_an_image_region_is_not_ok(tmp_path: Path) -> None:
    lines = [x for x in _header() + _body() if not x[2].startswith("Total")] + _footer()
    pdf = _pdf(tmp_path / "image_total.pdf", [*lines, (330, 376, "Total", 10)], image="4,386.60")
    result = _extract(pdf)
    _never_wrong_and_ok(result, TRUTH)
    assert result.status != "ok"
