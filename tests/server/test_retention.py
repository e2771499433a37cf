"""Retention: ended jobs older than `retention_days` are forgotten with their files and deliveries, and
old uploads no kept job reads and no document awaiting review needs are deleted; the rest stays.
Real SQLite (and PostgreSQL when DOCAI_TEST_DATABASE_URL is set), real files on disk."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from docai.server.retention import clean_up
from docai.server.uploads import UploadStore
from docai.storage import open_database
from docai.storage.job_models import JobRow
from docai.storage.jobs import JobStore, NewFile
from docai.storage.models import utcnow
from tests.storage.storage_helpers import fake_sha, make_extraction

SCHEMA = {"type": "object", "properties": {"total": {"type": "number"}}}
DAY = 86_400


@pytest.fixture(params=["sqlite", "postgresql"])
def jobs(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "postgresql":
        if not os.environ.get("DOCAI_TEST_DATABASE_URL"):
            pytest.skip("DOCAI_TEST_DATABASE_URL is not set")
        from tests.pg_schema import pg_schema_url

        gen = pg_schema_url("docai_ret_")
        url = next(gen)
    else:
        gen, url = None, str(tmp_path / "ret.db")
    db = open_database(url)
    try:
        yield JobStore(db)
    finally:
        db.close()
        if gen is not None:
            next(gen, None)


def _upload(store: UploadStore, n: int, age_days: float) -> tuple[Path, str]:
    sha = fake_sha(n)
    path = store.path_for(sha, ".pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 " + bytes([n]))
    old = time.time() - age_days * DAY
    os.utime(path, (old, old))
    return path, sha


def _finished_job(jobs: JobStore, path: Path, age_days: float) -> str:
    job_id = jobs.create("extract", [NewFile(str(path), path.name)], SCHEMA)
    f = jobs.claim("me", 30)
    assert f is not None and jobs.finish(f.id, "me", "ok", None, {"status": "ok"})
    assert jobs.close_if_finished(job_id) == "done"
    jobs.record_delivery(job_id, "job.done", "http://x", 1, status_code=204, error=None, delivered=True,
                         duration_s=0.1, delivery_id=f"{job_id}.job.done")  # fmt: skip
    when = utcnow() - timedelta(days=age_days)
    jobs.db._write(lambda s: s.execute(update(JobRow).where(JobRow.id == job_id).values(finished_at=when)))
    return job_id


def test_old_jobs_and_unused_uploads_go_the_rest_stays(jobs: JobStore, tmp_path: Path) -> None:
    uploads = UploadStore(tmp_path / "uploads")
    old_path, _ = _upload(uploads, 1, 40)  # read only by an old job: goes with it
    kept_path, _ = _upload(uploads, 2, 40)  # old file, but a recent job reads it
    new_path, _ = _upload(uploads, 3, 1)  # recent: stays
    review_path, review_sha = _upload(uploads, 4, 40)  # its document waits for a person: stays
    stray, _ = _upload(uploads, 5, 40)  # no job at all (an /v1/ask upload), old: goes
    web_ui = tmp_path / "uploads" / f"{fake_sha(6)}.pdf"  # the web app's own layout: never touched
    web_ui.write_bytes(b"%PDF")
    os.utime(web_ui, (time.time() - 90 * DAY,) * 2)
    old_job = _finished_job(jobs, old_path, 40)
    recent_job = _finished_job(jobs, kept_path, 2)
    running = jobs.create("extract", [NewFile(str(new_path), "new.pdf")], SCHEMA)
    db = jobs.db
    sid, _ = db.save_schema(SCHEMA, "ret")
    doc = db.upsert_document(review_sha, "r.pdf", 10, "application/pdf", 1)
    run = db.start_run(doc, sid, "text", None, {}, "k")
    db.finish_run(run, make_extraction(5.0, status="review"), 0.1)

    cleaned = clean_up(jobs, uploads, retention_days=30)

    assert (cleaned.jobs, cleaned.uploads) == (1, 2)
    assert jobs.get(old_job) is None and jobs.deliveries(old_job) == []
    assert jobs.get(recent_job) is not None and jobs.get(running) is not None
    assert not old_path.exists() and not stray.exists()
    assert kept_path.exists() and new_path.exists() and review_path.exists() and web_ui.exists()
    assert db.get_run(run) is not None  # runs are history: retention keeps them
    assert clean_up(jobs, uploads, retention_days=0) == type(cleaned)(0, 0)  # 0 keeps everything
    assert clean_up(jobs, uploads, retention_days=30) == type(cleaned)(0, 0)  # nothing more to do


def test_negative_retention_is_refused(tmp_path: Path) -> None:
    from docai.errors import InputError
    from docai.server import ServerConfig

    with pytest.raises(InputError, match="retention"):
        ServerConfig(retention_days=-1).check()
