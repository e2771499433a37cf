"""storage/core_writes.py: a batch file's claim, result and cache lookup run as prebuilt Core statements,
the one path that writes those rows. What they write must be what the ORM models read back as the
inputs (values, SQL NULL vs JSON null), on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from docai.results import Evidence, Extraction
from docai.storage.claims import DONE, HELD, claim_key
from docai.storage.models import (
    ClaimRow,
    DocumentName,
    DocumentRow,
    EvidenceRow,
    PageRow,
    ResultRow,
    RunRow,
)
from tests.reliability.backends import BACKENDS, database_url

SCHEMA = {"type": "object", "properties": {"total": {"type": "number"}, "vendor": {"type": "string"}}}


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path):
    yield from database_url(request.param, tmp_path)


def _extraction(i: int, usage: dict[str, int] | None) -> Extraction:
    evidence = {
        "total": Evidence(page_no=1, bbox=(1.0, 2.0, 30.0, 12.5), text=f"{100 + i}.00", confidence=0.9),
        "vendor": Evidence(page_no=1, bbox=None, text="", confidence=None),
    }
    return Extraction(
        data={"total": 100.0 + i, "vendor": None},
        evidence=evidence,
        status="ok" if i % 2 else "partial",
        errors=[] if i % 2 else ["vendor: not found"],
        raw_output=f"raw {i}",
        usage=usage,
        engine="text",
    )


def _one_batch(db: Any) -> list[Any]:
    """Three files claimed and finished (one twice, as `--force` does; one with usage), a held claim
    and a done claim, and a cache hit and miss; returns what the calls answered."""
    schema_id, digest = db.save_schema(SCHEMA, None)
    answers: list[Any] = []
    for i in range(3):
        sha = f"{i:02d}" * 32
        key = claim_key(sha, "h", "text", None, "k")
        facts = (sha, f"inv_{i}.pdf", 100 + i, "application/pdf", 1 if i else None)
        run_id = db.claim_document_run(facts, key, schema_id, "text", None, {"dpi": 200}, "k")
        answers.append(db.claim_document_run(facts, key, schema_id, "text", None, {}, "k"))
        pages = [(1, 595.0, 842.0, "layer", f"Invoice {i}"), (2, 595.0, 842.0, "ocr", "")]
        db.finish_run(run_id, _extraction(i, {"tokens": 7} if i == 2 else None), 0.5, pages=pages)
        answers.append(db.claim_document_run(facts, key, schema_id, "text", None, {}, "k", unless_done=True))
        if i == 1:  # a second run of the same job replaces nothing but adds its own rows
            again = db.claim_document_run(facts, key, schema_id, "text", "m", {}, "k")
            db.finish_run(again, _extraction(5, None), 0.25, pages=[(1, 600.0, 800.0, "ocr", "x")])
    hit = db.find_cached_run("01" * 32, digest, "text", None, "k")
    found = hit.extraction if hit is not None and hit.extraction is not None else None
    answers.append((found.data, hit.status, [e.text for e in found.evidence.values()]) if found else None)
    answers.append(db.find_cached_run("07" * 32, digest, "text", None, "k"))
    return answers


def _bag(rows: Any) -> list[Any]:
    """Rows in a fixed order (some hold None or dicts, which do not sort)."""
    return sorted(rows, key=repr)


def _read_back(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The rows as the ORM models read them, keyed by what the batch gave, ids and times left out."""
    with Session(db.engine) as s:
        docs = {d.id: d.sha256[:2] for d in s.scalars(select(DocumentRow))}
        runs = list(s.scalars(select(RunRow)))
        run_doc = {r.id: (docs[r.document_id], r.model) for r in runs}
        results = {r.id: r for r in s.scalars(select(ResultRow))}
        return {
            "documents": _bag(
                (d.sha256, d.size_bytes, d.mime, d.page_count) for d in s.scalars(select(DocumentRow))
            ),
            "names": _bag((docs[n.document_id], n.name) for n in s.scalars(select(DocumentName))),
            "pages": _bag(
                (docs[p.document_id], p.page_no, p.width, p.height, p.text_source, p.text)
                for p in s.scalars(select(PageRow))
            ),
            "runs": _bag(
                (
                    *run_doc[r.id],
                    r.engine,
                    r.options,
                    r.options_key,
                    r.status,
                    r.error,
                    r.duration_s,
                    r.usage,
                    r.error_code,
                    r.finished_at is not None,
                )
                for r in runs
            ),
            "results": _bag(
                (*run_doc[r.run_id], r.data["total"], r.raw_output, r.reasoning, r.notes, r.errors)
                for r in results.values()
            ),
            "evidence": _bag(
                (
                    run_doc[results[e.result_id].run_id][0],
                    e.field_path,
                    e.page_no,
                    e.bbox,
                    e.text,
                    e.confidence,
                    e.document,
                )
                for e in s.scalars(select(EvidenceRow))
            ),
            "claims": list(s.scalars(select(ClaimRow.key))),
        }


