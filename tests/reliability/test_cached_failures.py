"""A failure served from the cache reads as the fresh one did: the same per-file record (run id, no
data, error, exit code) and the same batch exit code. Real PDFs, a real SQLite file, real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pymupdf

from docai.options import Options
from docai.service import Service

FIELDS = "fields: invoice_number, total number"
SAME = (
    "file",
    "sha256",
    "run_id",
    "status",
    "data",
    "evidence",
    "engine",
    "model",
    "error",
    "fields",
    "review",
)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Invoice No: INV-7  Total: $12.50", fontsize=11)
    doc.save(folder / "good.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 cut off here")  # opens as a PDF header, then fails
    (folder / "notes.pdf").write_text("plain text, not a PDF\n" * 20)
    return folder


def test_cached_failures_match_the_fresh_ones(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with Service(Options(engine="text", lang="eng"), db=str(tmp_path / "c.db")) as svc:
        fresh = {Path(r.file).name: r for r in svc.batch(folder, FIELDS).results}
        again = {Path(r.file).name: r for r in svc.batch(folder, FIELDS).results}
    for name in ("broken.pdf", "notes.pdf"):
        first, second = fresh[name], again[name]
        assert first.status == "failed" and not first.cached and second.cached, name
        assert first.run_id is not None and second.run_id == first.run_id, name
        assert first.error_code == 3 and second.error_code == first.error_code, name
        a, b = first.to_json(), second.to_json()
        assert {k: a[k] for k in SAME} == {k: b[k] for k in SAME}, name
    # an identifier label and an amount label on one line once crashed verification (docai/verify/sanity.py)
    assert fresh["good.pdf"].status != "failed", fresh["good.pdf"].error
    assert again["good.pdf"].cached and again["good.pdf"].status == fresh["good.pdf"].status


def test_batch_exit_code_and_out_lines_match_a_fresh_run(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    env = {**os.environ, "DOCAI_DB": str(tmp_path / "cli.db")}
    outs, codes = [], []
    for n in (1, 2):
        out = tmp_path / f"out{n}.jsonl"
        cmd = [sys.executable, "-m", "docai", "-q", "batch", str(folder), "--fields", FIELDS[8:]]
        proc = subprocess.run([*cmd, "--out", str(out)], env=env, capture_output=True, text=True, timeout=240)
        assert "Traceback" not in proc.stderr, proc.stderr
        codes.append(proc.returncode)
        outs.append({Path(r["file"]).name: r for r in map(json.loads, out.read_text().splitlines())})
    assert codes == [1, 1]
    for name in ("broken.pdf", "notes.pdf"):
        assert outs[1][name]["cached"] is True
        assert {k: outs[0][name][k] for k in SAME} == {k: outs[1][name][k] for k in SAME}, name
