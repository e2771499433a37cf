"""Data builders shared by the storage tests."""

from __future__ import annotations

from typing import Any

from docai.results import Evidence, Extraction

INVOICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string"},
        "total": {"type": "number"},
        "vendor": {"type": "object", "properties": {"name": {"type": "string"}, "city": {"type": "string"}}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"description": {"type": "string"}, "amount": {"type": "number"}},
            },
        },
    },
}


def make_extraction(total: float, status: str = "ok", n_items: int = 2) -> Extraction:
    """A nested extraction with evidence whose values depend on `total`."""
    return Extraction(
        data={
            "invoice_number": f"INV-{int(total)}",
            "total": total,
            "vendor": {"name": "ACME 有限公司", "city": "Berlin"},
            "tags": ["a", "b"],
            "items": [{"description": f"line {i}", "amount": total / n_items} for i in range(n_items)],
        },
        status=status,  # type: ignore[arg-type]
        evidence={
            "total": Evidence(page_no=1, bbox=(10.0, 20.0, 60.0, 32.5), text=f"{total}", confidence=0.93),
            "items[0].amount": Evidence(page_no=2, bbox=None, text="x"),
        },
        errors=[] if status == "ok" else ["total: missing"],
        notes=["note one"],
        reasoning="looked at page 1",
        raw_output='{"total": 1}',
        engine="text",
        usage={"input_tokens": 10, "output_tokens": 5},
    )


def fake_sha(n: int) -> str:
    import hashlib

    return hashlib.sha256(f"doc-{n}".encode()).hexdigest()
