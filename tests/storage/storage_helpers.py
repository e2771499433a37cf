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


def write_runs_worker(url: str, worker: int, n_runs: int) -> list[int]:
    """Run in a separate process: open the database and write `n_runs` finished runs."""
    from docai.storage import open_database

    db = open_database(url)
    try:
        shared = db.upsert_document(fake_sha(0), "shared.pdf", 1, "application/pdf", 1)
        own = db.upsert_document(fake_sha(100 + worker), f"w{worker}.pdf", 1, "application/pdf", 1)
        schema_id, _ = db.save_schema(INVOICE_SCHEMA, "invoice")
        ids = []
        for i in range(n_runs):
            doc = shared if i % 2 else own
            run_id = db.start_run(doc, schema_id, "text", None, {"w": worker}, f"k{worker}")
            db.finish_run(run_id, make_extraction(worker * 1000 + i), 0.01)
            ids.append(run_id)
        db.blob_cache().put(f"w{worker}", bytes([worker]) * 100)
        return ids
    finally:
        db.close()
