"""Claims in the database (SQLite and PostgreSQL): one holder per job, leases renewed by their owner,
stale claims (dead owner, or a lease run out on another host) taken over and their runs interrupted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from docai.results import Extraction
from docai.storage.claims import DONE, HELD, INTERRUPTED, claim_key, process_owner
from docai.storage.models import ClaimRow, utcnow
from tests.reliability.backends import BACKENDS, database_url


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path):
    from docai.storage import open_database

    for url in database_url(request.param, tmp_path):
        database = open_database(url)
        yield database
        database.close()


def _job(db):
    doc = db.upsert_document("ab" * 32, "a.pdf", 10, "application/pdf", 1)
    schema_id, _ = db.save_schema({"type": "object", "properties": {"t": {"type": "string"}}}, None)
    return doc, schema_id, claim_key("ab" * 32, "h", "text", None, "k")


def _claim(db, doc, schema_id, key, **kw):
    return db.claim_run(key, doc, schema_id, "text", None, {}, "k", **kw)


def _set_owner(db, key, owner, lease_s):
    with db.engine.begin() as conn:
        conn.execute(
            update(ClaimRow)
            .where(ClaimRow.key == key)
            .values(owner=owner, lease_until=utcnow() + timedelta(seconds=lease_s))
        )


def test_one_holder_then_done(db) -> None:
    doc, schema_id, key = _job(db)
    run_id = _claim(db, doc, schema_id, key)
    assert isinstance(run_id, int)
    _set_owner(db, key, "elsewhere:1:1", 60)  # a live owner on another host
    assert _claim(db, doc, schema_id, key) == HELD
    db.finish_run(run_id, Extraction(data={"t": "x"}, status="ok"), 0.1)
    assert db.claim_holder(key) is None  # finishing released it
    assert _claim(db, doc, schema_id, key, unless_done=True) == DONE
    assert isinstance(_claim(db, doc, schema_id, key), int)  # --force: a new run


def test_expired_lease_and_dead_owner_are_taken_over(db) -> None:
    doc, schema_id, key = _job(db)
    first = _claim(db, doc, schema_id, key)
    _set_owner(db, key, "elsewhere:1:1", -1)  # its lease ran out
    second = _claim(db, doc, schema_id, key)
    assert isinstance(second, int) and second != first
    assert db.get_run(first).status == "failed" and db.get_run(first).error == INTERRUPTED
    host = process_owner().split(":")[0]
    _set_owner(db, key, f"{host}:999999999:1", 60)  # no such process here
    assert db.claim_holder(key) == (f"{host}:999999999:1", True)
    assert db.reclaim_stale() == 1
    assert db.get_run(second).error == INTERRUPTED and db.claim_holder(key) is None
    # an interrupted run is no cached failure: the job is done again
    assert db.find_cached_run("ab" * 32, db.get_run(first).schema_hash, "text", None, "k", True) is None


def test_owner_renews_its_leases(db) -> None:
    doc, schema_id, key = _job(db)
    _claim(db, doc, schema_id, key)
    _set_owner(db, key, process_owner(), -1)
    assert db.claim_holder(key) == (process_owner(), True)
    assert db.renew_claims() == 1
    assert db.claim_holder(key) == (process_owner(), False)


def test_a_dead_workers_runs_fail_with_the_reason(db) -> None:
    doc, schema_id, key = _job(db)
    run_id = _claim(db, doc, schema_id, key)
    host = process_owner().split(":")[0]
    _set_owner(db, key, f"{host}:4242:77", 60)
    assert db.fail_claims_of(4242, "a.pdf: the worker died") == [run_id]
    assert db.get_run(run_id).error == "a.pdf: the worker died" and db.claim_holder(key) is None
