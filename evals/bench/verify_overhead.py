"""The verification stage's time against the text engine's, on one-page invoices (goal: under 10%).

    python -m docai.evals.bench.verify_overhead [--repeat 5] [--stage-runs 20] [--json-out FILE]

For a born-digital synthetic invoice, a scanned one and the bundled examples/invoice.pdf: the time a
warm text engine takes per file (the document loaded, its words read or OCR run, the schema filled;
set DOCAI_OCR_CACHE to leave Tesseract out), and the time of `docai.verify.check_extraction` on its
output (pages indexed afresh each run: the stage's whole cost, grounding every field included). Both
are warmed up once, then timed in alternating rounds (one engine run, then the median of
`--stage-runs` stage runs), so a change in the machine's load falls on both; the share is the median
of the rounds' ratios. Wall and CPU both; CPU is steadier on a shared machine.
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from docai.evals.bench.extract_latency import make_inputs


def _timed(fn: Any) -> tuple[float, float]:
    """Wall and CPU seconds of one call of `fn`."""
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - start_cpu


def _median_of(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def measure(path: Path, schema: dict[str, Any], repeat: int, stage_runs: int = 20) -> dict[str, Any]:
    """Engine and stage times on one file, in `repeat` rounds of one engine run then `stage_runs` stage
    runs (their median), so both see the same load; shares are the median of the rounds' ratios."""
    from docai.engines import create_engine
    from docai.options import Options
    from docai.parsers import load_document
    from docai.verify import check_extraction, remember_pages

    options = Options(engine="text")
    engine = create_engine(options)

    def fresh() -> None:  # what a file costs the warm engine: its pages read, then filled
        with load_document(path, options) as d:
            engine.extract(d, schema)

    rounds: list[tuple[tuple[float, float], tuple[float, float]]] = []
    try:
        fresh()  # warm-up: the engine's models load once
        with load_document(path, options) as doc:
            remember_pages(doc)
            extraction = engine.extract(doc, schema)
            result = check_extraction(copy.deepcopy(extraction), doc, schema, options)  # warm-up too
            for _ in range(repeat):
                engine_run = _timed(fresh)
                copies = [copy.deepcopy(extraction) for _ in range(stage_runs)]  # copying is not timed
                runs = [_timed(functools.partial(check_extraction, c, doc, schema, options)) for c in copies]
                rounds.append((engine_run, _median_of(runs)))
    finally:
        engine.close()
    engine_s = _median_of([r[0] for r in rounds])
    verify_s = _median_of([r[1] for r in rounds])
    return {
        "document": path.name,
        "fields": len(result.fields),
        "status": result.status,
        "engine_s": round(engine_s[0], 4),
        "verify_s": round(verify_s[0], 5),
        "share": _share(rounds, 0),
        "engine_cpu_s": round(engine_s[1], 4),
        "verify_cpu_s": round(verify_s[1], 5),
        "cpu_share": _share(rounds, 1),
    }


def _share(rounds: list[tuple[tuple[float, float], tuple[float, float]]], i: int) -> float | None:
    """The median over rounds of stage time / engine time (wall: i=0, CPU: i=1)."""
    ratios = [s[i] / e[i] for e, s in rounds if e[i] > 0]
    return round(statistics.median(ratios), 4) if ratios else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="rounds: one engine run, then the stage runs")
    ap.add_argument("--stage-runs", type=int, default=20, help="stage runs per round (their median)")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args(argv)
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        schema = json.loads(inputs["schema"].read_text(encoding="utf-8"))
        docs = [inputs["digital"], inputs["scanned"]]
        if (root / "examples" / "invoice.pdf").is_file():
            docs.append(root / "examples" / "invoice.pdf")
        rows = [measure(p, schema, args.repeat, args.stage_runs) for p in docs]
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
