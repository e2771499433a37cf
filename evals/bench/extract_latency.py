"""Extraction latency per page, for each engine usable here.

    python -m docai.evals.bench.extract_latency [--repeat 3] [--json-out FILE]

Measures, in one run: a 1-page born-digital invoice with a warm engine; a scanned page through
docai (load + OCR + extract) against a bare `tesseract` CLI run on the same image file (runs
alternated, medians compared); and a cold `docai extract` subprocess on one page, with its peak RSS,
on a fresh data dir and on one whose database is already current. Prints each figure and the ratios
between them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)


def _median_time(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_inputs(folder: Path) -> dict[str, Path]:
    """A born-digital invoice PDF, a scanned PNG of another one, and the invoice schema."""
    from docai.evals.synth import generate

    digital = generate("invoice", 1, folder / "digital", seed=11, zh_ratio=0.0)
    scanned = folder / "scanned"
    seed = 11
    while True:  # the scanned variant is a PNG or an image PDF at random; keep the first PNG
        generate("invoice", 1, scanned, seed=seed, scanned=True, zh_ratio=0.0)
        png = next(scanned.glob("*.png"), None)
        if png is not None:
            break
        seed += 1
    return {
        "digital": digital / "invoice_000.pdf",
        "scanned": png,
        "schema": digital / "schema.json",
    }


def bare_tesseract(image_path: Path, lang: str = "eng") -> float:
    """Seconds for one plain `tesseract FILE stdout -l LANG tsv` run (words with boxes, what docai asks
    for), with OMP_THREAD_LIMIT=1 as docai uses. The binary reads the file itself: no Python image
    encoding is counted, which pytesseract would add (it re-encodes the image as PNG first)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = ["tesseract", str(image_path), "stdout", "-l", lang, "tsv"]
    start = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, timeout=300, check=True)
    return time.perf_counter() - start


def engine_figures(name: str, inputs: dict[str, Path], repeat: int) -> dict[str, Any]:
    """Warm per-page seconds on the digital and the scanned page for one engine."""
    from docai.engines import create_engine
    from docai.options import load_options
    from docai.parsers.loader import load_document

    options = load_options({"engine": name})
    schema = json.loads(inputs["schema"].read_text(encoding="utf-8"))
    engine = create_engine(options)
    try:

        def run(path: Path) -> None:
            with load_document(path, options) as doc:
                engine.extract(doc, schema)

        run(inputs["digital"])  # warm-up: models, embeddings, caches
        digital = _median_time(lambda: run(inputs["digital"]), repeat)
        # The scanned page's first run also embeds the labels OCR read on it (text-engine cache);
        # it is reported apart, and the steady figure is taken like the digital one, warm.
        first = _median_time(lambda: run(inputs["scanned"]), 1)
        # Bare Tesseract and docai alternate, so that both see the same load from other processes.
        ours: list[float] = []
        bare: list[float] = []
        for _ in range(max(1, repeat)):
            bare.append(bare_tesseract(inputs["scanned"]))
            ours.append(_median_time(lambda: run(inputs["scanned"]), 1))
    finally:
        engine.close()
    scanned = statistics.median(ours)
    return {
        "digital_s_per_page": round(digital, 4),
        "scanned_first_s": round(first, 4),
        "scanned_s_per_page": round(scanned, 4),
        "bare_tesseract_alongside_s": round(statistics.median(bare), 4),
        "scanned_vs_bare_tesseract": round(scanned / statistics.median(bare), 2),
    }


_PROBE = (
    "import resource, subprocess, sys, time; t = time.perf_counter();"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
    "took = time.perf_counter() - t;"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(r.returncode, u.ru_maxrss, took, int(bool(r.stdout.strip())), u.ru_utime + u.ru_stime);"
    "sys.stderr.write(r.stderr[-300:])"
)


def cold_cli(
    inputs: dict[str, Path], engine: str, home: Path, force: bool = False
) -> dict[str, float] | None:
    """Seconds and peak RSS (MB) of a fresh `docai extract` process on the 1-page invoice (None if it
    printed no result). A probe process starts it, so the peak is that process's alone.

    Exit code 1 with a result on stdout is a partial extraction, which still counts as a run.
    """
    env = dict(
        os.environ, DOCAI_HOME=str(home), DOCAI_DB=str(home / "bench.db"), DOCAI_CONFIG=str(home / "none")
    )
    # As installed, Python keeps compiled modules; without this, an environment that forbids writing
    # them (PYTHONDONTWRITEBYTECODE) would have every run compile docai's sources again (~0.4 s).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "docai", "extract", str(inputs["digital"])]
    cmd += ["--schema", str(inputs["schema"]), "--engine", engine] + (["--force"] if force else [])
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *cmd],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        code, peak_kb, took, printed, cpu = proc.stdout.split()
    except ValueError:
        code, peak_kb, took, printed, cpu = "-1", "0", "0", "0", "0"
    if int(code) not in (0, 1) or printed != "1":
        _log.warning("cold docai extract failed (%s): %s", code, proc.stderr.strip()[-300:])
        return None
    return {"s": float(took), "peak_rss_mb": int(peak_kb) / 1024, "cpu_s": float(cpu)}


