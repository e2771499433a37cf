"""Several processes writing to (and migrating) one database at the same time."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
from storage_helpers import write_runs_worker

from docai.storage import open_database

WORKERS = 4
RUNS = 50


def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork"))


@pytest.mark.slow
def test_four_writer_processes_lose_nothing(db_url: str) -> None:
    """Each process opens the empty database (so all four race to migrate it), then writes runs."""
    with _pool() as pool:
        futures = [pool.submit(write_runs_worker, db_url, w, RUNS) for w in range(WORKERS)]
        per_worker = [f.result(timeout=240) for f in futures]  # a "database is locked" would raise here
    all_ids = [i for ids in per_worker for i in ids]
    assert len(all_ids) == len(set(all_ids)) == WORKERS * RUNS
    db = open_database(db_url)
    try:
        from docai.storage.migrate import head_revision

        assert db.revision() == head_revision()
        runs = db.list_runs(limit=0)
        assert len(runs) == WORKERS * RUNS
        assert {r.status for r in runs} == {"ok"}
        totals = sorted(r.extraction.data["total"] for r in runs)
        assert totals == sorted(w * 1000 + i for w in range(WORKERS) for i in range(RUNS))
        assert all(len(r.extraction.evidence) == 2 and r.extraction.data["items"] for r in runs)
        assert len(db.list_schemas()) == 1  # four processes saved the same schema: one row
        shared = db.get_document("shared.pdf")
        assert {r.document_id for r in runs if r.file_name == "shared.pdf"} == {shared.id}
        assert len(db.list_documents()) == WORKERS + 1
        cache = db.blob_cache()
        assert [cache.get(f"w{w}") for w in range(WORKERS)] == [bytes([w]) * 100 for w in range(WORKERS)]
    finally:
        db.close()
