"""`--out` ends with one line per file, the newest: a rerun (`--retry-failed`, `--force`) replaces the
file's old line; the same run seen again (a resume, another batch served from the cache) is not written
twice. Real files, a real SQLite database and real `docai batch` subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from docai.batch_files import JsonlOut
from docai.file_result import FileResult


def _ok(file: str, run_id: int) -> FileResult:
    return FileResult(file, "a" * 64, run_id, "ok", {"total": run_id}, {}, "text", None, 0.1)


def _failed(file: str, run_id: int | None) -> FileResult:
    return FileResult.failed(file, f"{file}: why", "text", None, sha256="a" * 64, run_id=run_id)


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_a_newer_run_replaces_the_old_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    w = JsonlOut(out)
    w.write(_failed("a.pdf", 1))
    w.write(_ok("b.pdf", 2))
    w.close()
    w = JsonlOut(out)  # the rerun, with --retry-failed
    w.write(_ok("a.pdf", 3))
    w.write(_ok("b.pdf", 2))  # served from the cache: the same run, left as it is
    w.close()
    rows = _lines(out)
    assert [(r["file"], r["run_id"], r["status"]) for r in rows] == [("b.pdf", 2, "ok"), ("a.pdf", 3, "ok")]


def test_two_writers_see_each_others_replacements(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    a, b = JsonlOut(out), JsonlOut(out)  # two batches on one --out
    a.write(_failed("x.pdf", 1))
    b.write(_ok("x.pdf", 2))  # b's newer run of x replaces a's line
    a.write(_ok("y.pdf", 3))
    a.write(_ok("x.pdf", 2))  # a is served b's run from the cache: nothing more to write
    b.write(_ok("y.pdf", 3))
    a.close()
    b.close()
    rows = _lines(out)
    assert sorted((r["file"], r["run_id"]) for r in rows) == [("x.pdf", 2), ("y.pdf", 3)]


def test_repair_keeps_the_newest_line_of_each_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    old = json.dumps(_failed("a.pdf", 1).to_json())
    new = json.dumps(_ok("a.pdf", 4).to_json())
    out.write_text(f'{old}\n{json.dumps(_ok("b.pdf", 2).to_json())}\n{new}\n{{"file": "c.p')
    JsonlOut(out).close()
    assert [(r["file"], r["run_id"]) for r in _lines(out)] == [("b.pdf", 2), ("a.pdf", 4)]


def _batch(folder: Path, out: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "docai", "-q", "batch", str(folder), "--fields", "total number"]
    env = {**os.environ, "DOCAI_DB": str(db)}
    return subprocess.run(
        [*cmd, "--out", str(out), *extra], env=env, capture_output=True, text=True, timeout=240
    )


def test_retry_failed_into_the_same_out_keeps_only_the_newest(tmp_path: Path) -> None:
    import pymupdf

    folder, out, db = tmp_path / "docs", tmp_path / "out.jsonl", tmp_path / "b.db"
    folder.mkdir()
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Total: $12.50", fontsize=11)
    doc.save(folder / "good.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    first = _batch(folder, out, db)
    assert first.returncode == 1, first.stderr
    before = {r["file"]: r for r in _lines(out)}
    again = _batch(folder, out, db, "--retry-failed")
    assert again.returncode == 1 and "Traceback" not in again.stderr, again.stderr
    rows = _lines(out)
    assert len(rows) == 2 and len({r["file"] for r in rows}) == 2
    after = {Path(r["file"]).name: r for r in rows}
    old_broken = next(r for f, r in before.items() if f.endswith("broken.pdf"))
    assert after["broken.pdf"]["status"] == "failed"
    assert after["broken.pdf"]["run_id"] != old_broken["run_id"]  # the retry's run, not the first one
    assert (
        after["good.pdf"]["run_id"] == next(r for f, r in before.items() if f.endswith("good.pdf"))["run_id"]
    )