def _sql_nulls(db: Any) -> dict[str, list[Any]]:
    """Which of the columns a None may reach hold SQL NULL (True) rather than a value or JSON null."""
    with db.engine.connect() as conn:
        runs = conn.execute(select(RunRow.usage.is_(None), RunRow.error.is_(None), RunRow.model.is_(None)))
        evidence = conn.execute(
            select(
                EvidenceRow.field_path,
                EvidenceRow.bbox.is_(None),
                EvidenceRow.confidence.is_(None),
                EvidenceRow.document.is_(None),
            )
        )
        results = conn.execute(select(ResultRow.reasoning.is_(None), ResultRow.notes.is_(None)))
        docs = conn.execute(select(DocumentRow.sha256, DocumentRow.page_count.is_(None)))
        return {
            "runs": sorted(tuple(r) for r in runs),
            "evidence": sorted(tuple(r) for r in evidence),
            "results": sorted(tuple(r) for r in results),
            "documents": sorted((sha[:2], null) for sha, null in docs),
        }


def test_core_writes_leave_the_rows_the_orm_models_read_back(url: str) -> None:
    from docai.storage import open_database

    db = open_database(url)
    try:
        answers = _one_batch(db)
        rows, nulls = _read_back(db), _sql_nulls(db)
    finally:
        db.close()
    assert answers[:2] == [HELD, DONE] and answers[-1] is None
    assert answers[-2] == ({"total": 101.0, "vendor": None}, "ok", ["101.00", ""])
    assert rows["documents"] == _bag(
        [
            ("00" * 32, 100, "application/pdf", None),
            ("01" * 32, 101, "application/pdf", 1),
            ("02" * 32, 102, "application/pdf", 1),
        ]
    )
    assert rows["names"] == [("00", "inv_0.pdf"), ("01", "inv_1.pdf"), ("02", "inv_2.pdf")]
    first = [(d, 1, 595.0, 842.0, "layer", f"Invoice {int(d)}") for d in ("00", "02")]
    second = [(d, 2, 595.0, 842.0, "ocr", "") for d in ("00", "01", "02")]
    assert rows["pages"] == _bag([*first, ("01", 1, 600.0, 800.0, "ocr", "x"), *second])
    dpi = {"dpi": 200}
    assert rows["runs"] == _bag(
        [
            ("00", None, "text", dpi, "k", "partial", None, 0.5, None, None, True),
            ("01", None, "text", dpi, "k", "ok", None, 0.5, None, None, True),
            ("01", "m", "text", {}, "k", "ok", None, 0.25, None, None, True),
            ("02", None, "text", dpi, "k", "partial", None, 0.5, {"tokens": 7}, None, True),
        ]
    )
    note = ["vendor: not found"]
    assert rows["results"] == _bag(
        [
            ("00", None, 100.0, "raw 0", None, [], note),
            ("01", None, 101.0, "raw 1", None, [], []),
            ("01", "m", 105.0, "raw 5", None, [], []),
            ("02", None, 102.0, "raw 2", None, [], note),
        ]
    )
    box = [1.0, 2.0, 30.0, 12.5]
    totals = [(d, "total", 1, box, f"{t}.00", 0.9, None) for d, t in (("00", 100), ("01", 101), ("01", 105))]
    vendors = [(d, "vendor", 1, None, "", None, None) for d in ("00", "01", "01", "02")]
    assert rows["evidence"] == _bag([*totals, ("02", "total", 1, box, "102.00", 0.9, None), *vendors])
    assert rows["claims"] == []  # every claim was released with its result
    # usage stays SQL NULL without usage, a run without error has SQL NULL there, model NULL unless given
    assert nulls["runs"] == sorted([(True, True, True)] * 2 + [(False, True, True), (True, True, False)])
    assert nulls["evidence"] == sorted(
        [("total", False, False, True)] * 4 + [("vendor", False, True, True)] * 4
    )
    assert nulls["results"] == [(True, False)] * 4
    assert nulls["documents"] == [("00", True), ("01", False), ("02", False)]


