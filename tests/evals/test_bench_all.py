"""`make bench` runs every benchmark module, and its header says when and on which commit."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

from docai.evals.bench import all as bench_all


def test_every_benchmark_module_is_run() -> None:
    folder = Path(bench_all.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "all"}
    assert set(bench_all.BENCHMARKS) == modules - bench_all.PARTS
    assert modules >= bench_all.PARTS
    assert all(importlib.util.find_spec(f"docai.evals.bench.{m}") for m in modules)


def test_header_names_date_and_commit() -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=bench_all.ROOT, capture_output=True, text=True
    ).stdout.strip()
    line = bench_all.header()
    assert f"commit {commit}" in line and " UTC" in line and "load average" in line
