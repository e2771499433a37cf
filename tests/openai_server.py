"""An OpenAI-compatible chat server on 127.0.0.1 that records requests and replays scripted replies.

Used by the `openai` engine's tests and the CLI tests: a real HTTP server, real sockets, real JSON.
It stands in for what a real server cannot be made to do on cue (429s, timeouts, fenced JSON, other
servers' shapes); the bodies copy what vLLM 0.32 really sent (tests/serving/ runs the real one):
`message.reasoning` (not `reasoning_content`), `content: null` when everything was reasoning, its
extra keys, `completion_tokens_details`, `owned_by: "vllm"` in /models and `{"error": {...}}` bodies.
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
    usage: dict[str, Any] | None = None,
    reasoning_key: str = "reasoning",
    logprobs: list[tuple[str, float]] | None = None,
) -> dict[str, Any]:
    """A /v1/chat/completions body as vLLM 0.32 writes it (`reasoning_key="reasoning_content"` for
    llama.cpp and SGLang). An empty content is sent as null, as vLLM does."""
    message: dict[str, Any] = {
        "role": "assistant",
        "content": content or None,
        "refusal": None,
        "annotations": None,
        "audio": None,
        "function_call": None,
        reasoning_key: reasoning,
    }
    choice: dict[str, Any] = {
        "index": 0,
        "message": message,
        "finish_reason": finish,
        "stop_reason": None,
        "token_ids": None,
    }
    if logprobs is not None:
        choice["logprobs"] = {
            "content": [
                {"token": t, "logprob": lp, "bytes": list(t.encode()), "top_logprobs": []}
                for t, lp in logprobs
            ]
        }
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1796161389,
        "model": MODEL_NAME,
        "choices": [choice],
        "service_tier": None,
        "system_fingerprint": "vllm-0.32.0-test",
        "usage": usage
        or {
            "prompt_tokens": 100,
            "total_tokens": 120,
            "completion_tokens": 20,
            "prompt_tokens_details": None,
            "completion_tokens_details": {"reasoning_tokens": 0},
        },
        "prompt_logprobs": None,
        "kv_transfer_params": None,
    }


def error_body(
    message: str, status: int = 400, param: str | None = None, kind: str = "BadRequestError"
) -> dict[str, Any]:
    """vLLM's error body, e.g. error_body("At most 4 image(s) may be provided in one prompt.")."""
    return {"error": {"message": message, "type": kind, "param": param, "code": status}}


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
        self.owned_by = "vllm"  # what /models says about the server (auto-detection reads it)
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
                    model = {"id": MODEL_NAME, "object": "model", "owned_by": server.owned_by}
                    if server.owned_by == "vllm":
                        model |= {"root": MODEL_NAME, "parent": None, "max_model_len": 32768}
                    self._send(200, {"object": "list", "data": [model]})
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
