"""discard_run forgets a run that never finished and leaves finished runs alone (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from storage_helpers import INVOICE_SCHEMA, make_extraction


def test_discard_only_unfinished_runs(db: Any) -> None:
    doc = db.upsert_document("d" * 64, "a.pdf", 10, "application/pdf", 1)
    schema_id, _ = db.save_schema(INVOICE_SCHEMA)
    unfinished = db.start_run(doc, schema_id, "text", None, {}, "k")
    finished = db.start_run(doc, schema_id, "text", None, {}, "k")
    db.finish_run(finished, make_extraction(12.0), 0.1)
    db.discard_run(unfinished)
    db.discard_run(finished)
    assert db.get_run(unfinished) is None
    kept = db.get_run(finished)
    assert kept is not None and kept.status == "ok" and kept.extraction.data["total"] == 12.0
