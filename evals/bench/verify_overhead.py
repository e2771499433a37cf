"""The verification stage's time against the text engine's, on one-page invoices (goal: under 10%).

    python -m docai.evals.bench.verify_overhead [--repeat 15] [--json-out FILE]

For a born-digital synthetic invoice, a scanned one and the bundled examples/invoice.pdf, each file is
run the way `docai extract --engine text` runs it (`Service._run_engine`), with the options a user gets
(`load_options`, config files and environment included) and a warm engine (its models loaded once, as
in a batch): the document is loaded afresh, its pages remembered, the engine fills the schema, then
`check_extraction` verifies that extraction on that same document, once. Each round times both, so a
change in the machine's load falls on both.

`share` (CPU and wall) is the median over rounds of

    stage time / engine time, where
    stage time  = one `check_extraction` call (pages indexed, every field grounded, checked and scored)
    engine time = `load_document` + `engine.extract` (the text layer read, or OCR run: set
                  DOCAI_OCR_CACHE to leave Tesseract out; the schema filled)

and `service_share` the median of the stage's CPU time over the CPU time of the whole file in
`Service.extract(..., force=True)` on a fresh SQLite database (hashing, claim, load, engine, stage and
the stored result), the stage timed inside that same call. CPU is steadier than wall on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docai.evals.bench.extract_latency import make_inputs

Clock = tuple[float, float]  # wall, CPU seconds


def _now() -> Clock:
    return time.perf_counter(), time.process_time()


def _since(start: Clock) -> Clock:
    wall, cpu = _now()
    return wall - start[0], cpu - start[1]


def _median_share(pairs: list[tuple[Clock, Clock]], i: int) -> float | None:
    """The median over rounds of part / whole (wall: i=0, CPU: i=1)."""
    ratios = [part[i] / whole[i] for part, whole in pairs if whole[i] > 0]
    return round(statistics.median(ratios), 4) if ratios else None


def _median(clocks: list[Clock], i: int) -> float:
    return statistics.median(c[i] for c in clocks)


def engine_rounds(path: Path, schema: dict[str, Any], repeat: int) -> tuple[list[tuple[Clock, Clock]], Any]:
    """(stage, engine) clocks of `repeat` rounds, each as `Service._run_engine` runs a file; and the
    last round's verified extraction."""
    from docai.engines import create_engine
    from docai.options import load_options
    from docai.parsers import load_document
    from docai.verify import check_extraction, remember_pages

    options = load_options({"engine": "text"})
    engine = create_engine(options)
    rounds: list[tuple[Clock, Clock]] = []
    result = None
    try:
        for i in range(repeat + 1):  # the first round warms the engine and the stage up, untimed
            start = _now()
            with load_document(path, options) as doc:
                remember_pages(doc)  # as the service does: the stage reads the engine's pages
                extraction = engine.extract(doc, schema)
                engine_clock = _since(start)
                start = _now()
                result = check_extraction(extraction, doc, schema, options)
                stage_clock = _since(start)
            if i:
                rounds.append((stage_clock, engine_clock))
    finally:
        engine.close()
    return rounds, result


@contextmanager
def _timing_the_stage(into: list[Clock]) -> Iterator[None]:
    """Within the block, every `check_extraction` the service makes appends its clock to `into`."""
    import docai.service

    plain: Callable[..., Any] = docai.service.check_extraction

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = _now()
        try:
            return plain(*args, **kwargs)
        finally:
            into.append(_since(start))

    docai.service.check_extraction = timed  # type: ignore[assignment]
    try:
        yield
    finally:
        docai.service.check_extraction = plain  # type: ignore[assignment]


def service_rounds(
    path: Path, schema: dict[str, Any], repeat: int, folder: Path
) -> list[tuple[Clock, Clock]]:
    """(stage, whole file) clocks of `repeat` runs of `Service.extract(path, force=True)`."""
    from docai.options import load_options
    from docai.service import Service

    rounds: list[tuple[Clock, Clock]] = []
    stage: list[Clock] = []
    service = Service(load_options({"engine": "text"}), db=f"sqlite:///{folder / 'bench.db'}")
    with service, _timing_the_stage(stage):
        for i in range(repeat + 1):  # the first run warms up, untimed
            start = _now()
            (result,) = service.extract(path, schema, force=True)
            whole = _since(start)
            if result.status == "failed" or len(stage) != i + 1:
                raise RuntimeError(f"the service did not verify {path.name}: {result.error}")
            if i:
                rounds.append((stage[-1], whole))
    return rounds


def measure(path: Path, schema: dict[str, Any], repeat: int, folder: Path) -> dict[str, Any]:
    """Engine and stage times on one file (see the module's docstring for what each share divides)."""
    rounds, result = engine_rounds(path, schema, repeat)
    whole = service_rounds(path, schema, repeat, folder)
    stage, engine = [r[0] for r in rounds], [r[1] for r in rounds]
    return {
        "document": path.name,
        "fields": len(result.fields),
        "status": result.status,
        "engine_s": round(_median(engine, 0), 4),
        "verify_s": round(_median(stage, 0), 5),
        "share": _median_share(rounds, 0),
        "engine_cpu_s": round(_median(engine, 1), 4),
        "verify_cpu_s": round(_median(stage, 1), 5),
        "cpu_share": _median_share(rounds, 1),
        "service_cpu_s": round(_median([w[1] for w in whole], 1), 4),
        "service_verify_cpu_s": round(_median([w[0] for w in whole], 1), 5),
        "service_share": _median_share(whole, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=15, help="timed rounds per file (after one warm-up)")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args(argv)
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        schema = json.loads(inputs["schema"].read_text(encoding="utf-8"))
        docs = [inputs["digital"], inputs["scanned"]]
        if (root / "examples" / "invoice.pdf").is_file():
            docs.append(root / "examples" / "invoice.pdf")
        rows = []
        for i, p in enumerate(docs):
            folder = Path(tmp) / f"db{i}"
            folder.mkdir()
            rows.append(measure(p, schema, args.repeat, folder))
    for r in rows:
        print(
            f"{r['document']}: text engine {r['engine_s'] * 1000:.1f} ms, verification "
            f"{r['verify_s'] * 1000:.1f} ms ({100 * r['share']:.1f}%); CPU {r['engine_cpu_s'] * 1000:.1f} ms"
            f" vs {r['verify_cpu_s'] * 1000:.2f} ms ({100 * r['cpu_share']:.1f}%); whole file in the service"
            f" {r['service_cpu_s'] * 1000:.1f} ms CPU, its stage {r['service_verify_cpu_s'] * 1000:.2f} ms"
            f" ({100 * r['service_share']:.1f}%); {r['fields']} fields, {r['status']}"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
