"""The bundled examples are in sync with their generator, and their questions have one clear page."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pymupdf

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _make_module():
    spec = importlib.util.spec_from_file_location("docai_make_examples", EXAMPLES / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _texts(path: Path) -> list[str]:
    with pymupdf.open(path) as doc:
        return [page.get_text() for page in doc]


def test_examples_regenerate_identically(tmp_path: Path) -> None:
    expected = _make_module().make(tmp_path)
    committed = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(expected)) == committed
    for name in ("invoice.pdf", "annual_report.pdf"):
        assert _texts(tmp_path / name) == _texts(EXAMPLES / name)


def test_demo_question_has_one_clear_page() -> None:
    expected = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))
    report = expected["annual_report.pdf"]
    pages = _texts(EXAMPLES / "annual_report.pdf")
    assert 6 <= len(pages) <= 10
    q = next(q for q in report["questions"] if q["question"] == "What was total revenue in 2024?")
    assert [i + 1 for i, t in enumerate(pages) if "Total revenue" in t] == q["pages"]
    revenue = f"{report['fields']['revenue']:,.1f}"
    assert revenue in pages[q["pages"][0] - 1] and q["answer"] == f"${revenue} million"


def test_invoice_values_are_printed() -> None:
    inv = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))["invoice.pdf"]["fields"]
    (text,) = _texts(EXAMPLES / "invoice.pdf")
    for key in ("invoice_number", "vendor", "customer"):
        assert inv[key] in text
    assert f"{inv['total']:,.2f}" in text and len(inv["items"]) >= 2
    for item in inv["items"]:
        assert item["description"] in text and f"{item['amount']:,.2f}" in text
