"""`docai review`, `docai correct`, `docai accept`, the export's review columns, `docai history` and
`docai eval reviewed`, each in a real subprocess over a real SQLite file and a real PDF (text engine)."""

from __future__ import annotations

import csv
import getpass
import json
import subprocess
import sys
from pathlib import Path

from tests.review.conftest import SCHEMA, make_invoice


def docai(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docai", *args], capture_output=True, text=True, cwd=cwd, timeout=180
    )


def _one_error_line(p: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert p.returncode == code, p.stderr
    assert "Traceback" not in p.stderr and p.stderr.count("\n") == 1 and text in p.stderr, p.stderr


def test_review_correct_accept_then_export_history_and_eval(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    make_invoice(docs / "invoice.pdf")
    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    assert docai("schemas", "save", "review_inv", str(tmp_path / "schema.json")).returncode == 0
    extracted = docai("extract", str(docs / "invoice.pdf"), "--schema", "review_inv", "-e", "text")
    assert "invoice.pdf: partial" in extracted.stderr  # po_number is left for a person

    queue = json.loads(docai("review", "--json").stdout)
    assert [(q["file_name"], q["status"]) for q in queue] == [("invoice.pdf", "partial")]
    assert any(r.startswith("po_number: required") for r in queue[0]["reasons"])
    run = str(queue[0]["run_id"])
    table = docai("review", "--schema", "review_inv").stdout
    assert "invoice.pdf" in table and "partial" in table

    _one_error_line(docai("correct", run, "total", "12,x"), 3, "total: '12,x' is not a number")
    _one_error_line(docai("correct", run, "po_number", "X", "--bbox", "1,2"), 3, "four numbers")
    _one_error_line(docai("correct", "999", "po_number", "X"), 3, "no run with id 999")
    done = docai("correct", run, "po_number", "ABC-77", "--page", "1", "--bbox", "110,140,150,152")
    assert done.returncode == 0 and f"version 1, in review (by {getpass.getuser()})" in done.stdout
    _one_error_line(docai("correct", run, "po_number", "XYZ", "--version", "0"), 9, "not version 0")
    _one_error_line(docai("accept", run, "nope"), 3, "has no field 'nope'")
    assert "version 2" in docai("accept", run, "total").stdout

    fields = {f["field"]: f for f in json.loads(docai("review", run, "--json").stdout)["fields"]}
    assert fields["po_number"]["value"] == "ABC-77" and fields["po_number"]["engine_value"] is None
    assert fields["po_number"]["state"] == "corrected" and fields["total"]["state"] == "accepted"
    assert fields["po_number"]["evidence"]["bbox"] == [110, 140, 150, 152]
    assert fields["invoice_number"]["state"] == "engine"

    assert "reviewed" in docai("accept", run).stdout
    _one_error_line(docai("accept", run), 3, "already reviewed")
    assert json.loads(docai("review", "--json").stdout) == []
    history = json.loads(docai("history", "--status", "reviewed", "--json").stdout)
    assert [h["data"]["po_number"] for h in history] == ["ABC-77"]

    out = tmp_path / "out.csv"
    assert docai("export", "--schema", "review_inv", "-o", str(out)).returncode == 0
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["status"] == "reviewed" and row["po_number"] == "ABC-77"
    assert (row["review:po_number"], row["review:total"], row["review:invoice_number"]) == (
        "corrected",
        "accepted",
        "accepted",
    )

    ev = docai("eval", "reviewed", "--schema", "review_inv", "--data", str(docs), "-e", "text", "--json")
    assert ev.returncode == 0, ev.stderr
    report = json.loads(ev.stdout)
    (doc,) = report["extraction"]["per_document"]
    assert doc["truth"]["po_number"] == "ABC-77" and doc["prediction"]["po_number"] is None
    assert report["extraction"]["fields"]["invoice_number"]["accuracy"] == 1.0
    _one_error_line(docai("eval", "reviewed", "--schema", "review_inv"), 3, "give --data FOLDER")
    _one_error_line(docai("eval", "reviewed", "--schema", "nope"), 3, "no schema named 'nope'")
