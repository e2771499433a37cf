"""The Database API against a real SQLite file (and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from storage_helpers import INVOICE_SCHEMA, fake_sha, make_extraction

from docai.errors import InputError, SchemaError, StorageError
from docai.results import Answer, Citation
from docai.storage import schema_hash


def _doc(db: Any, n: int = 1, name: str | None = None) -> int:
    return db.upsert_document(fake_sha(n), name or f"file{n}.pdf", 1000 + n, "application/pdf", None)


def test_documents_are_unique_by_sha_and_keep_every_name(db: Any) -> None:
    a = db.upsert_document(fake_sha(1), "a.pdf", 10, "application/pdf", None)
    b = db.upsert_document(fake_sha(1), "renamed.pdf", 10, "application/pdf", 3)
    c = db.upsert_document(fake_sha(2), "a.pdf", 20, "application/pdf", 1)
    assert a == b != c
    info = db.get_document(fake_sha(1)[:8])
    assert info.page_count == 3 and set(info.names) == {"a.pdf", "renamed.pdf"}
    assert info.names[0] == "renamed.pdf"  # most recently seen first
    db.upsert_document(fake_sha(1), "a.pdf", 10, "application/pdf", None)
    assert db.get_document(fake_sha(1)).page_count == 3  # None does not erase the count
    with pytest.raises(InputError, match="matches 2 documents"):
        db.get_document("a.pdf")
    with pytest.raises(InputError):
        db.upsert_document("not-a-hash", "x.pdf", 1, "application/pdf", None)


def test_pages_replace_by_page_number(db: Any) -> None:
    doc = _doc(db)
    db.save_pages(doc, [(1, 595.0, 842.0, "layer", "first"), (2, 595.0, 842.0, "ocr", "second")])
    db.save_pages(doc, [(2, 600.0, 800.0, "layer", "second again")])
    assert db.get_pages(doc) == [
        (1, 595.0, 842.0, "layer", "first"),
        (2, 600.0, 800.0, "layer", "second again"),
    ]
    with pytest.raises(StorageError, match="no document"):
        db.save_pages(9999, [(1, 1.0, 1.0, "none", "")])


def test_schemas_by_content_hash_and_latest_name(db: Any) -> None:
    v1 = {"type": "object", "properties": {"a": {"type": "string"}}}
    v2 = {"properties": {"a": {"type": "string"}, "b": {"type": "number"}}, "type": "object"}
    id1, h1 = db.save_schema(v1, "thing")
    id1b, h1b = db.save_schema({"properties": {"a": {"type": "string"}}, "type": "object"})  # same content
    assert (id1, h1) == (id1b, h1b) and h1 == schema_hash(v1)
    id2, _ = db.save_schema(v2, "thing")
    assert id2 != id1
    assert db.get_schema("thing") == v2  # the name means the latest version
    assert db.get_schema(h1) == v1 and db.get_schema(h1[:8]) == v1
    assert db.get_schema("nope") is None
    infos = db.list_schemas()
    assert [(i.name, i.field_names) for i in infos] == [("thing", ["a", "b"]), ("thing", ["a"])]
    db.save_schema(v1, "thing")  # saving v1 again makes it the latest
    assert db.get_schema("thing") == v1
    with pytest.raises(SchemaError):
        db.save_schema(["not", "an", "object"])  # type: ignore[arg-type]


def test_delete_schema_keeps_versions_with_runs(db: Any) -> None:
    sid, _ = db.save_schema(INVOICE_SCHEMA, "invoice")
    db.save_schema({"type": "object", "properties": {"x": {}}}, "invoice")
    db.start_run(_doc(db), sid, "text", None, {}, "k")
    assert db.delete_schema("invoice") == 1  # the version without runs goes, the used one stays unnamed
    assert db.get_schema("invoice") is None
    assert [i.name for i in db.list_schemas()] == [None]
    with pytest.raises(InputError, match="no schema named"):
        db.delete_schema("invoice")


def test_run_roundtrip_keeps_everything(db: Any) -> None:
    doc = _doc(db)
    sid, h = db.save_schema(INVOICE_SCHEMA, "invoice")
    run_id = db.start_run(doc, sid, "openai", "m-1", {"think": True, "pages": "1-2"}, "key1")
    running = db.get_run(run_id)
    assert running.status == "running" and running.extraction is None and running.finished_at is None
    ext = make_extraction(123.45)
    db.finish_run(run_id, ext, 2.5)
    rec = db.get_run(run_id)
    assert rec.status == "ok" and rec.duration_s == 2.5 and rec.usage == ext.usage
    assert rec.options == {"think": True, "pages": "1-2"} and rec.schema_name == "invoice"
    assert rec.schema_hash == h and rec.sha256 == fake_sha(1) and rec.file_name == "file1.pdf"
    assert rec.finished_at >= rec.started_at and rec.started_at.tzinfo is not None
    got = rec.extraction
    assert got.data == ext.data and got.evidence == ext.evidence
    assert (got.errors, got.notes, got.reasoning, got.raw_output) == (
        ext.errors,
        ext.notes,
        ext.reasoning,
        ext.raw_output,
    )
    assert got.engine == "openai" and got.model == "m-1"
    assert type(got).from_dict(got.to_dict()) == got


def test_find_cached_run_matches_exactly_and_skips_running_and_failed(db: Any) -> None:
    doc, other = _doc(db, 1), _doc(db, 2)
    sid, h = db.save_schema(INVOICE_SCHEMA, "invoice")
    sha = fake_sha(1)
    assert db.find_cached_run(sha, h, "text", None, "k") is None
    r1 = db.start_run(doc, sid, "text", None, {}, "k")
    assert db.find_cached_run(sha, h, "text", None, "k") is None  # running is never a cache hit
    db.finish_run(r1, make_extraction(1), 1.0)
    assert db.find_cached_run(sha, h, "text", None, "k").id == r1
    # every key part must match
    assert db.find_cached_run(sha, h, "text", None, "other-key") is None
    assert db.find_cached_run(sha, h, "text", "some-model", "k") is None
    assert db.find_cached_run(sha, h, "openai", None, "k") is None
    assert db.find_cached_run(fake_sha(2), h, "text", None, "k") is None
    assert db.find_cached_run(sha, schema_hash({"x": 1}), "text", None, "k") is None
    # a forced re-run: the newer finished run wins; a newer failed one is skipped unless asked for
    r2 = db.start_run(doc, sid, "text", None, {}, "k")
    db.finish_run(r2, make_extraction(2, status="partial"), 1.0)
    assert db.find_cached_run(sha, h, "text", None, "k").id == r2
    r3 = db.start_run(doc, sid, "text", None, {}, "k")
    db.fail_run(r3, "server exploded", 0.5)
    assert db.find_cached_run(sha, h, "text", None, "k").id == r2
    failed = db.find_cached_run(sha, h, "text", None, "k", include_failed=True)
    assert failed.id == r3 and failed.status == "failed" and failed.error == "server exploded"
    assert failed.extraction.status == "failed" and failed.extraction.errors == ["server exploded"]
    r4 = db.start_run(other, sid, "text", "m", {}, "k")
    db.finish_run(r4, make_extraction(4), 1.0)
    assert db.find_cached_run(fake_sha(2), h, "text", "m", "k").id == r4


def test_failure_mid_run_leaves_no_ok_result(db: Any) -> None:
    doc = _doc(db)
    sid, h = db.save_schema(INVOICE_SCHEMA)
    run_id = db.start_run(doc, sid, "text", None, {}, "k")
    bad = make_extraction(5)
    bad.evidence["total"].text = object()  # type: ignore[assignment]  # not storable: the write fails
    with pytest.raises(StorageError):
        db.finish_run(run_id, bad, 1.0)
    rec = db.get_run(run_id)
    assert rec.status == "running" and rec.extraction is None  # nothing half-written
    assert db.find_cached_run(fake_sha(1), h, "text", None, "k") is None
    db.fail_run(run_id, "boom", 1.0)
    assert db.get_run(run_id).status == "failed"
    assert db.find_cached_run(fake_sha(1), h, "text", None, "k") is None
    with pytest.raises(StorageError, match="no run"):
        db.finish_run(424242, make_extraction(1), 1.0)


def test_list_runs_filters(db: Any) -> None:
    sid_a, h_a = db.save_schema(INVOICE_SCHEMA, "invoice")
    sid_b, _ = db.save_schema({"type": "object", "properties": {"x": {}}}, "receipt")
    ids = []
    for n in range(6):
        doc = _doc(db, n, name=f"{'Invoice' if n % 2 else 'receipt'}_{n}.pdf")
        run_id = db.start_run(doc, sid_a if n % 2 else sid_b, "text", None, {}, "k")
        if n != 5:
            db.finish_run(run_id, make_extraction(n, status="ok" if n < 4 else "partial"), 1.0)
        ids.append(run_id)
    assert [r.id for r in db.list_runs()] == ids[::-1]
    assert [r.id for r in db.list_runs(limit=2, offset=1)] == [ids[4], ids[3]]
    assert {r.id for r in db.list_runs(schema="invoice")} == {ids[1], ids[3], ids[5]}
    assert {r.id for r in db.list_runs(schema=h_a[:10])} == {ids[1], ids[3], ids[5]}
    assert [r.id for r in db.list_runs(status="running")] == [ids[5]]
    assert [r.id for r in db.list_runs(status="partial")] == [ids[4]]
    assert {r.id for r in db.list_runs(query="invoice_")} == {ids[1], ids[3], ids[5]}  # case-insensitive
    assert db.list_runs(query="%") == []  # LIKE wildcards are literal
    assert len(db.list_runs(since=datetime.now(UTC) - timedelta(hours=1))) == 6
    assert db.list_runs(since=datetime.now(UTC) + timedelta(hours=1)) == []
    with pytest.raises(InputError, match="unknown status"):
        db.list_runs(status="weird")


def test_runs_for_schema_latest_per_document(db: Any) -> None:
    sid, _ = db.save_schema(INVOICE_SCHEMA, "invoice")
    sid2, _ = db.save_schema({"type": "object", "properties": {"total": {}}}, "invoice")  # a new version
    d1, d2 = _doc(db, 1), _doc(db, 2)
    for doc, schema, total in ((d1, sid, 1), (d1, sid2, 2), (d2, sid, 3)):
        db.finish_run(db.start_run(doc, schema, "text", None, {}, "k"), make_extraction(total), 1.0)
    db.start_run(d2, sid, "text", None, {}, "k")  # still running: not exported
    latest = db.runs_for_schema("invoice")
    assert {(r.document_id, r.extraction.data["total"]) for r in latest} == {(d1, 2), (d2, 3)}
    assert len(db.runs_for_schema("invoice", latest_per_document=False)) == 3
    with pytest.raises(InputError):
        db.runs_for_schema("unknown")


def test_answers_and_blobs(db: Any) -> None:
    d1, d2 = _doc(db, 1), _doc(db, 2)
    ans = Answer(
        question="What is the total?",
        text="42 EUR",
        found=True,
        citations=[
            Citation(page_no=2, document="file1.pdf", bbox=(1.0, 2.0, 3.0, 4.0), text="42", score=0.8)
        ],
        score=0.8,
        reasoning="r",
        engine="text",
        notes=["n"],
        usage={"input_tokens": 3},
    )
    aid = db.save_answer([d2, d1], ans, 0.25)
    [rec] = db.list_answers()
    assert rec.id == aid and rec.answer == ans and rec.duration_s == 0.25
    assert rec.document_ids == [d2, d1] and rec.file_names == ["file2.pdf", "file1.pdf"]
    assert rec.sha256s == [fake_sha(2), fake_sha(1)]
    cache = db.blob_cache()
    assert cache.get("idx") is None
    cache.put("idx", b"\x00\x01" * 1000)
    cache.put("idx", b"new")
    assert cache.get("idx") == b"new"


def test_delete_document_cascades(db: Any) -> None:
    from sqlalchemy import func, select

    from docai.storage.models import AnswerRow, EvidenceRow, PageRow, ResultRow, RunRow

    sid, _ = db.save_schema(INVOICE_SCHEMA, "invoice")
    d1, d2 = _doc(db, 1, "keep.pdf"), _doc(db, 2, "gone.pdf")
    for doc in (d1, d2):
        db.save_pages(doc, [(1, 1.0, 1.0, "layer", "t")])
        db.finish_run(db.start_run(doc, sid, "text", None, {}, "k"), make_extraction(doc), 1.0)
    only_d2 = db.save_answer([d2], Answer("q", "a", True), 0.1)
    both = db.save_answer([d1, d2], Answer("q2", "a2", False), 0.1)

    def count(model: Any) -> int:
        return db._read(lambda s: s.scalar(select(func.count()).select_from(model)))

    before = {m: count(m) for m in (PageRow, RunRow, ResultRow, EvidenceRow, AnswerRow)}
    assert before == {PageRow: 2, RunRow: 2, ResultRow: 2, EvidenceRow: 4, AnswerRow: 2}
    with pytest.raises(InputError, match="no document"):
        db.delete_document("missing.pdf")
    with pytest.raises(InputError):
        db.delete_document("abc")  # too short for a sha prefix, and no such name
    assert db.delete_document("gone.pdf") == 1
    after = {m: count(m) for m in (PageRow, RunRow, ResultRow, EvidenceRow, AnswerRow)}
    assert after == {PageRow: 1, RunRow: 1, ResultRow: 1, EvidenceRow: 2, AnswerRow: 1}
    remaining = db.list_answers()
    assert [a.id for a in remaining] == [both] and remaining[0].document_ids == [d1]
    assert only_d2 not in [a.id for a in remaining]
    assert [r.document_id for r in db.list_runs()] == [d1]
    assert db.delete_document(fake_sha(1)[:6]) == 1
    assert db.list_runs() == [] and db.list_answers() == []
