"""history, show and export from the CLI on a database filled by real `docai extract` runs (text engine)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from docai.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def filled_db(text_pdf, capsys) -> list[dict]:
    docs = []
    for i in range(2):
        lines = [
            (72, 72, "Acme Office Supplies Ltd"),
            (72, 110, f"Invoice No: INV-{700 + i}"),
            (72, 130, f"Invoice Date: 2024-05-0{i + 1}"),
            (72, 250, f"Total: ${10 * (i + 1) + 5}.00"),
        ]
        rows = [
            ("Description", "Qty", "Unit Price", "Amount"),
            ("Paper A4 box", str(i + 1), "10.00", f"{10 * (i + 1)}.00"),
            ("Stapler", "1", "5.00", "5.00"),
        ]
        for r, row in enumerate(rows):
            lines += [(x, 170 + 20 * r, cell) for x, cell in zip((72, 300, 360, 460), row, strict=True)]
        docs.append(text_pdf(f"inv{i}.pdf", [lines]))
    assert main(["extract", *map(str, docs), "--schema", "invoice", "--format", "jsonl"]) in (0, 1)
    return [json.loads(x) for x in capsys.readouterr().out.splitlines()]


def test_history_show_export(filled_db: list[dict], capsys, tmp_path: Path) -> None:
    assert [r["data"]["invoice_number"] for r in filled_db] == ["INV-700", "INV-701"]
    assert [r["data"]["total"] for r in filled_db] == [15.0, 25.0]
    assert main(["history", "--json", "--schema", "invoice"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert sorted(r["id"] for r in runs) == sorted(r["run_id"] for r in filled_db)
    run_id = filled_db[0]["run_id"]
    assert main(["show", str(run_id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["extraction"]["data"]["invoice_number"] == "INV-700"
    assert shown["extraction"]["evidence"]["total"]["page_no"] == 1
    out = tmp_path / "inv.csv"
    assert main(["export", "--schema", "invoice", "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert sorted(r["invoice_number"] for r in rows) == ["INV-700", "INV-701"]
    items = Path(str(out).replace(".csv", ".items.csv"))
    assert items.exists() and "Paper A4 box" in items.read_text()


def test_show_unknown_run(capsys) -> None:
    assert main(["show", "999"]) == 3
    assert "no run with id 999" in capsys.readouterr().err