def cold_figures(inputs: dict[str, Path], engine: str, tmp: Path) -> dict[str, Any]:
    """Cold runs: a fresh data dir (migrations run) twice, the first also paying the OS file cache,
    then the same data dir again with --force (the database exists and is current: every run but a
    user's very first)."""
    home = tmp / f"home-{engine}"
    first = cold_cli(inputs, engine, tmp / f"home-{engine}-first")
    fresh = cold_cli(inputs, engine, home)
    again = [cold_cli(inputs, engine, home, force=True) for _ in range(3)]
    kept = [r for r in again if r]
    out: dict[str, Any] = {
        "cold_cli_first_s": round(first["s"], 3) if first else None,
        "cold_cli_s": round(fresh["s"], 3) if fresh else None,
        "cold_cli_cpu_s": round(fresh["cpu_s"], 3) if fresh else None,
        "cold_cli_peak_rss_mb": round(fresh["peak_rss_mb"], 1) if fresh else None,
    }
    if kept:
        out["cold_cli_existing_db_s"] = round(statistics.median(r["s"] for r in kept), 3)
        out["cold_cli_existing_db_cpu_s"] = round(statistics.median(r["cpu_s"] for r in kept), 3)
        out["cold_cli_existing_db_peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in kept), 1)
    return out


def run(repeat: int = 3, cold_only: bool = False) -> dict[str, Any]:
    from docai.engines import engine_names, engine_status
    from docai.options import load_options

    out: dict[str, Any] = {"cpu_count": os.cpu_count(), "engines": {}, "skipped": {}}
    with tempfile.TemporaryDirectory(prefix="docai-bench-") as tmp:
        inputs = make_inputs(Path(tmp))
        out["bare_tesseract_s"] = round(min(bare_tesseract(inputs["scanned"]) for _ in range(2)), 4)
        for name in engine_names():
            status = engine_status(name, load_options({"engine": name}))
            if not status.usable:
                out["skipped"][name] = status.why
                continue
            try:
                figures = {} if cold_only else engine_figures(name, inputs, repeat)
            except Exception as e:  # an engine that cannot run here is reported, not fatal
                out["skipped"][name] = f"{type(e).__name__}: {e}"
                continue
            figures.update(cold_figures(inputs, name, Path(tmp)))
            if figures.get("cold_cli_s") and "digital_s_per_page" in figures:
                figures["cold_vs_warm"] = round(figures["cold_cli_s"] / figures["digital_s_per_page"], 1)
            out["engines"][name] = figures
    return out


def format_report(r: dict[str, Any]) -> str:
    bare = r["bare_tesseract_s"]
    lines = [f"extract latency ({r['cpu_count']} CPUs), bare Tesseract on the scanned page: {bare} s"]
    for name, f in r["engines"].items():
        warm = ""
        if "digital_s_per_page" in f:
            warm = (
                f"digital {f['digital_s_per_page']} s/page warm; scanned {f['scanned_s_per_page']} s/page"
                f" = {f['scanned_vs_bare_tesseract']}x bare Tesseract ({f['bare_tesseract_alongside_s']} s,"
                f" alternated; first scanned run {f['scanned_first_s']} s); "
            )
        lines.append(
            f"  {name}: {warm}"
            f"cold `docai extract` {f.get('cold_cli_s')} s ({f.get('cold_cli_cpu_s')} s CPU), peak RSS "
            f"{f.get('cold_cli_peak_rss_mb')} MB (very first: {f.get('cold_cli_first_s')} s; database "
            f"already there: {f.get('cold_cli_existing_db_s')} s ({f.get('cold_cli_existing_db_cpu_s')} s "
            f"CPU), {f.get('cold_cli_existing_db_peak_rss_mb')} MB; "
            "targets 1.5 s, 200 MB)" + (f" = {f['cold_vs_warm']}x warm" if f.get("cold_vs_warm") else "")
        )
    for name, why in r["skipped"].items():
        lines.append(f"  {name}: skipped ({why})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docai.evals.bench.extract_latency", description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--cold-only", action="store_true", help="only the cold `docai extract` runs")
    args = parser.parse_args(argv)
    result = run(args.repeat, args.cold_only)
    sys.stdout.write(format_report(result) + "\n")
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
