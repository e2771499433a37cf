"""`docai extract --engine openai` end to end: a real docai process and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.openai_server import MODEL_NAME, FakeOpenAIServer, completion

SCHEMA = {
    "type": "object",
    "properties": {"invoice_number": {"type": "string"}, "total": {"type": "number"}},
    "required": ["invoice_number", "total"],
}


@pytest.fixture
def server():
    s = FakeOpenAIServer()
    yield s
    s.close()


def test_extract_sends_images_schema_thinking_and_stores_reasoning(
    server, cli, text_pdf, tmp_path: Path
) -> None:
    pdf = text_pdf("inv.pdf", [[(72, 72, "Invoice INV-9"), (72, 100, "Total 1.234,50 EUR")]])
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(SCHEMA))
    answer = {
        "data": {"invoice_number": "INV-9", "total": "1.234,50"},
        "pages": {"invoice_number": 1, "total": 1},
    }
    server.always(completion(json.dumps(answer), reasoning="The header on page 1 shows INV-9."))

    proc = cli(
        "extract",
        str(pdf),
        "--schema",
        str(schema),
        "--engine",
        "openai",
        "--base-url",
        server.url,
        "--model",
        MODEL_NAME,
        "--min-confidence",  # the plumbing is under test here, not the calibrated threshold
        "0",
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "ok" and out["engine"] == "openai" and out["model"] == MODEL_NAME
    assert out["data"] == {"invoice_number": "INV-9", "total": 1234.5}
    assert out["evidence"]["total"]["page_no"] == 1

    request = server.requests[0]
    parts = [p for m in request["messages"] for p in (m["content"] if isinstance(m["content"], list) else [])]
    images = [p for p in parts if p.get("type") == "image_url"]
    assert len(images) == 1 and images[0]["image_url"]["url"].startswith("data:image/")
    fmt = request["response_format"]
    assert fmt["type"] == "json_schema"
    sent = fmt["json_schema"]["schema"]["properties"]["data"]["properties"]
    assert set(sent) == {"invoice_number", "total"}
    assert request["chat_template_kwargs"]["enable_thinking"] is True
    assert request["model"] == MODEL_NAME

    shown = cli("show", str(out["run_id"]), "--json")
    assert shown.returncode == 0, shown.stderr
    assert "INV-9" in json.loads(shown.stdout)["extraction"]["reasoning"]


def test_no_think_and_unreachable_server(server, cli, text_pdf) -> None:
    pdf = text_pdf("inv.pdf", [[(72, 72, "Invoice INV-9"), (72, 100, "Total 12.00")]])
    answer = {"data": {"invoice_number": "INV-9", "total": 12}, "pages": {}}
    server.always(completion(json.dumps(answer)))
    proc = cli(
        "extract",
        str(pdf),
        "--fields",
        "invoice_number, total number",
        "--engine",
        "openai",
        "--base-url",
        server.url,
        "--no-think",
        "--min-confidence",
        "0",
    )
    assert proc.returncode == 0, proc.stderr
    assert server.requests[-1]["chat_template_kwargs"]["enable_thinking"] is False
    dead = "http://127.0.0.1:9/v1"
    proc = cli(
        "extract",
        str(pdf),
        "--fields",
        "total number",
        "--engine",
        "openai",
        "--base-url",
        dead,
        "--model",
        MODEL_NAME,
    )
    assert proc.returncode == 6  # engine unavailable: the server is not there
    result = json.loads(proc.stdout)
    assert result["status"] == "failed" and result["error"]
    assert "Traceback" not in proc.stderr
