"""A real `docai serve` app on 127.0.0.1 (uvicorn in a thread), a real SQLite file, real PDFs."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from docai.options import Options
from docai.server import ServerConfig, create_app
from tests.conftest import make_text_pdf

SCHEMA = {
    "type": "object",
    "properties": {"invoice_number": {"type": "string"}, "total": {"type": "number"}},
    "required": ["invoice_number", "total"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def invoice_pdf(path: Path, number: str, total: str) -> Path:
    return make_text_pdf(
        path,
        [
            [
                (72, 72, "ACME Supplies Ltd"),
                (72, 110, f"Invoice number: {number}"),
                (72, 140, f"Total: {total}"),
            ]
        ],
    )


def make_invoices(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        invoice_pdf(folder / f"inv{i:03d}.pdf", f"INV-{i:04d}", f"{100 + i}.50")
        for i in range(start, start + n)
    ]


@dataclass
class LiveServer:
    url: str
    token: str | None
    state: Any
    thread: threading.Thread
    server: Any

    def client(self, token: str | None = ..., **kw: Any) -> httpx.Client:  # type: ignore[assignment]
        tok = self.token if token is ... else token
        headers = {"Authorization": f"Bearer {tok}"} if tok else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def start_server(config: ServerConfig) -> LiveServer:
    import uvicorn

    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=config.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{config.port}", None, app.state.docai, thread, server)


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    return d


@pytest.fixture
def server_config(tmp_path: Path, docs_dir: Path) -> ServerConfig:
    return ServerConfig(
        port=free_port(),
        options=Options(engine="text", lang="eng"),
        db=str(tmp_path / "serve.db"),
        allowed_paths=[docs_dir],
        upload_dir=tmp_path / "uploads",
        max_upload_mb=1.0,
        lease_s=3.0,
        ui=False,
        webhook_backoff_s=0.05,
    )


@pytest.fixture
def live(server_config: ServerConfig) -> Iterator[LiveServer]:
    """A server with auth on and one key (its token in `live.token`)."""
    srv = start_server(server_config)
    _key, srv.token = srv.state.keys.create("tests", rate_per_min=10_000, max_upload_mb=1.0)
    try:
        yield srv
    finally:
        srv.stop()
