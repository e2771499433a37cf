"""Review fixtures: an invoice the text engine leaves `partial` (its reference has no label it knows),
its schema, and a stored run of it over a real SQLite database (or PostgreSQL when
DOCAI_TEST_DATABASE_URL is set, for the tests that take `review_db_url`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg_schema import pg_schema_url

INVOICE_LINES = [
    (72, 72, "ACME Corporation"),
    (72, 110, "Invoice No: INV-1001"),
    (72, 130, "Date: 2024-03-05"),
    (72, 150, "Our ref ABC-77"),
    (72, 170, "Bill to: Example Buyer Ltd"),
    (72, 300, "Total: $1,234.50"),
]
SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string"},
        "issue_date": {"type": "string", "format": "date"},
        "total": {"type": "number"},
        "po_number": {"type": "string"},
    },
    "required": ["invoice_number", "total", "po_number"],
}
ARTIFACTS = Path(os.environ.get("DOCAI_TEST_ARTIFACTS") or Path(__file__).parent / "artifacts")
PG_URL = os.environ.get("DOCAI_TEST_DATABASE_URL")


def make_invoice(path: Path, lines: list[tuple[float, float, str]] = INVOICE_LINES) -> Path:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for x, y, text in lines:
        page.insert_text((x, y), text, fontsize=11, fontname="helv")
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def invoice(tmp_path: Path) -> Path:
    return make_invoice(tmp_path / "invoice.pdf")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.requires_postgres)])
def review_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL schema when DOCAI_TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'review.db'}"
        return
    if not PG_URL:
        pytest.skip("DOCAI_TEST_DATABASE_URL is not set")
    yield from pg_schema_url("docai_rv_")


def extract_invoice(service: Any, pdf: Path, schema_name: str = "review_inv") -> Any:
    """Save the schema and run the text engine on `pdf`; returns the FileResult."""
    service.save_schema(schema_name, SCHEMA)
    return service.extract(pdf, schema_name)[0]
