"""Eval-harness fixtures: a deterministic engine that answers from a table, and a small generic dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evalfakes import FAKE_ANSWERS, FAKE_DATA, TableEngine

from docai.engines import register_engine


@pytest.fixture
def fake_engine():
    register_engine("fake", TableEngine)
    FAKE_DATA.clear()
    FAKE_ANSWERS.clear()
    TableEngine.calls.clear()
    yield TableEngine
    FAKE_DATA.clear()
    FAKE_ANSWERS.clear()


SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": ["string", "null"]},
        "date": {"type": ["string", "null"], "format": "date"},
        "total": {"type": ["number", "null"]},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "amount": {"type": "number"}},
            },
        },
    },
}


@pytest.fixture
def generic_dataset(tmp_path: Path, text_pdf) -> Path:
    """Three one-page invoices in the generic folder format, with a qa.jsonl over the first."""
    root = tmp_path / "ds"
    root.mkdir()
    truths = [
        {
            "invoice_number": "A-1",
            "date": "2024-03-03",
            "total": 10.5,
            "items": [{"name": "Pen", "amount": 10.5}],
        },
        {"invoice_number": "B-2", "date": "2023-12-25", "total": 99.0, "items": []},
        {"invoice_number": "C-3", "date": None, "total": 7.0, "items": [{"name": "Ink", "amount": 7.0}]},
    ]
    with (root / "gt.jsonl").open("w") as f:
        for i, t in enumerate(truths):
            name = f"inv{i}.pdf"
            lines = [(72, 72 + 20 * j, f"{k}: {v}") for j, (k, v) in enumerate(t.items())]
            pdf = text_pdf(name, [lines, [(72, 72, "page two")]])
            pdf.rename(root / name)
            f.write(json.dumps({"doc": name, "fields": t}) + "\n")
    (root / "schema.json").write_text(json.dumps(SCHEMA))
    qa = [
        {"doc": "inv0.pdf", "question": "What is the total?", "answer": "10.50", "pages": [1]},
        {"doc": "inv0.pdf", "question": "Who issued it?", "answer": "Acme Corp", "pages": [2]},
    ]
    (root / "qa.jsonl").write_text("".join(json.dumps(q) + "\n" for q in qa))
    return root