def test_core_writes_keep_a_file_cheap(url: str) -> None:
    """The reason for the module: a claim and a result cost about 2 ms of CPU a file (the ORM path it
    replaced cost about 14.6 ms); 8 ms leaves room for a loaded machine and still fails on a return
    to the ORM's unit of work."""
    from docai.storage import open_database

    db = open_database(url)
    try:
        schema_id = db.save_schema(SCHEMA, None)[0]
        started = time.process_time()
        for i in range(40):
            sha = f"{i:064x}"
            key = claim_key(sha, "h", "text", None, "k")
            facts = (sha, f"f{i}.pdf", 10, "application/pdf", 1)
            run_id = db.claim_document_run(facts, key, schema_id, "text", None, {}, "k", unless_done=True)
            db.finish_run(run_id, _extraction(i, None), 0.1, pages=[(1, 1.0, 1.0, "layer", "t")])
        per_file = (time.process_time() - started) / 40
    finally:
        db.close()
    assert per_file < 0.008, per_file


def test_start_run_and_save_pages_write_through_the_same_statements(url: str) -> None:
    """`start_run` (a run without a claim) and `save_pages` (pages outside a result) read back as given;
    their checks still raise StorageError."""
    from docai.errors import StorageError
    from docai.storage import open_database

    db = open_database(url)
    try:
        schema_id = db.save_schema(SCHEMA, None)[0]
        doc = db.upsert_document("ab" * 32, "a.pdf", 10, "application/pdf", 2)
        run_id = db.start_run(doc, schema_id, "text", None, {"dpi": 150}, "k")
        db.save_pages(
            doc, [(1, 1.0, 2.0, "layer", "one"), (2, 1.0, 2.0, "ocr", None), (1, 3.0, 4.0, "ocr", "uno")]
        )
        db.save_pages(doc, [])
        with pytest.raises(StorageError, match="no document"):
            db.save_pages(doc + 99, [(1, 1.0, 1.0, "layer", "x")])
        with pytest.raises(StorageError, match="no schema"):
            db.start_run(doc, schema_id + 99, "text", None, {}, "k")
        pages = db.get_pages(doc)
        with Session(db.engine) as s:
            run = s.get(RunRow, run_id)
            assert run is not None
            got = (run.document_id, run.engine, run.model, run.options, run.status, run.result)
            started = run.started_at
        with db.engine.connect() as conn:
            nulls = conn.execute(
                select(RunRow.model.is_(None), RunRow.usage.is_(None), RunRow.finished_at.is_(None))
            ).all()
    finally:
        db.close()
    assert pages == [(1, 3.0, 4.0, "ocr", "uno"), (2, 1.0, 2.0, "ocr", "")]
    assert got == (doc, "text", None, {"dpi": 150}, "running", None) and started is not None
    assert [tuple(r) for r in nulls] == [(True, True, True)]
