"""Helpers for the crash tests: a folder of generated invoices, `docai batch` in a subprocess, the
processes it leaves, and the invariants after a run (each file once in --out and in the database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from docai.schema import resolve_schema
from docai.storage import open_database
from docai.storage.claims import INTERRUPTED
from tests.conftest import make_text_pdf

FIELDS = "invoice_number, total number"


def make_invoices(folder: Path, n: int, pages: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        body = [(72, 72, f"Invoice No: INV-{3000 + i}"), (72, 100, f"Total: {10 + i}.25")]
        filler = [[(72, 72 + 14 * k, f"Line {k} of page {p}: consulting services") for k in range(40)]
                  for p in range(pages - 1)]  # fmt: skip
        paths.append(make_text_pdf(folder / f"inv_{i:03d}.pdf", [body, *filler]))
    return paths


def start_batch(folder: Path, out: Path, db: str, *extra: str, fields: str = FIELDS) -> subprocess.Popen[str]:
    env = {**os.environ, "DOCAI_DB": db}
    cmd = [sys.executable, "-m", "docai", "-q", "batch", str(folder), "--fields", fields, "--out", str(out)]
    return subprocess.Popen(
        [*cmd, *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found.extend(int(x) for x in f.read().split())
        except OSError:
            continue
    return found


def processes_mentioning(marker: str) -> list[int]:
    """Live processes whose command line names `marker` (forked workers keep their parent's argv)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace")
            with open(f"/proc/{entry}/stat") as f:
                state = f.read().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z":
            pids.append(int(entry))
    return pids


def wait_gone(marker: str, timeout: float = 15.0) -> list[int]:
    deadline = time.monotonic() + timeout
    left = processes_mentioning(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = processes_mentioning(marker)
    return left


def out_lines(out: Path) -> int:
    return len(out.read_text().splitlines()) if out.exists() else 0


def wait_for_lines(proc: subprocess.Popen[str], out: Path, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None and out_lines(out) < n:
        time.sleep(0.05)


def check_once_each(out: Path, db: str, files: list[Path], fields: str = FIELDS) -> dict[str, dict]:
    """Every file exactly once in --out and once (one finished, not interrupted run) in the database,
    no run left `running`, no claim left. Returns the --out rows by file name."""
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    names = Counter(Path(r["file"]).name for r in rows)
    assert set(names) == {p.name for p in files}, sorted(set(names) ^ {p.name for p in files})
    assert max(names.values()) == 1, [n for n, c in names.items() if c > 1]
    database = open_database(db)
    try:
        runs = database.list_runs(limit=0)
        from sqlalchemy import func, select

        from docai.storage.models import ClaimRow

        with database.engine.connect() as conn:
            claims = conn.execute(select(func.count()).select_from(ClaimRow)).scalar_one()
    finally:
        database.close()
    assert not [r.id for r in runs if r.status == "running"]
    assert claims == 0
    schema_hash = resolve_schema("fields:" + fields).hash
    done = Counter(r.sha256 for r in runs if r.error != INTERRUPTED and r.schema_hash == schema_hash)
    assert len(done) == len(files) and max(done.values()) == 1, done.most_common(3)
    return {Path(r["file"]).name: r for r in rows}
