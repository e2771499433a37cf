"""`docai eval` through the openai engine against a real OpenAI-compatible HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from docai.cli.main import main

ANSWER = {
    "invoice_number": "A-1",
    "date": "2024-03-03",
    "total": 10.5,
    "items": [{"name": "Pen", "amount": 10.5}],
}


class _Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send({"object": "list", "data": [{"id": "fake-vlm", "object": "model"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.requests.append(body)
        content = json.dumps(ANSWER)
        self._send(
            {
                "id": "x",
                "object": "chat.completion",
                "model": body.get("model") or "fake-vlm",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }
        )


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.requests.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_eval_scores_an_openai_compatible_server(server: str, generic_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    rc = main(
        [
            "eval",
            "run",
            str(generic_dataset),
            "--engine",
            "openai",
            "--base-url",
            server,
            "--model",
            "fake-vlm",
            "--out",
            str(out),
            "--limit",
            "2",
        ]
    )
    assert rc == 0
    assert _Handler.requests and all(r.get("messages") for r in _Handler.requests)
    report = json.loads(out.read_text())
    assert report["engine"] == "openai" and report["model"] == "fake-vlm"
    docs = {r["doc"]: r for r in report["extraction"]["per_document"]}
    assert docs["inv0.pdf"]["wrong"] == []  # the server's answer is inv0's truth
    assert {w["field"] for w in docs["inv1.pdf"]["wrong"]} >= {"invoice_number", "total"}
