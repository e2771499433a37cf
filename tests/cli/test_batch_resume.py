"""`docai batch` on 200 generated invoices with a corrupt file in the middle: SIGINT halfway, rerun, resume.

Real subprocesses, the real `text` engine, a real SQLite file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from docai.storage import open_database

N_DOCS = 200
CORRUPT_AT = 100


def _make_folder(folder: Path) -> None:
    import pymupdf

    folder.mkdir()
    for i in range(N_DOCS):
        path = folder / f"inv_{i:03d}.pdf"
        if i == CORRUPT_AT:
            path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage, truncated")
            continue
        doc = pymupdf.open()
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 72), "Example Supplies Ltd", fontsize=14)
        page.insert_text((72, 110), f"Invoice No: INV-{1000 + i}", fontsize=11)
        page.insert_text((72, 130), f"Total: ${100 + i}.50", fontsize=11)
        doc.save(path)
        doc.close()


def _batch(folder: Path, out: Path, db: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DOCAI_DB": str(db)}
    fields = "invoice_number, total number"
    cmd = [
        sys.executable,
        "-m",
        "docai",
        "-q",
        "batch",
        str(folder),
        "--fields",
        fields,
        "--out",
        str(out),
        *extra,
    ]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigint_then_resume_gives_each_result_once(tmp_path: Path, workers: str) -> None:
    folder, out, db = tmp_path / "docs", tmp_path / "results.jsonl", tmp_path / "batch.db"
    _make_folder(folder)
    proc = _batch(folder, out, db, "--workers", workers)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if out.exists() and len(out.read_text().splitlines()) >= 40:
            break
        time.sleep(0.2)
    assert proc.poll() is None, f"batch ended before it could be interrupted: {proc.communicate()}"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    done_first = len(out.read_text().splitlines())
    assert 40 <= done_first < N_DOCS

    proc = _batch(folder, out, db, "--workers", workers)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 1, err  # one file failed
    assert "Traceback" not in err

    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == N_DOCS
    assert len({x["file"] for x in lines}) == N_DOCS
    statuses = Counter(x["status"] for x in lines)
    assert statuses == {"ok": N_DOCS - 1, "failed": 1}
    failed = next(x for x in lines if x["status"] == "failed")
    assert failed["file"].endswith(f"inv_{CORRUPT_AT:03d}.pdf") and failed["error"]
    sample = next(x for x in lines if x["file"].endswith("inv_007.pdf"))
    assert sample["data"] == {"invoice_number": "INV-1007", "total": 107.5}

    database = open_database(str(db))
    try:
        runs = database.list_runs(limit=10_000)
        finished = [r for r in runs if r.status != "running"]
    finally:
        database.close()
    per_doc = Counter(r.sha256 for r in finished)
    assert len(per_doc) == N_DOCS and max(per_doc.values()) == 1
    assert len(runs) == N_DOCS  # the run cut off by Ctrl-C was discarded, not left 'running'


def test_two_worker_processes(tmp_path: Path) -> None:
    folder, out, db = tmp_path / "docs", tmp_path / "results.jsonl", tmp_path / "batch.db"
    folder.mkdir()
    import pymupdf

    for i in range(12):
        doc = pymupdf.open()
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 110), f"Invoice No: INV-{2000 + i}", fontsize=11)
        page.insert_text((72, 130), f"Total: ${10 + i}.00", fontsize=11)
        doc.save(folder / f"w{i:02d}.pdf")
        doc.close()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    proc = _batch(folder, out, db, "--workers", "2")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    rows = {Path(x["file"]).name: x for x in map(json.loads, out.read_text().splitlines())}
    assert len(rows) == 13 and rows["broken.pdf"]["status"] == "failed"
    assert rows["w05.pdf"]["data"] == {"invoice_number": "INV-2005", "total": 15.0}
    assert Counter(r["status"] for r in rows.values()) == {"ok": 12, "failed": 1}
