"""Uploads live beside the database the options imply; the README's `docai.batch(..., workers=2)`
snippet works in a plain script (no `__main__` guard)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from docai.storage.connection import data_dir
from tests.reliability.batch_procs import make_invoices


def test_data_dir_follows_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCAI_HOME")
    monkeypatch.setenv("DOCAI_DB", str(tmp_path / "team" / "docai.db"))
    assert data_dir() == tmp_path / "team"
    from docai.webui.uploads import uploads_dir

    assert uploads_dir() == tmp_path / "team" / "uploads" and uploads_dir().is_dir()
    monkeypatch.setenv("DOCAI_DB", "postgresql+psycopg2://u@127.0.0.1:1/db")
    assert data_dir() != tmp_path / "team" and "docai" in str(data_dir())
    monkeypatch.setenv("DOCAI_HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home"


@pytest.mark.slow
def test_readme_batch_snippet_in_a_plain_script(tmp_path: Path) -> None:
    folder = tmp_path / "invoices"
    make_invoices(folder, 6)
    script = tmp_path / "plain_script.py"
    script.write_text(
        "import docai\n"
        f"summary = docai.batch({str(folder)!r}, 'fields:invoice_number, total number',"
        f" out={str(tmp_path / 'results.jsonl')!r}, workers=2)\n"
        "print(summary.counts)\n"
    )
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "'ok': 6" in proc.stdout
    rows = [json.loads(x) for x in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 6 and {r["status"] for r in rows} == {"ok"}
