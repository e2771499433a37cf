"""`docai history|show|export|schemas|rm|db` in-process on a database filled through the Database API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from storage_helpers import INVOICE_SCHEMA, fake_sha, make_extraction

from docai.cli.main import main


@pytest.fixture
def filled(db: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("COLUMNS", "200")
    sid, digest = db.save_schema(INVOICE_SCHEMA, "invoice")
    ids = {}
    for n in (1, 2):
        doc = db.upsert_document(fake_sha(n), f"invoice_{n}.pdf", 10, "application/pdf", 1)
        run_id = db.start_run(doc, sid, "openai", "m-1", {"think": True}, "k")
        db.finish_run(run_id, make_extraction(10.0 * n), 1.25)
        ids[n] = run_id
    doc3 = db.upsert_document(fake_sha(3), "broken.pdf", 10, "application/pdf", 1)
    ids[3] = db.start_run(doc3, sid, "text", None, {}, "k")
    db.fail_run(ids[3], "engine crashed", 0.5)
    return {"url": db_url, "ids": ids, "hash": digest, "db": db}


def run_cli(url: str, *args: str) -> int:
    return main(["--db", url, *args])


def test_history_table_json_and_filters(filled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    url, ids = filled["url"], filled["ids"]
    assert run_cli(url, "history") == 0
    out = capsys.readouterr().out
    assert "invoice_1.pdf" in out and "broken.pdf" in out and "failed" in out and "openai/m-1" in out
    assert run_cli(url, "history", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [ids[3], ids[2], ids[1]]
    assert rows[1]["data"]["total"] == 20.0 and rows[0]["error"] == "engine crashed"
    assert run_cli(url, "history", "--json", "--status", "failed") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [ids[3]]
    assert run_cli(url, "history", "--json", "--query", "INVOICE_", "--limit", "1") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [ids[2]]
    assert run_cli(url, "history", "--json", "--schema", filled["hash"][:8]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    assert run_cli(url, "history", "--status", "bogus") == 3
    err = capsys.readouterr().err
    assert err.startswith("docai: error: unknown status") and len(err.strip().splitlines()) == 1


def test_show_run(filled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    url, ids = filled["url"], filled["ids"]
    assert run_cli(url, "show", str(ids[1])) == 0
    out = capsys.readouterr().out
    assert "invoice_1.pdf" in out and "INV-10" in out and "ACME" in out
    assert "evidence" in out and "10, 20, 60, 32" in out and "looked at page 1" in out and "1.25s" in out
    assert run_cli(url, "show", str(ids[1]), "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["extraction"]["data"] == make_extraction(10.0).data
    assert shown["extraction"]["evidence"]["total"]["bbox"] == [10.0, 20.0, 60.0, 32.5]
    assert run_cli(url, "show", "999") == 3
    assert "no run with id 999" in capsys.readouterr().err


def test_export_command(filled: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = filled["url"]
    out = tmp_path / "inv.xlsx"
    assert run_cli(url, "export", "--schema", "invoice", "-o", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out)
    sheets = pd.read_excel(out, sheet_name=None)
    docs = sheets["documents"].set_index("file")
    assert docs.loc["invoice_2.pdf", "total"] == 20.0 and docs.loc["broken.pdf", "status"] == "failed"
    assert len(sheets["items"]) == 4
    csv = tmp_path / "inv.csv"
    assert run_cli(url, "export", "--schema", "invoice", "--format", "csv", "-o", str(csv)) == 0
    assert pd.read_csv(tmp_path / "inv.items.csv")["amount"].sum() == pytest.approx(30.0)
    assert run_cli(url, "export", "--schema", "nope", "-o", str(csv)) == 3
    assert run_cli(url, "export", "--schema", "invoice", "-o", str(tmp_path / "x.txt")) == 3
    assert "unknown export format" in capsys.readouterr().err


def test_schemas_commands(filled: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = filled["url"]
    good = tmp_path / "receipt.json"
    good.write_text(json.dumps({"type": "object", "properties": {"shop": {"type": "string"}}}))
    # a bundled example's name is looked up before saved names: saving under it is refused, one line
    assert run_cli(url, "schemas", "save", "receipt", str(good)) == 2
    err = capsys.readouterr().err
    assert "bundled example" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert filled["db"].get_schema("receipt") is None
    assert run_cli(url, "schemas", "save", "shop_receipt", str(good)) == 0
    assert run_cli(url, "schemas", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert {(s["name"], tuple(s["field_names"])) for s in listed} >= {("shop_receipt", ("shop",))}
    assert run_cli(url, "schemas", "list") == 0
    assert "shop_receipt" in capsys.readouterr().out
    assert run_cli(url, "schemas", "show", "shop_receipt") == 0
    assert json.loads(capsys.readouterr().out)["properties"] == {"shop": {"type": "string"}}
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert run_cli(url, "schemas", "save", "x", str(bad)) == 4
    bad.write_text('{"type": "object"}')
    assert run_cli(url, "schemas", "save", "x", str(bad)) == 4
    assert run_cli(url, "schemas", "save", "x", str(tmp_path / "missing.json")) == 3
    assert run_cli(url, "schemas", "rm", "shop_receipt") == 0
    assert run_cli(url, "schemas", "show", "shop_receipt") == 3
    assert filled["db"].get_schema("invoice") is not None


def test_rm_document(filled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    url, db = filled["url"], filled["db"]
    assert run_cli(url, "rm", "invoice_1.pdf") == 3  # no tty and no --yes: refuse
    assert "--yes" in capsys.readouterr().err
    assert len(db.list_runs()) == 3
    assert run_cli(url, "rm", "invoice_1.pdf", "--yes") == 0
    assert [r.file_name for r in db.list_runs()] == ["broken.pdf", "invoice_2.pdf"]
    assert run_cli(url, "rm", fake_sha(2)[:10], "-y") == 0
    assert run_cli(url, "rm", "invoice_1.pdf", "--yes") == 3
    assert [r.file_name for r in db.list_runs()] == ["broken.pdf"]


def test_db_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from docai.storage import open_database
    from docai.storage.connection import make_engine
    from docai.storage.migrate import current_revision, head_revision, upgrade

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "0001")
    engine.dispose()
    assert main(["--db", str(path), "db", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    assert "from 0001 to" in capsys.readouterr().err
    engine = make_engine(f"sqlite:///{path}")
    assert current_revision(engine) == head_revision()
    engine.dispose()
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    assert "already" in capsys.readouterr().err
    open_database(path).close()


def test_help_does_not_import_storage_libraries() -> None:
    code = (
        "import sys, docai.cli.store_cmds\n"
        "heavy = [x for x in ('sqlalchemy', 'alembic', 'pandas', 'torch') if x in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "sqlalchemy" not in out and "pandas" not in out and "alembic" not in out
