"""`docai serve` as a real subprocess, killed (SIGKILL) mid-job and started again: the job completes
and every file is finished exactly once, with one completed run per document."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from docai.storage import open_database
from tests.server.conftest import SCHEMA, free_port, make_invoices

pytestmark = pytest.mark.slow


def _serve(db: Path, docs: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "docai.cli.main", "--db", str(db), "serve", "--no-auth", "--no-ui",
        "--port", str(port), "--allow-path", str(docs), "--lease-s", "2", "--engine", "text",
    ]  # fmt: skip
    env = {**os.environ, "DOCAI_LANG": "eng"}
    return subprocess.Popen(cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env)


def _wait_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not come up")


def test_killed_server_resumes_job_each_file_once(tmp_path: Path) -> None:
    docs, db, log = tmp_path / "docs", tmp_path / "serve.db", tmp_path / "serve.log"
    files = make_invoices(docs, 16)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _serve(db, docs, port, log)
    try:
        _wait_up(url, proc, log)
        r = httpx.post(
            f"{url}/v1/extract", json={"paths": [str(p) for p in files], "schema": SCHEMA}, timeout=30
        )
        job_id = r.json()["job"]["id"]
        deadline = time.monotonic() + 120
        while httpx.get(f"{url}/v1/jobs/{job_id}", timeout=10).json()["job"]["progress"]["done"] < 3:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        with open_database(db) as database, database.engine.connect() as conn:
            state = conn.execute(text("SELECT state FROM jobs WHERE id = :j"), {"j": job_id}).scalar()
            done_before = conn.execute(text("SELECT count(*) FROM job_files WHERE state = 'done'")).scalar()
        assert state == "running" and 3 <= done_before < 16  # left running in the database
        proc = _serve(db, docs, port, log)
        _wait_up(url, proc, log)
        deadline = time.monotonic() + 180
        while (status := httpx.get(f"{url}/v1/jobs/{job_id}", timeout=10).json())["job"]["state"] != "done":
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(30)
    assert [f["state"] for f in status["files"]] == ["done"] * 16
    numbers = sorted(f["result"]["data"]["invoice_number"] for f in status["files"])
    assert numbers == [f"INV-{i:04d}" for i in range(16)]
    with open_database(db) as database, database.engine.connect() as conn:
        seqs = [row[0] for row in conn.execute(text("SELECT seq FROM job_files"))]
        per_doc = conn.execute(  # results; a run cut short by the kill is failed 'interrupted' (or running)
            text(
                "SELECT document_id, count(*) FROM runs WHERE status NOT IN ('running', 'failed') "
                "GROUP BY document_id"
            )
        ).all()
        cut_short = conn.execute(text("SELECT error FROM runs WHERE status = 'failed'")).scalars().all()
    assert len(set(seqs)) == 16  # each file finished once
    assert len(per_doc) == 16 and all(n == 1 for _, n in per_doc)  # and extracted to a stored result once
    assert all(e.startswith("interrupted") for e in cut_short)
