"""The served app through gradio_client: extract, ask, history, export and batch with the text engine."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

ENGINE = {"engine": "text", "model": "", "base_url": "", "think": False, "pages": "", "force": False}
NO_TABLE = {"headers": ["name", "type", "description"], "data": [["x", "text", ""]]}


@pytest.fixture(scope="module")
def client(served) -> Client:
    return Client(served.url, verbose=False)


def extract(client: Client, files: list[Path], **schema) -> tuple[str, list[dict]]:
    args = {
        "schema_mode": "Saved or example",
        "schema_name": "invoice (example)",
        "schema_text": "",
        "field_table": NO_TABLE,
        **schema,
    }
    out = client.predict(files=[handle_file(str(f)) for f in files], **args, **ENGINE, api_name="/extract")
    status, cards, _fields, _table, _items, payload = out[:6]
    assert isinstance(cards, str)
    return status + "\n" + cards, json.loads(payload) if payload else []


def test_extract_invoice_values_and_evidence(client: Client, invoice_pdf: Path) -> None:
    status, results = extract(client, [invoice_pdf])
    assert len(results) == 1 and results[0]["file"] == "invoice.pdf"
    data = results[0]["data"]
    assert data["invoice_number"] == "INV-1001"
    assert data["issue_date"] == "2024-03-05"
    assert data["total"] == pytest.approx(1234.50)
    # ok, or review when the verification stage holds a field below --min-confidence (issue 13)
    assert f"invoice.pdf: {results[0]['status']}" in status and results[0]["status"] in ("ok", "review")
    total = results[0]["evidence"]["total"]
    assert total["page_no"] == 1 and total["bbox"][1] < 300 < total["bbox"][3] + 2


def test_extract_with_field_table_and_bad_files(client: Client, invoice_pdf: Path, tmp_path: Path) -> None:
    not_doc = tmp_path / "notes.pdf"
    not_doc.write_text("this is plain text, not a PDF")
    table = {
        "headers": ["name", "type", "description"],
        "data": [["invoice_number", "text", "Invoice No"], ["total", "number", "Total due"]],
    }
    status, results = extract(client, [invoice_pdf, not_doc], schema_mode="Field table", field_table=table)
    by_name = {r["file"]: r for r in results}
    assert set(by_name["invoice.pdf"]["data"]) == {"invoice_number", "total"}
    assert by_name["invoice.pdf"]["data"]["total"] == pytest.approx(1234.50)
    assert by_name["notes.pdf"]["status"] == "failed" and by_name["notes.pdf"]["error"]
    assert "notes.pdf: failed" in status


def test_extract_refuses_oversized_upload_and_bad_schema(
    client: Client, invoice_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCAI_UI_MAX_UPLOAD_MB", "0.0001")
    status, results = extract(client, [invoice_pdf])
    assert results == [] and "over the" in status and "not processed" in status
    monkeypatch.delenv("DOCAI_UI_MAX_UPLOAD_MB")
    status, results = extract(
        client, [invoice_pdf], schema_mode="JSON or shorthand", schema_text='{"type": "object", "pro'
    )
    assert results == [] and "invoice.pdf" in status and "JSON" in status and "What to do" in status


def test_ask_cites_the_page(client: Client, invoice_pdf: Path) -> None:
    chat, gallery, details, question, page, note, reasoning, alert = client.predict(
        ask_files=[handle_file(str(invoice_pdf))],
        extract_files=None,
        question="What is the total?",
        chat=[],
        **ENGINE,
        api_name="/ask",
    )
    answer = chat[-1]["content"][0]["text"]
    assert "1,234.50" in answer and "Cited: invoice.pdf p. 1" in answer
    assert len(gallery) == 1 and Path(gallery[0]["image"]).is_file()
    assert gallery[0]["caption"] == "invoice.pdf p. 1"
    assert "Total" in details and question == "" and alert == ""
    assert page and "Page 1 of 1" in note and reasoning  # the first cited page is shown at once
    follow = client.predict(
        ask_files=[handle_file(str(invoice_pdf))],
        extract_files=None,
        question="And the invoice date?",
        chat=chat,
        **ENGINE,
        api_name="/ask",
    )[0]
    assert len(follow) == 4 and follow[0]["role"] == "user"


def test_history_open_and_export(client: Client, invoice_pdf: Path, tmp_path: Path) -> None:
    extract(client, [invoice_pdf])
    kinds = "Runs and answers"
    table, _schemas, _export = client.predict(
        query="invoice", kind=kinds, schema=None, status="ok", since="", limit=20, api_name="/history"
    )
    rows = table["data"]
    assert rows and all(r[0] == "extraction" and r[3] == "invoice.pdf" and r[5] == "ok" for r in rows)
    opened = client.predict(picked=f"extraction {rows[0][1]}", api_name="/open_history")
    note = opened[-1]
    assert f"Opened run {rows[0][1]}" in note and "not stored" not in note
    assert "INV-1001" in opened[0] + opened[1]  # the run log and the card are filled, not left empty
    empty, _, _ = client.predict(
        query="", kind=kinds, schema=None, status="", since="2999-01-01", limit=20, api_name="/history"
    )
    assert not any(r[0] for r in empty["data"])
    schema = rows[0][4]
    files = client.predict(schema=schema, fmt="csv", api_name="/export")
    with open(files[0]) as f:
        text = f.read()
    header = next(csv.reader(text.splitlines()))
    assert "INV-1001" in text and any("invoice_number" in h for h in header)


def test_batch_with_zip_streams_rows(
    client: Client, invoice_pdf: Path, injection_pdf: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "docs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(invoice_pdf, "a/invoice.pdf")
        zf.write(injection_pdf, "b/other.pdf")
        zf.writestr("../evil.pdf", invoice_pdf.read_bytes())
    job = client.submit(
        files=[handle_file(str(archive))],
        schema_mode="Saved or example",
        schema_name="invoice (example)",
        schema_text="",
        field_table=NO_TABLE,
        **ENGINE,
        api_name="/batch",
    )
    outputs = list(job)
    status, table, _items, alert = job.outputs()[-1] if job.outputs() else outputs[-1]
    assert "done: 2 file(s)" in status
    assert "evil.pdf" in alert and "unsafe path" in alert  # the refused entry is told, not dropped
    names = sorted(r[0] for r in table["data"])
    assert len(names) == 2 and any(n.endswith("invoice.pdf") for n in names)
    assert len(job.outputs()) >= 2  # one update per finished file, then the summary
