"""The verification stage's time against the text engine's, on one-page invoices (goal: under 10%).

    python -m docai.evals.bench.verify_overhead [--repeat 5] [--json-out FILE]

For a born-digital synthetic invoice, a scanned one and the bundled examples/invoice.pdf: the median
time a warm text engine takes per file (the document loaded, its words read or OCR run, the schema
filled; set DOCAI_OCR_CACHE to leave Tesseract out), and the median time of
`docai.verify.check_extraction` on its output (pages indexed afresh each run: the stage's whole cost,
grounding every field included). Wall and CPU medians both; CPU is steadier on a shared machine.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from docai.evals.bench.extract_latency import make_inputs


def _median(fn: Any, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `fn` (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def measure(path: Path, schema: dict[str, Any], repeat: int) -> dict[str, Any]:
    from docai.engines import create_engine
    from docai.options import Options
    from docai.parsers import load_document
    from docai.verify import check_extraction, remember_pages

    options = Options(engine="text")
    engine = create_engine(options)

    def fresh() -> None:  # what a file costs the warm engine: its pages read, then filled
        with load_document(path, options) as d:
            engine.extract(d, schema)

    try:
        fresh()  # warm-up: the engine's models load once
        engine_s = _median(fresh, repeat)
        with load_document(path, options) as doc:
            remember_pages(doc)
            extraction = engine.extract(doc, schema)

            copies = [copy.deepcopy(extraction) for _ in range(repeat)]  # copying is not timed

            def stage() -> None:
                check_extraction(copies.pop(), doc, schema, options)

            verify_s = _median(stage, repeat)
            result = check_extraction(copy.deepcopy(extraction), doc, schema, options)
    finally:
        engine.close()
    return {
        "document": path.name,
        "fields": len(result.fields),
        "status": result.status,
        "engine_s": round(engine_s[0], 4),
        "verify_s": round(verify_s[0], 4),
        "share": round(verify_s[0] / engine_s[0], 4) if engine_s[0] else None,
        "engine_cpu_s": round(engine_s[1], 4),
        "verify_cpu_s": round(verify_s[1], 4),
        "cpu_share": round(verify_s[1] / engine_s[1], 4) if engine_s[1] else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args(argv)
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        schema = json.loads(inputs["schema"].read_text(encoding="utf-8"))
        docs = [inputs["digital"], inputs["scanned"]]
        if (root / "examples" / "invoice.pdf").is_file():
            docs.append(root / "examples" / "invoice.pdf")
        rows = [measure(p, schema, args.repeat) for p in docs]
    for r in rows:
        print(
            f"{r['document']}: text engine {r['engine_s'] * 1000:.1f} ms, verification "
            f"{r['verify_s'] * 1000:.1f} ms ({100 * r['share']:.1f}%); CPU {r['engine_cpu_s'] * 1000:.1f} ms"
            f" vs {r['verify_cpu_s'] * 1000:.1f} ms ({100 * r['cpu_share']:.1f}%); {r['fields']} fields,"
            f" {r['status']}"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
