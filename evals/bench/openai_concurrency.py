"""Does the openai engine keep a server busy? `python -m docai.evals.bench.openai_concurrency`

A local OpenAI-compatible server answers every request after a fixed delay (0.5 s, like a GPU busy on
one request); the engine's `extract_many` runs N one-page documents with concurrency 1 and with
concurrency C. With a server that scales, the ratio of the two times approaches C; the target for
C=16 is at least 10x.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)

_REPLY = {
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": '{"data": {"total": 1.0}, "pages": {"total": 1}}'},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 700, "completion_tokens": 20, "total_tokens": 720},
}
SCHEMA = {"type": "object", "properties": {"total": {"type": "number"}}}


class SlowServer:
    """`/v1/chat/completions` answering after `delay` seconds; counts requests and peak concurrency."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.count = 0
        self.in_flight = 0
        self.peak = 0
        lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    owner.count += 1
                    owner.in_flight += 1
                    owner.peak = max(owner.peak, owner.in_flight)
                time.sleep(owner.delay)
                body = json.dumps(_REPLY).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with lock:
                    owner.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _make_pdfs(folder: Path, n: int) -> list[Path]:
    """Small one-page PDFs (label-sized, so rendering and encoding stay cheap next to the server delay)."""
    import pymupdf

    out = []
    for i in range(n):
        doc = pymupdf.open()
        page = doc.new_page(width=100, height=140)
        page.insert_text((10, 30), f"Total {i}.00", fontsize=9)
        path = folder / f"doc{i:03d}.pdf"
        doc.save(path)
        doc.close()
        out.append(path)
    return out


def run(requests: int, concurrency: int, delay: float) -> dict[str, float]:
    """Seconds for `requests` one-page extractions at concurrency 1 and `concurrency`, and their ratio."""
    from docai.engines.openai_engine import OpenAIEngine
    from docai.options import Options
    from docai.parsers.loader import load_document

    server = SlowServer(delay)
    times: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            paths = _make_pdfs(Path(tmp), requests)
            for c in (1, concurrency):
                options = Options(
                    engine="openai", base_url=server.url, model="bench", concurrency=c, ocr="never"
                )
                engine = OpenAIEngine(options)
                docs = [load_document(p, options) for p in paths]
                server.peak = 0
                started = time.perf_counter()
                results = engine.extract_many(docs, SCHEMA)
                times[f"concurrency_{c}_s"] = time.perf_counter() - started
                times[f"concurrency_{c}_peak_in_flight"] = server.peak
                bad = [r.status for r in results if r.status != "ok"]
                if bad:
                    raise RuntimeError(f"{len(bad)} extractions were not ok: {bad[:3]}")
                for d in docs:
                    d.close()
                engine.close()
    finally:
        server.close()
    times["speedup"] = times["concurrency_1_s"] / times[f"concurrency_{concurrency}_s"]
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--delay", type=float, default=0.5, help="server seconds per request")
    args = parser.parse_args(argv)
    result = run(args.requests, args.concurrency, args.delay)
    c = args.concurrency
    sys.stdout.write(
        f"{args.requests} requests, server {args.delay:g} s each\n"
        f"  concurrency 1:  {result['concurrency_1_s']:.2f} s "
        f"(peak in flight {result['concurrency_1_peak_in_flight']:.0f})\n"
        f"  concurrency {c}: {result[f'concurrency_{c}_s']:.2f} s (peak in flight "
        f"{result[f'concurrency_{c}_peak_in_flight']:.0f})\n"
        f"  speedup: {result['speedup']:.1f}x (target >= 10x for 16)\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
