"""Every benchmark of BENCHMARKS.md in one run (`make bench`), each printing its own figures and ratios.

    python -m docai.evals.bench.all [--only NAME ...] [--skip NAME ...] [--log FILE]

A header gives the date, the commit (and whether the tree had changes) and the load average, so a
figure copied into BENCHMARKS.md can say when and on what it was measured. Each benchmark runs as
its own process with the arguments BENCHMARKS.md gives; one that fails is reported and the rest go on.
The accuracy evaluations (`docai eval`, tens of minutes) are not part of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BENCHMARKS: dict[str, list[str]] = {
    "extract_latency": ["--repeat", "3"],
    "ingest": ["--pages", "120", "--repeat", "3"],
    "long_ask": ["--pages", "500"],
    "batch_throughput": ["--docs", "200", "--scans", "30"],
    "openai_concurrency": [],
    "peers": ["--docs", "3", "--pages", "40", "--table-docs", "10"],
    "verify_overhead": ["--repeat", "9"],
    "api_overhead": ["--n", "50", "--one-shot", "3"],
    "api_load": ["--requests", "200", "--clients", "16", "--files", "40", "--workers", "2"],
    "ray_batch": ["--docs", "60"],
    "serving_overhead": ["--base-url", "{DOCAI_OPENAI_BASE_URL}"],
}
NEEDS = {"serving_overhead": "DOCAI_OPENAI_BASE_URL"}
"""Benchmarks that need a server: skipped unless this variable names one."""
PARTS = {"serving_trace"}
"""Modules here that are parts of a benchmark, not benchmarks (serving_overhead --breakdown uses it)."""


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return ""
    return out.stdout.strip()


def header() -> str:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " (with uncommitted changes)" if _git("status", "--porcelain", "--untracked-files=no") else ""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"docai benchmarks: {now}, commit {commit}{dirty}, {os.cpu_count()} CPUs, load average {load}"


def run_one(name: str, args: list[str], log: list[str]) -> bool:
    need = NEEDS.get(name)
    if need and not os.environ.get(need):
        line = f"\n== {name}: skipped (set {need})"
        sys.stdout.write(line + "\n")
        log.append(line)
        return True
    args = [a.format(**os.environ) if "{" in a else a for a in args]
    cmd = [sys.executable, "-m", f"docai.evals.bench.{name}", *args]
    line = f"\n== {name}: {' '.join(cmd[1:])}"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    body = proc.stdout.rstrip()
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        body += f"\nFAILED (exit {proc.returncode}): {tail}"
    body += f"\n({took:.0f} s)"
    sys.stdout.write(body + "\n")
    log.extend([line, body])
    return proc.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docai.evals.bench.all", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these")
    parser.add_argument("--skip", nargs="+", choices=sorted(BENCHMARKS), default=[], help="leave these out")
    parser.add_argument("--log", type=Path, help="also write everything printed to this file")
    args = parser.parse_args(argv)
    names = [n for n in (args.only or BENCHMARKS) if n not in args.skip]
    top = header()
    sys.stdout.write(top + "\n")
    log = [top]
    failed = [n for n in names if not run_one(n, BENCHMARKS[n], log)]
    summary = f"\n{len(names) - len(failed)} of {len(names)} benchmarks ran" + (
        f"; failed: {', '.join(failed)}" if failed else ""
    )
    sys.stdout.write(summary + "\n")
    if args.log:
        args.log.write_text("\n".join([*log, summary]) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
