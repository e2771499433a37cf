"""docai's overhead against a real server: `python -m docai.evals.bench.serving_overhead --base-url URL`

Against a running OpenAI-compatible server (`scripts/serving/serve_tiny_vllm.sh` starts the CPU vLLM
with a tiny MiniCPM-V 4.6), in one run:
- a bare async client (httpx.AsyncClient, a semaphore of C) sends the very requests docai would send
  for N one-page PDFs, built beforehand (rendering and encoding not timed);
- `docai batch --engine openai --concurrency C` reads the same PDFs from scratch (rendering, requests,
  parsing, checks, the database; interpreter start-up not counted: docai's own batch time is used).
  Each docai run gets a fresh database, migrated beforehand as on any run but the very first (that
  one-time migration is timed apart).
Rounds are paired and alternate which side goes first, so load from elsewhere hits both alike; the
ratio is given per round (median) and best against best. Goal: docai's pages per second at least
0.95 of the bare client's. Then the same batch at `--concurrency 1` against C shows what concurrency
gains on this server. Thinking is off and the schema bounded, so every file is one request with the
same greedy reply both ways. `--breakdown` adds one traced run of each (serving_trace.py): requests
in flight over time, client CPU and docai's time per stage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string", "maxLength": 8},
        "total": {"type": "integer", "minimum": 0, "maximum": 9999},
        "paid": {"type": "boolean"},
    },
}
_SUMMARY_RE = re.compile(r"(\d+) files, (\d+) pages in ([\d.]+) s")


def make_pdfs(folder: Path, n: int) -> list[Path]:
    import pymupdf

    out = []
    for i in range(n):
        doc = pymupdf.open()
        page = doc.new_page(width=420, height=560)
        page.insert_text((72, 72), f"INVOICE INV-{i:04d}", fontsize=11)
        page.insert_text((72, 100), f"TOTAL {i}.00 EUR", fontsize=11)
        path = folder / f"inv{i:03d}.pdf"
        doc.save(path)
        doc.close()
        out.append(path)
    return out


def docai_payloads(paths: list[Path], base_url: str, max_slices: int) -> list[dict[str, Any]]:
    """The chat requests docai sends for each one-page PDF (its own payload builder)."""
    from docai.engines.openai_engine import OpenAIEngine
    from docai.engines.vlm import prompts
    from docai.engines.vlm.common import Request, image_parts
    from docai.options import Options
    from docai.parsers.loader import load_document

    options = Options(engine="openai", base_url=base_url, ocr="never", think=False, max_slices=max_slices)
    engine = OpenAIEngine(options)
    out = []
    for p in paths:
        with load_document(p, options) as doc:
            parts = image_parts(doc, [1], engine._config, False)
            parts.append(prompts.extract_prompt(SCHEMA, [1]))
            schema = prompts.extraction_response_schema(SCHEMA, [1])
            out.append(engine._payload(Request(parts, response_schema=schema, think=False)))
    engine.close()
    return out


async def _bare(payloads: list[dict[str, Any]], base_url: str, concurrency: int) -> float:
    import httpx

    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:

        async def one(payload: dict[str, Any]) -> None:
            async with slots:
                r = await client.post("/chat/completions", json=payload)
                r.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(one(p) for p in payloads))
        return time.perf_counter() - started


def bare_seconds(payloads: list[dict[str, Any]], base_url: str, concurrency: int) -> float:
    return asyncio.run(_bare(payloads, base_url, concurrency))


def migrated_db(folder: Path) -> tuple[Path, float]:
    """An empty docai database at its current schema, and the seconds the migration took."""
    from docai.storage import open_database

    path = folder / "template.db"
    started = time.perf_counter()
    open_database(path).close()
    return path, time.perf_counter() - started


def docai_seconds(folder: Path, base_url: str, concurrency: int, max_slices: int, template: Path) -> float:
    """docai batch's own wall time (its summary line) over the folder, a fresh migrated database each time."""
    with tempfile.TemporaryDirectory() as home:
        schema = Path(home) / "schema.json"
        schema.write_text(json.dumps(SCHEMA))
        shutil.copyfile(template, Path(home) / "docai.db")
        env = dict(os.environ, DOCAI_HOME=home, DOCAI_DB=f"{home}/docai.db", DOCAI_CONFIG=f"{home}/none.toml")
        env["DOCAI_MAX_SLICES"] = str(max_slices)
        cmd = [
            sys.executable, "-m", "docai", "batch", str(folder), "--engine", "openai", "--base-url", base_url,
            "--ocr", "never", "--no-think", "--schema", str(schema), "--concurrency", str(concurrency),
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    m = _SUMMARY_RE.search(" ".join(done.stderr.split()))
    # exit 1 also when files went to review (random weights: ungrounded values); failed ones are not
    failed = [line for line in done.stderr.splitlines() if line.startswith("failed ")]
    if done.returncode not in (0, 1) or not m or failed:
        raise RuntimeError(f"docai batch failed ({done.returncode}): {done.stderr[-500:]}")
    return float(m.group(3))


def _rounds(
    payloads: list[dict[str, Any]],
    folder: Path,
    base_url: str,
    c: int,
    rounds: int,
    slices: int,
    template: Path,
) -> tuple[list[float], list[float]]:
    """(bare, docai) seconds per round; odd rounds run docai first."""
    bare, ours = [], []
    for i in range(rounds):
        if i % 2:
            ours.append(docai_seconds(folder, base_url, c, slices, template))
            bare.append(bare_seconds(payloads, base_url, c))
        else:
            bare.append(bare_seconds(payloads, base_url, c))
            ours.append(docai_seconds(folder, base_url, c, slices, template))
    return bare, ours


def run(
    base_url: str, n: int, concurrency: int, rounds: int, max_slices: int, breakdown: bool = False
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        paths = make_pdfs(folder, n)
        template, migration_s = migrated_db(Path(tmp))
        payloads = docai_payloads(paths, base_url, max_slices)
        bare_seconds(payloads[:concurrency], base_url, concurrency)  # warm-up: first requests are slow
        bare, ours = _rounds(payloads, folder, base_url, concurrency, rounds, max_slices, template)
        serial = docai_seconds(folder, base_url, 1, max_slices, template)
        traced = (
            _breakdown(payloads, folder, base_url, concurrency, max_slices, Path(tmp)) if breakdown else None
        )
    best_bare, best_ours = min(bare), min(ours)
    return {
        "pages": n,
        "concurrency": concurrency,
        "bare_s": bare,
        "docai_s": ours,
        "bare_pages_per_s": n / best_bare,
        "docai_pages_per_s": n / best_ours,
        "ratio": best_bare / best_ours,
        "round_ratios": [b / d for b, d in zip(bare, ours, strict=True)],
        "median_ratio": statistics.median(b / d for b, d in zip(bare, ours, strict=True)),
        "migration_s": migration_s,
        "docai_concurrency_1_s": serial,
        "concurrency_gain": serial / best_ours,
        "breakdown": traced,
    }


def _breakdown(
    payloads: list[dict[str, Any]], folder: Path, base_url: str, c: int, slices: int, tmp: Path
) -> dict[str, Any]:
    from docai.evals.bench.serving_trace import traced_bare, traced_docai

    bare = traced_bare(payloads, base_url, c)
    ours = traced_docai(folder, SCHEMA, base_url, c, slices, tmp / "traced.db")
    return {"bare": bare, "docai": ours}


def _breakdown_lines(b: dict[str, Any]) -> str:
    lines = ["  breakdown (one traced run each, in this process):"]
    for side in ("bare", "docai"):
        r = b[side]
        lines.append(
            f"    {side:5s} wall {r['wall_s']:.2f} s, {r['requests']} requests, mean in flight "
            f"{r['mean_in_flight']:.2f}, all slots busy {r['all_slots_busy_s']:.2f} s, none in flight "
            f"{r['none_in_flight_s']:.2f} s (before the first {r['before_first_request_s']:.2f} s, after the "
            f"last {r['after_last_answer_s']:.2f} s), client CPU {r['client_cpu_s_per_page']:.3f} s/page"
        )
    stages = ", ".join(f"{k} {v * 1000:.0f}" for k, v in b["docai"]["stage_s_per_page"].items())
    lines.append(f"    docai stages, ms per page (summed over threads): {stages}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-slices", type=int, default=2, help="docai's slicing budget per page")
    parser.add_argument("--breakdown", action="store_true", help="also one traced run of each side")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    r = run(
        args.base_url.rstrip("/"), args.pages, args.concurrency, args.rounds, args.max_slices, args.breakdown
    )
    if args.json_out:
        args.json_out.write_text(json.dumps(r, indent=2))
    c = args.concurrency
    bare_runs = ", ".join(f"{s:.1f}" for s in r["bare_s"])
    our_runs = ", ".join(f"{s:.1f}" for s in r["docai_s"])
    per_round = ", ".join(f"{x:.2f}" for x in r["round_ratios"])
    sys.stdout.write(
        f"{r['pages']} one-page PDFs, concurrency {c}, {args.rounds} paired rounds\n"
        f"  bare async client: {r['bare_pages_per_s']:.3f} pages/s best  (runs {bare_runs} s)\n"
        f"  docai batch:       {r['docai_pages_per_s']:.3f} pages/s best  (runs {our_runs} s)\n"
        f"  docai / bare: {r['median_ratio']:.3f} median of rounds ({per_round}); best/best "
        f"{r['ratio']:.3f} (goal >= 0.95)\n"
        f"  first-ever database migration (once, not in the runs): {r['migration_s']:.2f} s\n"
        f"  docai batch --concurrency 1: {r['docai_concurrency_1_s']:.1f} s; {c}: {min(r['docai_s']):.1f} s "
        f"({r['concurrency_gain']:.2f}x)\n"
    )
    if r["breakdown"]:
        sys.stdout.write(_breakdown_lines(r["breakdown"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
