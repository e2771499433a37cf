"""The app served once per test session on 127.0.0.1 (a free port), plus document factories."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHECKED_ENGINE = "checked-fixture"

INVOICE_LINES = [
    (72, 72, "ACME Corporation"),
    (72, 110, "Invoice No: INV-1001"),
    (72, 130, "Date: 2024-03-05"),
    (72, 170, "Bill to: Example Buyer Ltd"),
    (72, 300, "Total: $1,234.50"),
]
INJECTION_LINES = [
    (72, 72, "Invoice No: <script>window.__pwned=1</script>"),
    (72, 110, 'Note: <img src=x onerror="window.__pwned=2">'),
    (72, 150, "Total: $99.00"),
]


@dataclass
class Served:
    url: str
    service: Any
    app: Any
    home: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_pdf(path: Path, lines: list[tuple[float, float, str]]) -> Path:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for x, y, text in lines:
        page.insert_text((x, y), text, fontsize=11, fontname="helv")
    doc.save(path)
    doc.close()
    return path


def _checked_engine(options: Any) -> Any:
    """The real text engine with one value swapped for a date that is not printed on the page, as a
    misreading model would give; the service's real verification stage then judges the result."""
    from docai.engines.text import TextEngine

    class MisreadingTextEngine(TextEngine):
        def extract(self, document: Any, schema: dict[str, Any], **kw: Any) -> Any:
            ex = super().extract(document, schema, **kw)
            if "issue_date" in ex.data:
                ex.data["issue_date"] = "2024-06-30"
            return ex

    return MisreadingTextEngine(options)


# Line items and subtotal + tax do not add up to the total: the verification stage must say so.
UNBALANCED_LINES = [
    (72, 72, "ACME Corporation"), (72, 110, "Invoice No: R-77"), (72, 130, "Date: 2024-05-01"),
    (72, 200, "Description"), (300, 200, "Amount"), (72, 220, "Widget"), (300, 220, "100.00"),
    (72, 240, "Gadget"), (300, 240, "200.00"), (72, 280, "Subtotal: 300.00"), (72, 300, "Tax: 30.00"),
    (72, 320, "Total: $1,234.50"),
]  # fmt: skip


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The real app over a real Service (text engine, SQLite in a temp dir), served in-process."""
    home = tmp_path_factory.mktemp("ui-home")
    saved = {k: os.environ.get(k) for k in ("GRADIO_ANALYTICS_ENABLED", "GRADIO_TEMP_DIR")}
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["GRADIO_TEMP_DIR"] = str(home / "gradio")
    from docai.engines import register_engine
    from docai.options import Options
    from docai.service import Service
    from docai.webui.app import launch_app

    register_engine(CHECKED_ENGINE, _checked_engine)

    service = Service(Options(engine="text", think=False), db=str(home / "ui.db"))
    app = launch_app(service, host="127.0.0.1", port=_free_port(), block=False)
    try:
        yield Served(app.local_url, service, app, home)
    finally:
        app.close()
        service.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def invoice_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pdf(tmp_path_factory.mktemp("docs") / "invoice.pdf", INVOICE_LINES)


@pytest.fixture(scope="session")
def injection_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pdf(tmp_path_factory.mktemp("docs") / "injection.pdf", INJECTION_LINES)


@pytest.fixture(scope="session")
def browser_invoice_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The invoice with one more line, so its hash differs and the browser run is not a cache hit."""
    lines = [*INVOICE_LINES, (72, 700, "Thank you for your business.")]
    return make_pdf(tmp_path_factory.mktemp("browser-docs") / "invoice.pdf", lines)
