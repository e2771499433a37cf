"""A real vLLM server (its CPU build, in its own venv) on 127.0.0.1, started and killed by the tests.

The flags are the ones that work for a tiny random MiniCPM-V 4.6 on CPU (../shared/notes/
vllm-cpu-server.md): bfloat16, eager mode, the qwen3 reasoning parser, at most 4 images a prompt,
4 sequences at once, and xgrammar without free whitespace (random weights otherwise write blanks
until the token cap).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

SERVED_NAME = "tiny-minicpmv46"
IMAGE_LIMIT = 4
MAX_NUM_SEQS = 4
STARTUP_S = 420.0
GRAMMAR = {"backend": "xgrammar", "disable_any_whitespace": True}


def vllm_venv() -> Path:
    return Path(os.environ.get("DOCAI_VLLM_VENV") or Path.home() / ".cache/docai/vllm-venv")


def vllm_python() -> Path | None:
    """The vLLM venv's python when scripts/serving/setup_vllm.sh finished installing it."""
    venv = vllm_venv()
    ready = (venv / ".docai-ready").is_file() and (venv / "bin/python").is_file()
    return venv / "bin/python" if ready else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VLLMServer:
    """`python -m vllm.entrypoints.openai.api_server` for one model folder; start, kill, restart."""

    def __init__(self, python: Path, model: Path, log: Path) -> None:
        self.python, self.model, self.log = python, model, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        return [
            str(self.python), "-m", "vllm.entrypoints.openai.api_server",
            "--model", str(self.model), "--served-model-name", SERVED_NAME,
            "--host", "127.0.0.1", "--port", str(self.port),
            "--max-model-len", "8192", "--dtype", "bfloat16", "--enforce-eager",
            "--reasoning-parser", "qwen3",
            "--limit-mm-per-prompt", json.dumps({"image": IMAGE_LIMIT, "video": 0}),
            "--max-num-seqs", str(MAX_NUM_SEQS),
            "--structured-outputs-config", json.dumps(GRAMMAR),
        ]  # fmt: skip

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            VLLM_CPU_KVCACHE_SPACE="1",
            VLLM_CPU_OMP_THREADS_BIND="nobind",
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
            VLLM_NO_USAGE_STATS="1",
            DO_NOT_TRACK="1",
        )
        with self.log.open("ab") as out:
            # its own session, so a kill takes the API server and its engine-core child together
            self.proc = subprocess.Popen(
                self.command(), stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"vLLM exited with {self.proc.returncode} at start-up; see {self.log}")
            try:
                if httpx.get(self.url + "/models", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1.0)
        self.kill()
        raise RuntimeError(f"vLLM did not answer /v1/models within {STARTUP_S:.0f} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL the whole server (no graceful drain): what a crash or an OOM kill looks like."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def metrics(self) -> dict[str, float]:
        """The server's Prometheus `/metrics` as {name{labels}: value} (labels kept verbatim)."""
        text = httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5.0).text
        out: dict[str, float] = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                try:
                    out[name] = float(value)
                except ValueError:
                    continue
        return out

    def metric(self, name: str) -> float:
        """The sum over labels of one metric (e.g. 'vllm:request_success_total')."""
        return sum(v for k, v in self.metrics().items() if k.split("{")[0] == name)
