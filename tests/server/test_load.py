"""A bounded load test: 200 extract requests from 16 concurrent clients on loopback, no errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.evals.bench.api_load import run_load
from docai.server import ServerConfig
from tests.server.conftest import make_invoices, start_server

pytestmark = pytest.mark.slow


def test_200_requests_16_clients_no_errors(
    server_config: ServerConfig, docs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server_config.workers = 2
    live = start_server(server_config)
    try:
        _key, token = live.state.keys.create("load", rate_per_min=100_000)
        paths = make_invoices(docs_dir, 40)
        stats = run_load(live.url, paths, requests=200, clients=16, token=token)
        with live.client(token=token) as c:
            runs = c.get("/v1/runs", params={"limit": 1000}).json()["runs"]
    finally:
        live.stop()
    with capsys.disabled():
        print(f"\nload: {stats}")
    assert stats["errors"] == 0, stats["outcomes"]
    assert stats["outcomes"] == {"ok": 200}
    assert len(runs) == 40  # 40 documents extracted once each; the other 160 requests came from the cache
