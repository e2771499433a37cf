"""Ray batch throughput on this machine: files per second with 1 and 2 Ray worker nodes (one CPU each,
a head node that only schedules) against a local batch with 1 and 2 worker processes, text engine,
born-digital one-page invoices; Ray's overhead per file in ms.

    python -m docai.evals.bench.ray_batch [--docs 60] [--json-out FILE]

Every run gets a fresh database, so nothing comes from the cache. Each run first extracts 8 other
files untimed: a Ray cluster is long-lived and its workers keep docai and the engine loaded, and the
in-process engine (--workers 1) loads its embedding model then too. A local pool of --workers 2
starts with each batch, so its worker start and model load stay in the timing.
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from docai.evals.bench.batch_throughput import FIELDS, make_invoices
from docai.executors.local_cluster import LocalRayCluster
from docai.options import Options
from docai.service import Service


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _time(folder: Path, db: Path, warm: Path | None = None, **kw: Any) -> tuple[float, dict[str, int]]:
    with Service(Options(engine="text", lang="eng"), db=str(db)) as service:
        if warm is not None:  # other files first: the engine and its embedding model load untimed
            service.batch(warm, FIELDS, **kw)
        started = time.perf_counter()
        summary = service.batch(folder, FIELDS, **kw)
        return time.perf_counter() - started, {k: v for k, v in summary.counts.items() if v}


def _noop(
    path: str,
    resolved: Any,
    schema_id: int,
    options: Options,
    db_url: str,
    include_failed: bool,
    service_type: Any,
) -> str:
    return path


def task_overhead(address: str, n: int = 100) -> dict[str, float]:
    """Ray's own cost for one file: a task with the same arguments that does nothing, one at a time
    (submit, run, return) and n at once."""
    import statistics

    from docai.executors.ray_executor import connect

    ray = connect(address)
    fn = ray.remote(num_cpus=1)(_noop)
    resolved = Service(Options(engine="text")).resolve_schema(FIELDS)
    args = (resolved, 1, Options(engine="text", lang="eng"), "sqlite:////tmp/x.db", True, Service)
    ray.get(fn.remote("warm", *args))
    times = []
    for i in range(n):
        started = time.perf_counter()
        ray.get(fn.remote(f"f{i}", *args))
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    ray.get([fn.remote(f"g{i}", *args) for i in range(n)])
    pipelined = (time.perf_counter() - started) / n
    return {
        "noop_task_round_trip_ms_median": round(statistics.median(times) * 1000, 1),
        "noop_task_ms_pipelined": round(pipelined * 1000, 1),
    }


def measure(root: Path, docs: int) -> dict[str, Any]:
    make_invoices(root / "docs", docs)
    make_invoices(root / "warm", 8)
    folder = root / "docs"
    out: dict[str, Any] = {"docs": docs}
    for workers in (1, 2):
        wall, counts = _time(folder, root / f"local{workers}.db", root / "warm", workers=workers)
        out[f"local_workers_{workers}"] = {
            "s": round(wall, 2),
            "files_per_s": round(docs / wall, 2),
            **counts,
        }
    cluster = LocalRayCluster(_port()).start()
    try:
        for nodes in (1, 2):
            cluster.add_worker()
            kw = {"executor": "ray", "ray_address": cluster.address}
            wall, counts = _time(folder, root / f"ray{nodes}.db", root / "warm", **kw)
            out[f"ray_nodes_{nodes}"] = {"s": round(wall, 2), "files_per_s": round(docs / wall, 2), **counts}
            if nodes == 1:
                out["ray_task_overhead_1_node"] = task_overhead(cluster.address)
    finally:
        import ray

        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()
    for n in (1, 2):
        extra = out[f"ray_nodes_{n}"]["s"] - out[f"local_workers_{n}"]["s"]
        out[f"ray_overhead_ms_per_file_{n}"] = round(extra / docs * 1000, 1)
    return out


def main() -> None:
    from docai.server.config import use_one_thread_pools

    use_one_thread_pools()  # as `docai serve` and `docai batch --workers` do, for a fair comparison
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="docai-ray-bench-") as tmp:
        stats = measure(Path(tmp), args.docs)
    text = json.dumps(stats, indent=2)
    print(text)
    if args.json_out:
        args.json_out.write_text(text + "\n")


if __name__ == "__main__":
    main()
