"""`docai batch --executor ray` on a real local Ray cluster (head + worker nodes on 127.0.0.1): every
file once, and a worker node killed mid-batch has its files retried on the others, none doubled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from docai.options import Options
from docai.service import Service
from tests.server.conftest import SCHEMA, free_port, make_invoices

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    from docai.executors.local_cluster import LocalRayCluster

    c = LocalRayCluster(free_port()).start()
    try:
        c.add_worker()
        c.add_worker()
        yield c
    finally:
        if ray.is_initialized():
            ray.shutdown()
        c.shutdown()


def _completed_runs(service: Service) -> dict[int, int]:
    with service.db.engine.connect() as conn:
        rows = conn.execute(  # stored results; a run cut short by a dead node is failed 'interrupted'
            text(
                "SELECT document_id, count(*) FROM runs WHERE status NOT IN ('running', 'failed') "
                "GROUP BY document_id"
            )
        ).all()
        errors = conn.execute(text("SELECT error FROM runs WHERE status = 'failed'")).scalars().all()
    assert all(e.startswith("interrupted") for e in errors), errors
    return dict(rows)


def _out_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_forty_files_each_once(cluster, tmp_path: Path) -> None:
    make_invoices(tmp_path / "docs", 40)
    out = tmp_path / "out.jsonl"
    with Service(Options(engine="text", lang="eng"), db=str(tmp_path / "ray.db")) as service:
        summary = service.batch(
            tmp_path / "docs", SCHEMA, out=out, executor="ray", ray_address=cluster.address
        )
        runs = _completed_runs(service)
    assert summary.total == 40 and summary.counts["ok"] == 40
    lines = _out_lines(out)
    assert len(lines) == 40 and len({x["file"] for x in lines}) == 40
    assert sorted(x["data"]["invoice_number"] for x in lines) == [f"INV-{i:04d}" for i in range(40)]
    assert len(runs) == 40 and set(runs.values()) == {1}
    nodes = {n["NodeID"] for n in ray.nodes() if n["Alive"] and n["Resources"].get("CPU")}
    assert len(nodes) == 2


def test_killed_worker_node_files_are_retried_not_doubled(cluster, tmp_path: Path) -> None:
    doomed = cluster.add_worker()
    make_invoices(tmp_path / "docs", 40, start=100)  # new documents: nothing comes from an earlier cache
    out = tmp_path / "out.jsonl"
    seen: list[str] = []

    def kill_after_eight(result) -> None:
        seen.append(result.file)
        if len(seen) == 8:
            cluster.kill_worker(doomed)

    with Service(Options(engine="text", lang="eng"), db=str(tmp_path / "ray.db")) as service:
        summary = service.batch(
            tmp_path / "docs", SCHEMA, out=out, executor="ray", ray_address=cluster.address,
            on_result=kill_after_eight,
        )  # fmt: skip
        runs = _completed_runs(service)
    assert summary.counts["ok"] == 40, [r.error for r in summary.results if r.status != "ok"]
    lines = _out_lines(out)
    assert len(lines) == 40 and len({x["file"] for x in lines}) == 40
    assert len(runs) == 40 and set(runs.values()) == {1}  # no document extracted to two results
    assert not any(
        n["Alive"] for n in ray.nodes() if n["NodeID"] not in {m["NodeID"] for m in ray.nodes() if m["Alive"]}
    )


def test_serve_jobs_on_ray(cluster, server_config, docs_dir: Path) -> None:
    from tests.server.conftest import start_server

    server_config.executor, server_config.ray_address = "ray", cluster.address
    live = start_server(server_config)
    try:
        assert live.state.runner.workers >= 2  # one job thread per CPU of the cluster
        _key, token = live.state.keys.create("ray")
        files = make_invoices(docs_dir, 6, start=500)
        with live.client(token=token) as c:
            r = c.post(
                "/v1/extract", params={"wait": 240}, json={"paths": [str(p) for p in files], "schema": SCHEMA}
            )
            health = c.get("/healthz").json()
        runs = _completed_runs(live.state.service)
    finally:
        live.stop()
    assert r.status_code == 200, r.text
    assert sorted(x["data"]["invoice_number"] for x in r.json()["results"]) == [
        f"INV-{i:04d}" for i in range(500, 506)
    ]
    assert health["executor"] == "ray" and len(runs) == 6 and set(runs.values()) == {1}
