"""`Answer.also_retrieved` is stored (migration 0006) and shown: `docai show --answer`, `docai history
--answers` and `docai export --answers`. Real databases (SQLite, PostgreSQL when configured)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from storage_helpers import fake_sha

from docai.cli.main import main
from docai.results import Answer, Citation


def _answer() -> Answer:
    return Answer(
        question="What was Q4 revenue?",
        text="$117.7 million",
        found=True,
        citations=[Citation(2, "report.pdf", (72.0, 300.0, 400.0, 312.0), "Revenue 101.2 105.4 110.9 117.7")],
        also_retrieved=[Citation(3, "report.pdf", None, "Outlook"), Citation(1, "report.pdf", None, "Cover")],
        engine="text",
    )


@pytest.fixture
def stored(db: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("COLUMNS", "250")
    doc = db.upsert_document(fake_sha(7), "report.pdf", 10, "application/pdf", 3)
    return {"url": db_url, "db": db, "id": db.save_answer([doc], _answer(), 0.4)}


def test_also_retrieved_survives_the_database(stored: dict[str, Any]) -> None:
    back = stored["db"].get_answer(stored["id"]).answer
    assert [c.page_no for c in back.also_retrieved] == [3, 1]
    assert back.also_retrieved[0].text == "Outlook" and back.also_retrieved[0].document == "report.pdf"
    assert [c.page_no for c in back.citations] == [2]  # cited pages are not mixed in


def test_show_and_history_list_the_pages_not_cited(stored: dict[str, Any], capsys) -> None:
    url, answer_id = stored["url"], str(stored["id"])
    assert main(["--db", url, "show", "--answer", answer_id]) == 0
    out = capsys.readouterr().out
    assert "$117.7 million" in out and "[p. 2]" in out
    assert "also retrieved (not cited): p. 3, p. 1" in out
    assert main(["--db", url, "show", "--answer", answer_id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [c["page_no"] for c in shown["also_retrieved"]] == [3, 1] and shown["files"] == ["report.pdf"]
    assert main(["--db", url, "history", "--answers", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["page_no"] for c in listed[0]["also_retrieved"]] == [3, 1]
    assert main(["--db", url, "show", "--answer", "999"]) == 3
    assert main(["--db", url, "show"]) == 2


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_export_answers_has_an_also_retrieved_column(
    stored: dict[str, Any], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"answers.{fmt}"
    assert main(["--db", stored["url"], "export", "--answers", "-o", str(out)]) == 0
    if fmt == "csv":
        frame = pd.read_csv(out)
    elif fmt == "jsonl":
        frame = pd.read_json(out, lines=True)
    else:
        frame = pd.read_excel(out, sheet_name="answers")
    row = frame.iloc[0]
    assert row["cited_pages"] == "p. 2" and row["also_retrieved_pages"] == "p. 3; p. 1"
    assert [c["page_no"] for c in json.loads(row["also_retrieved"])] == [3, 1]


def test_export_needs_a_schema_or_answers(stored: dict[str, Any], tmp_path: Path) -> None:
    assert main(["--db", stored["url"], "export", "-o", str(tmp_path / "x.csv")]) == 2
