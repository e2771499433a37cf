"""The job queue in the database: claims, the finish guard, lease expiry and concurrent claimers.
Real SQLite, and PostgreSQL when DOCAI_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from docai.storage import open_database
from docai.storage.jobs import JobStore, NewFile

SCHEMA = {"type": "object", "properties": {"total": {"type": "number"}}}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "postgresql":
        url = os.environ.get("DOCAI_TEST_DATABASE_URL")
        if not url:
            pytest.skip("DOCAI_TEST_DATABASE_URL is not set")
    else:
        url = str(tmp_path / "jobs.db")
    db = open_database(url)
    if request.param == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM jobs"))
    try:
        yield JobStore(db)
    finally:
        db.close()


def _job(store: JobStore, n: int) -> str:
    return store.create("extract", [NewFile(f"/x/{i}.pdf", f"{i}.pdf") for i in range(n)], SCHEMA)


def test_claim_finish_and_close(store: JobStore) -> None:
    job_id = _job(store, 2)
    a = store.claim("A", 30)
    b = store.claim("B", 30)
    assert a and b and a.position == 0 and b.position == 1 and store.claim("C", 30) is None
    assert store.get(job_id).state == "running"
    assert not store.finish(a.id, "B", "ok", None, {"x": 1})  # not B's claim
    assert store.finish(a.id, "A", "ok", None, {"x": 1})
    assert not store.finish(a.id, "A", "ok", None, {"x": 2})  # never twice
    assert store.close_if_finished(job_id) is None  # b still claimed
    assert store.finish(b.id, "B", "partial", None, {"x": 3})
    assert store.close_if_finished(job_id) == "done"
    assert store.close_if_finished(job_id) is None  # the end is announced once
    assert [f.result for f in store.files(job_id)] == [{"x": 1}, {"x": 3}]


def test_expired_claim_is_taken_over_and_the_old_owner_cannot_finish(store: JobStore) -> None:
    job_id = _job(store, 1)
    first = store.claim("dead", 0.2)
    time.sleep(0.3)
    assert store.requeue_expired() == 1
    second = store.claim("alive", 30)
    assert second is not None and second.id == first.id and second.attempts == 2
    assert not store.finish(first.id, "dead", "ok", None, {"by": "dead"})
    assert store.finish(second.id, "alive", "ok", None, {"by": "alive"})
    assert store.close_if_finished(job_id) == "done"
    assert store.files(job_id)[0].result == {"by": "alive"}


def test_heartbeat_keeps_a_claim(store: JobStore) -> None:
    _job(store, 1)
    store.claim("A", 0.5)
    for _ in range(4):
        time.sleep(0.2)
        assert store.heartbeat("A", 0.5) == 1
        assert store.requeue_expired() == 0


def test_cancel_drops_queued_files_only(store: JobStore) -> None:
    job_id = _job(store, 3)
    running = store.claim("A", 30)
    job = store.cancel(job_id)
    assert job.cancel_requested and job.counts == {"claimed": 1, "cancelled": 2}
    assert store.claim("B", 30) is None
    assert store.close_if_finished(job_id) is None
    store.finish(running.id, "A", "ok", None, {})
    assert store.close_if_finished(job_id) == "cancelled"


def test_concurrent_claimers_take_each_file_once(store: JobStore) -> None:
    job_id = _job(store, 60)
    taken: list[int] = []
    lock = threading.Lock()

    def worker(owner: str) -> None:
        while (f := store.claim(owner, 30)) is not None:
            assert store.finish(f.id, owner, "ok", None, {"owner": owner})
            with lock:
                taken.append(f.position)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(taken) == list(range(60)) and max(Counter(taken).values()) == 1
    assert store.close_if_finished(job_id) == "done"
