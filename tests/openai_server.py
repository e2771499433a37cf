"""An OpenAI-compatible chat server on 127.0.0.1 that records requests and replays scripted replies.

Used by the `openai` engine's tests and the CLI tests: a real HTTP server, real sockets, real JSON.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL_NAME = "openbmb/MiniCPM-V-4_5"


def completion(
    content: str | None,
    reasoning: str | None = None,
    finish: str = "stop",
    usage: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A /v1/chat/completions body as vLLM writes it."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    return {
        "id": "cmpl-test",
        "object": "chat.completion",
        "model": MODEL_NAME,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": usage or {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


@dataclass
class Scripted:
    status: int
    body: Any
    delay: float = 0.0


class FakeOpenAIServer:
    """Records every chat request; answers from a queue of scripted replies (or `default`)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: deque[Scripted] = deque()
        self.default: Scripted | None = None
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any) -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": MODEL_NAME, "object": "model"}]})
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": "not found"})
                    return
                with server.lock:
                    server.requests.append(payload)
                    item = server.script.popleft() if server.script else server.default
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                if item is not None and item.delay:
                    time.sleep(item.delay)
                with server.lock:  # done before replying: the client may send its next request at once
                    server.in_flight -= 1
                if item is None:
                    self._send(500, {"error": "no scripted reply"})
                else:
                    self._send(item.status, item.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def reply(self, body: Any, status: int = 200, delay: float = 0.0) -> None:
        self.script.append(Scripted(status, body, delay))

    def always(self, body: Any, status: int = 200, delay: float = 0.0) -> None:
        """The reply for every request once the script is used up."""
        self.default = Scripted(status, body, delay)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
