"""Options and small checks shared by the serving tests."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from docai.options import Options
from tests.serving.vllm_server import VLLMServer

ROOT = Path(__file__).resolve().parents[2]


def vllm_options(server: VLLMServer, **changes: Any) -> Options:
    """The openai engine on the test server: no --model (discovered), small pages (2 slices) so a
    prompt stays near 1,000 tokens, and a token cap that bounded replies never reach."""
    base = Options(
        engine="openai",
        base_url=server.url,
        model=None,
        ocr="never",
        max_slices=2,
        max_tokens=256,
        timeout_s=180.0,
        retries=2,
        concurrency=4,
        think=False,
    )
    return base.replace(**changes)


def reply_json(raw: str) -> Any:
    """The server's content as JSON (random weights may write raw control characters in strings)."""
    return json.loads(raw, strict=False)


def docai(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m docai ARGS` in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "docai", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


class RunningSampler:
    """Polls the server's `vllm:num_requests_running` gauge on a thread; `peak` is the most seen."""

    def __init__(self, server: VLLMServer, every_s: float = 0.05) -> None:
        self.server, self.every_s = server, every_s
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(httpx.HTTPError):  # a missed sample is not a failure
                self.peak = max(self.peak, self.server.metric("vllm:num_requests_running"))
            time.sleep(self.every_s)

    def __enter__(self) -> RunningSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
