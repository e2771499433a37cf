"""Batch benchmark: throughput with 1 vs 2 worker processes on the `text` engine, and the pipeline's own
per-file overhead (hashing, loading, cache lookup, database writes) measured with an engine that does nothing.

    python -m docai.evals.bench.batch_throughput [--docs 200] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
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


def time_batch(folder: Path, db: Path, workers: int) -> tuple[float, dict[str, int]]:
    with Service(Options(engine="text", workers=workers), db=str(db)) as service:
        started = time.perf_counter()
        summary = service.batch(folder, FIELDS)
        return time.perf_counter() - started, summary.counts


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
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        make_invoices(folder, args.docs)
        overhead = pipeline_overhead(folder, Path(tmp) / "null.db")
        t1, c1 = time_batch(folder, Path(tmp) / "w1.db", 1)
        t2, c2 = time_batch(folder, Path(tmp) / "w2.db", 2)
    result = {
        "docs": args.docs,
        "workers_1_s": round(t1, 2),
        "workers_2_s": round(t2, 2),
        "speedup_2_vs_1": round(t1 / t2, 2),
        "docs_per_s_1": round(args.docs / t1, 1),
        "docs_per_s_2": round(args.docs / t2, 1),
        "counts_1": c1,
        "counts_2": c2,
        "overhead_ms_median": round(statistics.median(overhead) * 1000, 1),
        "overhead_ms_p90": round(sorted(overhead)[int(0.9 * len(overhead))] * 1000, 1),
    }
    print(f"batch of {args.docs} one-page invoices, text engine")
    print(f"  --workers 1: {t1:6.1f} s ({result['docs_per_s_1']} docs/s)  {c1}")
    print(f"  --workers 2: {t2:6.1f} s ({result['docs_per_s_2']} docs/s)  {c2}")
    print(f"  speed-up 2 vs 1: {result['speedup_2_vs_1']}x (target >= 1.7x)")
    print(f"pipeline overhead per file (null engine): median {result['overhead_ms_median']} ms, "
          f"p90 {result['overhead_ms_p90']} ms (target <= 30 ms)")  # fmt: skip
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
