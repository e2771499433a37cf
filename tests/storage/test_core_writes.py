"""storage/core_writes.py: a batch file's claim, result and cache lookup run as prebuilt Core statements.
They must leave exactly the rows the ORM path leaves (the ORM path is kept for other dialects and is
forced here by saying the dialect is not supported), on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from docai.results import Evidence, Extraction
from docai.storage import core_writes
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
_TIMES = {"first_seen", "last_seen", "started_at", "finished_at", "lease_until"}
_IDS = {"id", "document_id", "run_id", "result_id", "schema_id"}


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


def _one_batch(url: str, *, core: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Three files claimed and finished (one twice, as `--force` does; one with usage), a held claim
    and a done claim; returns every row of the tables they touch, ids and times left out."""
    from docai.storage import open_database

    with monkeypatch.context() as m:
        if not core:
            m.setattr(core_writes, "supported", lambda dialect: False)
        db = open_database(url)
        try:
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
                answers.append(
                    db.claim_document_run(facts, key, schema_id, "text", None, {}, "k", unless_done=True)
                )
                if i == 1:  # a second run of the same job replaces nothing but adds its own rows
                    again = db.claim_document_run(facts, key, schema_id, "text", "m", {}, "k")
                    db.finish_run(again, _extraction(5, None), 0.25, pages=[(1, 600.0, 800.0, "ocr", "x")])
            hit = db.find_cached_run("01" * 32, digest, "text", None, "k")
            miss = db.find_cached_run("07" * 32, digest, "text", None, "k")
            found = hit.extraction if hit is not None and hit.extraction is not None else None
            answers.append(
                (found.data, hit.status, [e.text for e in found.evidence.values()]) if found else None
            )
            answers.append(miss)
            return {"answers": answers, **_rows(db)}
        finally:
            db.close()


def _rows(db: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    with db.engine.connect() as conn:
        for model in (DocumentRow, DocumentName, PageRow, RunRow, ClaimRow, ResultRow, EvidenceRow):
            table = model.__table__
            cols = [c for c in table.c if c.name not in _TIMES and c.name not in _IDS]
            nulls = [c.is_(None) for c in table.c if c.name not in _IDS]  # SQL NULL, not JSON null
            rows = conn.execute(select(*cols, *nulls))
            out[table.name] = sorted(repr(tuple(r)) for r in rows)
    return out


def test_core_statements_leave_the_rows_the_orm_leaves(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    core = _one_batch(url, core=True, monkeypatch=monkeypatch)
    answers = core["answers"]
    assert answers[:2] == [HELD, DONE] and answers[-1] is None
    assert answers[-2] == ({"total": 101.0, "vendor": None}, "ok", ["101.00", ""])
    assert len(core["runs"]) == 4 and core["run_claims"] == [] and len(core["evidence"]) == 8
    assert len(core["pages"]) == 6  # two pages a file; the second run of inv_1 replaced its page 1
    _wipe(url)
    orm = _one_batch(url, core=False, monkeypatch=monkeypatch)
    for table, rows in orm.items():
        assert core[table] == rows, table


def _wipe(url: str) -> None:
    from docai.storage import open_database

    db = open_database(url)
    try:
        with db.engine.begin() as conn:
            for model in (EvidenceRow, ResultRow, ClaimRow, RunRow, PageRow, DocumentName, DocumentRow):
                conn.execute(model.__table__.delete())
    finally:
        db.close()


def test_core_writes_are_cheaper_than_the_orm(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reason for the module: a claim and a result cost a fraction of the ORM's CPU."""
    core = _cpu_of_files(url, monkeypatch, core=True, first=0)
    orm = _cpu_of_files(url, monkeypatch, core=False, first=100)
    assert core < orm / 2, (core, orm)


def _cpu_of_files(url: str, monkeypatch: pytest.MonkeyPatch, *, core: bool, first: int) -> float:
    from docai.storage import open_database

    with monkeypatch.context() as m:
        if not core:
            m.setattr(core_writes, "supported", lambda dialect: False)
        db = open_database(url)
        try:
            schema_id = db.save_schema(SCHEMA, None)[0]
            started = time.process_time()
            for i in range(first, first + 40):
                sha = f"{i:064x}"
                key = claim_key(sha, "h", "text", None, "k")
                facts = (sha, f"f{i}.pdf", 10, "application/pdf", 1)
                run_id = db.claim_document_run(facts, key, schema_id, "text", None, {}, "k", unless_done=True)
                db.finish_run(run_id, _extraction(i, None), 0.1, pages=[(1, 1.0, 1.0, "layer", "t")])
            return time.process_time() - started
        finally:
            db.close()
