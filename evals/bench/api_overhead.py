"""API overhead: one one-page invoice extracted through `POST /v1/extract?wait=` against the same work
in-process (a long-lived `Service`, as the server holds one), median of N each; `force` so every call
runs the engine. Also `docai.extract()` one-shot calls, which open a service and engine each time.

    python -m docai.evals.bench.api_overhead [--n 50] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

import docai
from docai.evals.bench.api_load import local_server
from docai.evals.bench.batch_throughput import FIELDS, make_invoices
from docai.options import Options
from docai.service import Service


def _median_ms(times: list[float]) -> float:
    return round(statistics.median(times) * 1000, 1)


def measure(root: Path, n: int, one_shot: int) -> dict[str, Any]:
    make_invoices(root / "docs", 1)
    [pdf] = sorted((root / "docs").glob("*.pdf"))
    with Service(Options(engine="text", lang="eng"), db=str(root / "inproc.db")) as service:
        service.extract([pdf], FIELDS)  # load the engine once, as a running server has
        inproc = []
        for _ in range(n):
            started = time.perf_counter()
            [r] = service.extract([pdf], FIELDS, force=True)
            inproc.append(time.perf_counter() - started)
            assert r.status != "failed", r.error
    shots = []
    for _ in range(one_shot):
        started = time.perf_counter()
        docai.extract(pdf, FIELDS, db=str(root / "oneshot.db"), engine="text", lang="eng", force=True)
        shots.append(time.perf_counter() - started)
    server = local_server(root, root / "docs", workers=1)
    body = {"paths": [str(pdf)], "fields": FIELDS[len("fields:") :], "options": {"force": True}}
    api = []
    try:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            c.post("/v1/extract", params={"wait": 60}, json=body)  # warm: the server's engine loads here
            for _ in range(n):
                started = time.perf_counter()
                r = c.post("/v1/extract", params={"wait": 60}, json=body)
                api.append(time.perf_counter() - started)
                assert r.status_code == 200 and r.json()["results"][0]["status"] != "failed", r.text
    finally:
        server.should_exit = True
        server.thread.join(30)
    return {
        "n": n,
        "in_process_service_ms": _median_ms(inproc),
        "api_wait_ms": _median_ms(api),
        "api_overhead_ms": round(_median_ms(api) - _median_ms(inproc), 1),
        "docai_extract_one_shot_ms": _median_ms(shots) if shots else None,
        "one_shot_n": one_shot,
    }


def main() -> None:
    from docai.server.config import use_one_thread_pools

    use_one_thread_pools()  # as `docai serve` and `docai batch --workers` do, for a fair comparison
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--one-shot", type=int, default=5, help="docai.extract() calls (each loads the engine)")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="docai-api-bench-") as tmp:
        stats = measure(Path(tmp), args.n, args.one_shot)
    text = json.dumps(stats, indent=2)
    print(text)
    if args.json_out:
        args.json_out.write_text(text + "\n")


if __name__ == "__main__":
    main()
