"""Load on `docai serve`: N extract requests (`?wait=`) from C concurrent clients, latency percentiles.

    python -m docai.evals.bench.api_load [--requests 200] [--clients 16] [--files 40] [--workers 2]

Starts a server on 127.0.0.1 (text engine, a fresh database) unless --url is given. Requests cycle
over `--files` generated one-page invoices, so after the first round most come from the cache: what
is measured is the API, queue and storage path under concurrency, not the engine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from docai.evals.bench.batch_throughput import FIELDS, make_invoices


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def run_load(
    url: str, paths: list[Path], *, requests: int, clients: int, token: str | None = None
) -> dict[str, Any]:
    """Send `requests` extract requests from `clients` threads; returns counts and latency figures."""
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    next_index = iter(range(requests))
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def client() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=300) as c:
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                body = {"paths": [str(paths[i % len(paths)])], "fields": FIELDS[len("fields:") :]}
                started = time.perf_counter()
                try:
                    r = c.post("/v1/extract", params={"wait": 240}, json=body)
                    ok = r.status_code == 200 and r.json()["results"][0]["status"] != "failed"
                    outcome = "ok" if ok else f"http_{r.status_code}"
                except httpx.HTTPError as e:
                    outcome = type(e).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    outcomes[outcome] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "requests": requests,
        "clients": clients,
        "outcomes": dict(outcomes),
        "errors": requests - outcomes.get("ok", 0),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "wall_s": round(wall, 2),
        "requests_per_s": round(requests / wall, 1),
    }


def local_server(root: Path, docs: Path, workers: int) -> Any:
    """A `docai serve` app in this process on a free loopback port (no auth), started."""
    import socket

    import uvicorn

    from docai.options import Options
    from docai.server import ServerConfig, create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = ServerConfig(port=port, auth=False, options=Options(engine="text", lang="eng"),
                          db=str(root / "bench.db"), allowed_paths=[docs], upload_dir=root / "uploads",
                          workers=workers, ui=False)  # fmt: skip
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    server.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    server.thread = thread  # type: ignore[attr-defined]
    return server


def main() -> None:
    from docai.server.config import use_one_thread_pools

    use_one_thread_pools()  # as `docai serve` and `docai batch --workers` do, for a fair comparison
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--url", help="an already running server (its files must be readable by path)")
    ap.add_argument("--token")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="docai-load-") as tmp:
        root = Path(tmp)
        make_invoices(root / "docs", args.files)
        paths = sorted((root / "docs").glob("*.pdf"))
        server = None if args.url else local_server(root, root / "docs", args.workers)
        url = args.url or server.url
        try:
            stats = run_load(url, paths, requests=args.requests, clients=args.clients, token=args.token)
        finally:
            if server is not None:
                server.should_exit = True
                server.thread.join(30)
    print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    main()
