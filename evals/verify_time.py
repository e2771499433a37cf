"""The verification stage's CPU time now and at an earlier commit, called alternately in one process.

    python -m docai.evals.verify_time REV [--pairs 400]

On a shared machine, timings taken minutes apart differ more than a speed change does; calls
alternated in one process see the same load. `docai/verify` is taken from REV (`git archive`) and
imported beside this tree's; every other module is this tree's, so the figure is the stage's own.
The inputs are those of `docai.evals.bench.verify_overhead` (born-digital and scanned one-page
invoices, examples/invoice.pdf), each extracted once by the text engine; each pair runs
`check_extraction` of both versions on fresh copies, in alternating order. Prints CPU medians and
their ratio (now / REV).
"""

from __future__ import annotations

import argparse
import copy
import importlib
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def verify_at(rev: str, folder: Path) -> ModuleType:
    """`docai.verify` as it was at `rev`, imported under its own name beside the current one."""
    import docai

    archive = subprocess.run(
        ["git", "archive", rev, "docai/verify"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    current = {k: v for k, v in sys.modules.items() if k == "docai.verify" or k.startswith("docai.verify.")}
    for k in current:
        del sys.modules[k]
    docai.__path__.insert(0, str(folder / "docai"))
    try:
        old = importlib.import_module("docai.verify")
    finally:
        docai.__path__.pop(0)
        for k in [k for k in sys.modules if k == "docai.verify" or k.startswith("docai.verify.")]:
            del sys.modules[k]
        sys.modules.update(current)
        docai.verify = current["docai.verify"]  # type: ignore[attr-defined]
    return old


def _pairs(now: Any, then: Any, path: Path, schema: dict[str, Any], n: int) -> dict[str, float]:
    from docai.engines import create_engine
    from docai.options import Options
    from docai.parsers import load_document

    options = Options(engine="text")
    engine = create_engine(options)
    times: dict[str, list[float]] = {"now": [], "then": []}
    try:
        with load_document(path, options) as doc:
            now.remember_pages(doc)
            extraction = engine.extract(doc, schema)
            for i in range(n):
                order = (("now", now), ("then", then)) if i % 2 == 0 else (("then", then), ("now", now))
                for name, module in order:
                    fresh = copy.deepcopy(extraction)
                    start = time.process_time()
                    module.check_extraction(fresh, doc, schema, options)
                    times[name].append(time.process_time() - start)
    finally:
        engine.close()
    a, b = statistics.median(times["now"]), statistics.median(times["then"])
    return {"now_ms": round(a * 1000, 3), "then_ms": round(b * 1000, 3), "ratio": round(a / b, 3)}


def main(argv: list[str] | None = None) -> int:
    from docai.evals.bench.extract_latency import make_inputs

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rev", help="the commit to compare with")
    ap.add_argument("--pairs", type=int, default=400)
    args = ap.parse_args(argv)
    import docai.verify as now

    with tempfile.TemporaryDirectory() as tmp:
        then = verify_at(args.rev, Path(tmp) / "rev")
        inputs = make_inputs(Path(tmp) / "inputs")
        schema = json.loads(inputs["schema"].read_text(encoding="utf-8"))
        docs = [inputs["digital"], inputs["scanned"], ROOT / "examples" / "invoice.pdf"]
        for path in [p for p in docs if p.is_file()]:
            r = _pairs(now, then, path, schema, args.pairs)
            then_ms, now_ms = r["then_ms"], r["now_ms"]
            print(f"{path.name}: CPU {then_ms:.3f} ms at {args.rev} -> {now_ms:.3f} ms (x{r['ratio']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
