"""A one-shot `docai` process leaves with os._exit once its outputs are flushed and its databases
closed (docai/cli/process_exit.py): what it printed, its --out file and its database rows are all
complete, its exit code is the command's, and the interpreter's teardown is really skipped."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from docai.cli import process_exit

FIELDS = "invoice_number, total number"

# A handler registered before main() runs after the fast exit's (atexit is last in, first out): its
# line shows whether the interpreter's own exit ran.
_PROBE = """
import atexit, sys
atexit.register(lambda: sys.stdout.write("TEARDOWN RAN\\n"))
from docai.cli.main import main
sys.argv[0] = "docai"
sys.exit(main())
"""


def _run(args: list[str], home: Path, probe: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOCAI_HOME=str(home), DOCAI_DB=str(home / "d.db"), DOCAI_CONFIG=str(home / "no"))
    head = ["-c", _PROBE] if probe else ["-m", "docai"]
    return subprocess.run(
        [sys.executable, *head, *args], env=env, capture_output=True, text=True, timeout=300
    )


def _invoices(text_pdf, n: int) -> list[Path]:
    return [
        text_pdf(f"inv_{i}.pdf", [[(72, 72, f"Invoice No: A-{100 + i}"), (72, 100, f"Total: $ {10 + i}.00")]])
        for i in range(n)
    ]


def _rows(db: Path) -> dict[str, int]:
    assert not db.with_name(db.name + "-wal").exists()  # its last connection closed: the WAL checkpointed
    with contextlib.closing(sqlite3.connect(db)) as conn:
        runs = dict(conn.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
        runs["results"] = conn.execute("SELECT count(*) FROM results").fetchone()[0]
        runs["claims"] = conn.execute("SELECT count(*) FROM run_claims").fetchone()[0]
    return runs


def test_extract_prints_everything_and_closes_the_database(tmp_path: Path, text_pdf) -> None:
    files = _invoices(text_pdf, 3)
    home = tmp_path / "home"
    proc = _run(["extract", *map(str, files), "--fields", FIELDS], home, probe=True)
    assert proc.returncode == 0, proc.stderr
    assert "TEARDOWN RAN" not in proc.stdout  # it left by os._exit
    results = json.loads(proc.stdout)  # the whole JSON list came through the pipe
    assert [r["data"]["invoice_number"] for r in results] == ["A-100", "A-101", "A-102"]
    assert _rows(home / "d.db") == {"ok": 3, "results": 3, "claims": 0}


def test_batch_with_workers_writes_every_row(tmp_path: Path, text_pdf) -> None:
    _invoices(text_pdf, 6)
    home, out = tmp_path / "home", tmp_path / "out.jsonl"
    args = ["-q", "batch", str(tmp_path), "--glob", "*.pdf", "--fields", FIELDS, "--workers", "2"]
    proc = _run([*args, "--out", str(out)], home, probe=True)
    assert proc.returncode == 0, proc.stderr
    assert "TEARDOWN RAN" not in proc.stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    numbers = sorted(json.loads(x)["data"]["invoice_number"] for x in lines)
    assert numbers == [f"A-{100 + i}" for i in range(6)]
    assert _rows(home / "d.db") == {"ok": 6, "results": 6, "claims": 0}


def test_the_exit_code_is_the_commands(tmp_path: Path, text_pdf) -> None:
    blank = text_pdf("blank.pdf", [[(72, 72, "nothing to see here")]])
    proc = _run(["-q", "extract", str(blank), "--fields", FIELDS], tmp_path / "home", probe=True)
    assert proc.returncode == 1 and "TEARDOWN RAN" not in proc.stdout  # not ok: 1, as before
    assert json.loads(proc.stdout)["status"] != "ok"
    proc = _run(["extract", str(tmp_path / "missing.pdf"), "--fields", FIELDS], tmp_path / "home", probe=True)
    assert proc.returncode == 3 and "no such file" in proc.stderr  # every file failed
    proc = _run(["extract", str(blank), "--fields", FIELDS, "--format", "xml"], tmp_path / "home", probe=True)
    assert proc.returncode == 2 and "--format" in proc.stderr  # a usage error


def test_other_commands_end_as_before(tmp_path: Path) -> None:
    proc = _run(["--help"], tmp_path / "home", probe=True)
    assert proc.returncode == 0 and "TEARDOWN RAN" in proc.stdout


def test_nothing_but_logging_registers_an_exit_handler_before_main() -> None:
    """Handlers registered before main() are skipped by the fast exit; `finish` stands in for logging's
    only. A new one (an import that registers at import time) must be handled there too."""
    probe = """
import atexit, sys
seen = []
_register = atexit.register
def register(f, *a, **k):
    seen.append(f"{f.__module__}.{f.__qualname__}")
    return _register(f, *a, **k)
atexit.register = register
import docai.cli.main
print(" ".join(seen))
"""
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert set(proc.stdout.split()) <= {"logging.shutdown"}, proc.stdout


def test_finish_shuts_logging_down_and_reports_a_failed_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    done: list[str] = []
    monkeypatch.setattr(process_exit.logging, "shutdown", lambda: done.append("logging"))
    monkeypatch.setattr(process_exit, "_dispose_engines", lambda: done.append("engines"))

    class Broken(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Broken())
    assert process_exit.finish(0) == process_exit.STDOUT_FAILED
    assert process_exit.finish(3) == 3  # a failing command keeps its own code
    assert done == ["engines", "logging"] * 2
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert process_exit.finish(0) == 0


def test_open_engines_are_disposed(tmp_path: Path) -> None:
    from docai.storage import open_database

    db = open_database(tmp_path / "x.db")
    db.save_schema({"type": "object", "properties": {"a": {"type": "string"}}}, None)
    assert (tmp_path / "x.db-wal").exists()
    process_exit._dispose_engines()
    assert not (tmp_path / "x.db-wal").exists()  # the WAL checkpointed as its last connection closed
