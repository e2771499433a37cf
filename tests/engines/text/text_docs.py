"""Documents for the text engine tests: invoices and receipts drawn with PyMuPDF, scans of them, and fixtures.

A module with its own name (not conftest) so that test files import it unambiguously.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Item = tuple[float, float, str] | tuple[float, float, str, float]


def draw_pdf(
    path: Path, items: list[Item], size: tuple[float, float] = (595, 842), font: str = "helv"
) -> Path:
    """One page; each item is (x, baseline y, text[, fontsize]). CJK text uses PyMuPDF's built-in font."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=size[0], height=size[1])
    for item in items:
        x, y, text = item[0], item[1], item[2]
        fs = item[3] if len(item) > 3 else 11  # type: ignore[misc]
        fn = "china-s" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else font
        page.insert_text((x, y), text, fontsize=fs, fontname=fn)
    doc.save(path)
    doc.close()
    return path


def scan_of(pdf: Path, out: Path, dpi: int = 150, angle: float = 0.0) -> Path:
    """A PNG 'scan' of page 1 (no text layer), optionally rotated a little like a hand-fed page."""
    import pymupdf
    from PIL import Image

    with pymupdf.open(pdf) as doc:
        pix = doc[0].get_pixmap(dpi=dpi)
        img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    if angle:
        img = img.rotate(angle, expand=False, fillcolor="white")
    img.save(out)
    return out


@pytest.fixture
def draw(tmp_path: Path) -> Callable[..., Path]:
    def _draw(name: str, items: list[Item], **kw: object) -> Path:
        return draw_pdf(tmp_path / name, items, **kw)  # type: ignore[arg-type]

    return _draw


INVOICE_ITEMS: list[Item] = [
    (50, 60, "ACME Supplies Ltd", 16),
    (50, 80, "12 Harbour Road, Springfield"),
    (380, 60, "INVOICE", 16),
    (380, 90, "Invoice No: INV-2024-001"),
    (380, 106, "Date: 14/03/2024"),
    (50, 140, "Bill To"),
    (50, 156, "Globex Corporation"),
    (50, 210, "Description"), (300, 210, "Qty"), (380, 210, "Unit Price"), (480, 210, "Amount"),
    (50, 230, "Widget A"), (300, 230, "2"), (380, 230, "10.00"), (480, 230, "20.00"),
    (50, 250, "Gadget B"), (300, 250, "1"), (380, 250, "5.50"), (480, 250, "5.50"),
    (50, 270, "Cable set"), (300, 270, "3"), (380, 270, "4.00"), (480, 270, "12.00"),
    (350, 320, "Subtotal"), (480, 320, "$37.50"),
    (350, 336, "Tax"), (480, 336, "$3.75"),
    (350, 352, "Total Due"), (480, 352, "$41.25"),
    (50, 420, "Payment due date: 2024-04-14"),
]  # fmt: skip

INVOICE_SCHEMA = {
    "type": "object",
    "properties": {
        "vendor": {"type": "string"},
        "vendor_address": {"type": "string"},
        "invoice_number": {"type": "string"},
        "issue_date": {"type": "string", "format": "date"},
        "due_date": {"type": "string", "format": "date"},
        "customer": {"type": "string"},
        "subtotal": {"type": "number"},
        "tax": {"type": "number"},
        "total": {"type": "number"},
        "currency": {"type": "string", "description": "ISO currency code"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "quantity": {"type": "number"},
                    "unit_price": {"type": "number"},
                    "amount": {"type": "number"},
                },
            },
        },
    },
    "required": ["vendor", "invoice_number", "issue_date", "total"],
}


@pytest.fixture
def invoice_pdf(draw: Callable[..., Path]) -> Path:
    return draw("invoice.pdf", INVOICE_ITEMS)
