"""Batch benchmark: throughput of `docai batch` with 1 vs 2 worker processes on the `text` engine, for
born-digital and for scanned (OCR-bound) invoices, and the pipeline's own per-file overhead (hashing,
loading, cache lookup, database writes) measured with an engine that does nothing.

    python -m docai.evals.bench.batch_throughput [--docs 200] [--scans 30] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from docai.document import Document
from docai.engines import Engine, register_engine
from docai.options import Options
from docai.results import Answer, Extraction
from docai.service import Service

FIELDS = "fields:invoice_number, invoice_date date, total number"


class NullEngine(Engine):
    """Returns an empty result at once: what is left of a run's time is the pipeline's own."""

    name = "null"

    def extract(self, document: Document, schema: dict[str, Any], *, progress: Any = None) -> Extraction:
        return Extraction(data=dict.fromkeys(schema["properties"]), status="partial", engine="null")

    def ask(self, documents: list[Document], question: str, *, cache: Any = None) -> Answer:
        return Answer(question, "", False, engine="null")


def make_invoices(folder: Path, n: int) -> None:
    import pymupdf

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        doc = pymupdf.open()
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 72), f"Northwind Traders {i}", fontsize=14)
        page.insert_text((72, 110), f"Invoice No: NW-{5000 + i}", fontsize=11)
        page.insert_text((72, 130), f"Invoice Date: 2024-0{1 + i % 9}-1{i % 10}", fontsize=11)
        page.insert_text((72, 150), "Description            Qty     Amount", fontsize=11)
        page.insert_text((72, 170), f"Consulting services    {1 + i % 5}       {200 + i}.00", fontsize=11)
        page.insert_text((72, 210), f"Total: ${200 + i}.00", fontsize=11)
        doc.save(folder / f"inv_{i:04d}.pdf")
        doc.close()


def make_scans(folder: Path, n: int) -> None:
    """Image-only PDFs of the same invoices (rendered at 200 dpi), so every page goes through OCR."""
    import pymupdf

    born = folder.parent / "born_for_scans"
    make_invoices(born, n)
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted(born.glob("*.pdf")):
        with pymupdf.open(src) as doc:
            pix = doc[0].get_pixmap(dpi=200)
        out = pymupdf.open()
        page = out.new_page(width=595, height=842)
        page.insert_image(page.rect, stream=pix.tobytes("png"))
        out.save(folder / src.name)
        out.close()


ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def time_batch(
    folder: Path, db: Path, workers: int, env_extra: dict[str, str] | None = None
) -> tuple[float, dict[str, int]]:
    """`docai batch` as a user runs it: a fresh process, a fresh database."""
    env = {**os.environ, "DOCAI_DB": str(db), **(env_extra or {})}
    cmd = [
        sys.executable,
        "-m",
        "docai",
        "-q",
        "batch",
        str(folder),
        "--fields",
        FIELDS[len("fields:") :],
        "--workers",
        str(workers),
        "--out",
        str(db.with_suffix(".jsonl")),
    ]
    before = _children_cpu()
    started = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    LAST_CPU_S[0] = _children_cpu() - before
    rows = [json.loads(x) for x in db.with_suffix(".jsonl").read_text().splitlines()]
    return elapsed, dict(Counter(r["status"] for r in rows))


LAST_CPU_S = [0.0]
"""CPU seconds (user + system) of the last `time_batch`, its worker processes included."""


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def idle_projection(cpu1: float, cpu2: float, serial: float) -> float:
    """The 2-vs-1 speed-up on two idle cores implied by CPU seconds: one process runs its `cpu1` in
    as much wall time; two workers run what is left of `cpu2` after the parent's `serial` start
    (interpreter, imports, database: a batch over an empty folder) on both cores at once."""
    return cpu1 / (serial + max(0.0, cpu2 - serial) / 2)


def pipeline_overhead(folder: Path, db: Path) -> list[float]:
    register_engine("null", NullEngine)
    with Service(Options(engine="null"), db=str(db)) as service:
        resolved = service.resolve_schema(FIELDS)
        schema_id, _ = service.db.save_schema(resolved.schema, None)
        engine = service.engine(service.options)
        times = []
        for path in sorted(folder.glob("*.pdf")):
            started = time.perf_counter()
            service.extract_file(path, resolved, schema_id, service.options, engine)
            times.append(time.perf_counter() - started)
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument(
        "--scans", type=int, default=30, help="scanned one-page invoices (OCR-bound); 0 to skip"
    )
    parser.add_argument("--json-out", type=Path)
    parser.add_argument(
        "--repeat", type=int, default=1, help="pairs of runs (1 then 2 workers, interleaved); the median"
    )
    parser.add_argument("--no-overhead", action="store_true", help="skip the null-engine overhead figure")
    parser.add_argument(
        "--one-blas-thread",
        action="store_true",
        help="one BLAS thread for --workers 1 too (workers always get one): the parallel gain alone; "
        "on a loaded machine spinning BLAS threads slow the single process down",
    )
    args = parser.parse_args()
    result: dict[str, Any] = {"docs": args.docs, "scans": args.scans}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_invoices(root / "docs", args.docs)
        if not args.no_overhead:
            overhead = pipeline_overhead(root / "docs", root / "null.db")
            result["overhead_ms_median"] = round(statistics.median(overhead) * 1000, 1)
            result["overhead_ms_p90"] = round(sorted(overhead)[int(0.9 * len(overhead))] * 1000, 1)
        sets = [("born-digital", root / "docs", args.docs)]
        if args.scans:
            make_scans(root / "scans", args.scans)
            sets.append(("scanned", root / "scans", args.scans))
        (root / "empty").mkdir()
        time_batch(root / "empty", root / "empty.db", 1)
        serial = LAST_CPU_S[0]
        result["serial_cpu_s"] = round(serial, 2)
        for label, folder, n in sets:
            pairs = []
            for k in range(max(1, args.repeat)):
                load = os.getloadavg()[0]
                env = ONE_BLAS_THREAD if args.one_blas_thread else None
                t1, c1 = time_batch(folder, root / f"{label}-w1-{k}.db", 1, env)
                cpu1 = LAST_CPU_S[0]
                t2, c2 = time_batch(folder, root / f"{label}-w2-{k}.db", 2, env)
                cpu2 = LAST_CPU_S[0]
                pairs.append((t1 / t2, t1, t2, load, cpu1, cpu2))
                print(
                    f"  {label} pair {k + 1}: {t1:.1f} s vs {t2:.1f} s = {t1 / t2:.2f}x (load {load:.1f}); "
                    f"CPU {cpu1:.1f} s vs {cpu2:.1f} s: on two idle cores about "
                    f"{idle_projection(cpu1, cpu2, serial):.2f}x"
                )
            ratio, t1, t2, _, cpu1, cpu2 = sorted(pairs)[len(pairs) // 2]
            result[label] = {
                "workers_1_s": round(t1, 2),
                "workers_2_s": round(t2, 2),
                "speedup": round(ratio, 2),
                "speedups": [round(p[0], 2) for p in pairs],
                "load_average": [round(p[3], 1) for p in pairs],
                "cpu_s": [[round(p[4], 1), round(p[5], 1)] for p in pairs],
                "idle_projection": [round(idle_projection(p[4], p[5], serial), 2) for p in pairs],
                "counts_1": c1,
                "counts_2": c2,
            }
            print(f"{label}: {n} one-page invoices, text engine, `docai batch` in a fresh process")
            print(f"  --workers 1: {t1:6.1f} s ({n / t1:.1f} docs/s)  {c1}")
            print(f"  --workers 2: {t2:6.1f} s ({n / t2:.1f} docs/s)  {c2}")
            print(f"  speed-up 2 vs 1: {ratio:.2f}x (median of {len(pairs)}; target >= 1.7x)")
    if not args.no_overhead:
        print(
            f"pipeline overhead per file (null engine): median {result['overhead_ms_median']} ms, "
            f"p90 {result['overhead_ms_p90']} ms (target <= 30 ms)"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
