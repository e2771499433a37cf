"""Corrections as new versions over a real database (SQLite, and PostgreSQL when
DOCAI_TEST_DATABASE_URL is set): the engine's original stays, `reviewed` status, the optimistic
version check between two reviewers, and the queue's order and filters."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from docai.errors import InputError
from docai.results import Check, Evidence, Extraction, FieldReport
from docai.storage.corrections import ReviewConflict
from tests.review.conftest import SCHEMA


def _run(db: Any, name: str, extraction: Extraction, schema: dict[str, Any] = SCHEMA) -> int:
    """Store one finished run of `extraction` for a document named `name` (no engine needed)."""
    schema_id, _ = db.save_schema(schema, "review_inv")
    doc_id = db.upsert_document(name.encode().hex().ljust(64, "0")[:64], name, 100, "application/pdf", 1)
    run_id = db.start_run(doc_id, schema_id, "text", None, {}, "k")
    db.finish_run(run_id, extraction, 0.1)
    return run_id


def _extraction(status: str = "partial", total_conf: float = 0.65, **fields: FieldReport) -> Extraction:
    data = {"invoice_number": "INV-1", "issue_date": "2024-03-05", "total": 12.0, "po_number": None}
    evidence = {
        "invoice_number": Evidence(1, (10, 10, 50, 20), "INV-1", 0.99),
        "issue_date": Evidence(1, (10, 30, 50, 40), "2024-03-05", 0.97),
        "total": Evidence(1, (10, 50, 50, 60), "12.00", total_conf),
    }
    return Extraction(data=data, status=status, evidence=evidence, engine="text", fields=dict(fields))  # type: ignore[arg-type]


@pytest.fixture
def service(review_db_url: str) -> Any:
    from docai.options import Options
    from docai.service import Service

    with Service(Options(engine="text"), db=review_db_url) as s:
        yield s


def test_a_correction_is_a_new_version_and_the_engine_original_stays(service: Any) -> None:
    run_id = _run(service.db, "a.pdf", _extraction())
    box = Evidence(1, (100, 140, 150, 152), "ABC-77", 1.0)
    review = service.correct(run_id, "po_number", "ABC-77", reviewer="ann", evidence=box)
    assert (review.version, review.state) == (1, "in_review")
    c = review.corrections[0]
    assert (c.field_path, c.old_value, c.new_value, c.reviewer) == ("po_number", None, "ABC-77", "ann")
    assert c.created_at is not None and c.evidence.bbox == (100, 140, 150, 152)
    run = service.get_run(run_id)
    assert run.status == "partial" and run.extraction.data["po_number"] == "ABC-77"
    assert run.original.data["po_number"] is None and run.original.status == "partial"
    assert run.extraction.evidence["po_number"].text == "ABC-77"
    report = run.extraction.fields["po_number"]  # exports read confidence from here: a person's word
    assert report.confidence == 1.0 and report.checks[0].reason == "corrected by ann"

    review = service.accept(run_id, reviewer="bob")
    assert review.state == "reviewed" and review.version == 4  # three fields accepted after the correction
    run = service.get_run(run_id)
    assert run.status == "reviewed" and run.review.engine_status == "partial"
    assert [r.id for r in service.history(status="reviewed")] == [run_id]
    assert {c.reviewer for c in run.review.corrections} == {"ann", "bob"}
    again = service.correct(run_id, "total", "13", reviewer="ann")  # a later fix keeps it reviewed
    assert again.state == "reviewed" and service.get_run(run_id).extraction.data["total"] == 13.0
    assert service.get_run(run_id).original.data["total"] == 12.0


def test_bad_values_and_unknown_fields_are_refused_and_nothing_is_saved(service: Any) -> None:
    run_id = _run(service.db, "a.pdf", _extraction())
    with pytest.raises(InputError, match="total: '12,x' is not a number"):
        service.correct(run_id, "total", "12,x", reviewer="ann")
    with pytest.raises(InputError, match=r"issue_date: .* is not a date"):
        service.correct(run_id, "issue_date", "31/02/2024", reviewer="ann")
    with pytest.raises(InputError, match=r"no field 'vat'"):
        service.correct(run_id, "vat", "1", reviewer="ann")
    with pytest.raises(InputError, match="no run with id 999"):
        service.accept(999, reviewer="ann")
    assert service.db.get_review(run_id) is None


def test_two_reviewers_on_the_same_database_the_second_gets_a_conflict(review_db_url: str) -> None:
    from docai.review import Reviews
    from docai.storage import open_database

    first, second = open_database(review_db_url), open_database(review_db_url)  # two connections
    try:
        run_id = _run(first, "a.pdf", _extraction())
        seen_by_both = 0
        Reviews(first).correct(run_id, "po_number", "ABC-77", "ann", version=seen_by_both)
        with pytest.raises(ReviewConflict, match="at version 1 by ann"):
            Reviews(second).correct(run_id, "po_number", "XYZ", "bob", version=seen_by_both)
        run = second.get_run(run_id)
        assert run.extraction.data["po_number"] == "ABC-77" and run.review.version == 1
    finally:
        first.close()
        second.close()


def test_racing_reviewers_never_both_win(review_db_url: str) -> None:
    from docai.review import Reviews
    from docai.storage import open_database

    setup = open_database(review_db_url)
    run_id = _run(setup, "a.pdf", _extraction())
    setup.close()
    outcomes: list[str] = []

    def review(value: str) -> None:
        db = open_database(review_db_url)
        try:
            Reviews(db).correct(run_id, "po_number", value, value, version=0)
            outcomes.append("saved")
        except ReviewConflict:
            outcomes.append("conflict")
        finally:
            db.close()

    threads = [threading.Thread(target=review, args=(f"R{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    db = open_database(review_db_url)
    review_row = db.get_review(run_id)
    db.close()
    assert review_row.version == 1 and len(review_row.corrections) == 1


def test_queue_is_ordered_by_status_then_risk_and_filters(service: Any, tmp_path: Path) -> None:
    db = service.db
    failed = FieldReport(0.9, True, [Check("sum", False, "items do not add up to the total")])
    flagged = _run(db, "review.pdf", _extraction("review", 0.95, total=failed))
    risky = _run(db, "risky.pdf", _extraction("partial", 0.1))
    mild = _run(db, "mild.pdf", _extraction("partial", 0.79))
    clean = _extraction("ok", 0.95)
    clean.data["po_number"] = "P1"
    clean.evidence["po_number"] = Evidence(1, (1, 1, 2, 2), "P1", 0.95)
    _run(db, "clean.pdf", clean)
    low_ok = _extraction("ok", 0.5)
    low_ok.data["po_number"] = "P2"
    low_ok.evidence["po_number"] = Evidence(1, (1, 1, 2, 2), "P2", 0.95)
    shaky = _run(db, "shaky.pdf", low_ok)
    queue = service.review_queue()
    assert [i.run_id for i in queue] == [flagged, risky, mild, shaky]  # clean.pdf needs nobody
    assert queue[0].status == "review" and "po_number: required but empty" in queue[0].reasons
    assert "po_number: required but empty" in queue[1].reasons and queue[1].risk > queue[2].risk
    assert service.review_queue(schema="review_inv", limit=2)[1].run_id == risky
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"file": "mild.pdf", "run_id": mild}) + "\n", encoding="utf-8")
    assert [i.run_id for i in service.review_queue(batch=batch)] == [mild]
    with pytest.raises(InputError, match="no such batch"):
        service.review_queue(batch=tmp_path / "nope")
    service.accept(risky, reviewer="ann")
    assert risky not in [i.run_id for i in service.review_queue()]


def test_field_views_read_the_verification_report_before_the_evidence() -> None:
    """Checks and grounding from the verification stage flag a field even when its confidence is high."""
    from datetime import UTC, datetime

    from docai.review import field_views
    from docai.storage.records import RunRecord

    failed = FieldReport(0.95, True, [Check("sum", False, "items do not add up to the total")])
    ungrounded = FieldReport(0.99, False, [])
    ex = _extraction("review", 0.99, total=failed, invoice_number=ungrounded)
    now = datetime.now(UTC)
    run = RunRecord(
        1, 1, "0" * 64, "a.pdf", 1, "inv", "h", "text", None, {}, "review", None, now, now, 0.1, None, ex
    )
    views = {v.path: v for v in field_views(run, SCHEMA)}
    assert (
        views["total"].reasons == ["sum: items do not add up to the total"]
        and views["total"].confidence == 0.95
    )
    assert views["invoice_number"].reasons == ["not found on the page"]
    assert views["issue_date"].state == "engine" and views["po_number"].reasons == ["required but empty"]


def test_export_uses_reviewed_values_with_a_review_state_column_per_field(
    service: Any, tmp_path: Path
) -> None:
    import pandas as pd

    items_schema = {
        "type": "object",
        "properties": {
            "total": {"type": "number"},
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"amount": {"type": "number"}}},
            },
        },
    }
    ex = Extraction(
        data={"total": 5.0, "items": [{"amount": 2.0}, {"amount": 3.0}]},
        status="ok",
        evidence={"total": Evidence(1, (1, 1, 2, 2), "5", 0.5)},
        engine="text",
    )
    run_id = _run(service.db, "items.pdf", ex, items_schema)
    service.correct(run_id, "items[1].amount", "3.5", reviewer="ann")
    out = service.export("review_inv", "csv", tmp_path / "out.csv")
    docs, items = pd.read_csv(out[0]), pd.read_csv(out[1])
    assert docs.loc[0, "review:total"] == "needs_review" and docs.loc[0, "status"] == "ok"
    assert list(items["amount"]) == [2.0, 3.5]
    assert list(items["review:amount"]) == ["needs_review", "corrected"]


def test_deleting_a_document_removes_its_reviews(service: Any) -> None:
    run_id = _run(service.db, "gone.pdf", _extraction())
    service.correct(run_id, "po_number", "X", reviewer="ann")
    service.delete_document(service.get_run(run_id).sha256)
    assert service.db.get_review(run_id) is None
