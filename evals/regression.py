"""A small fixed eval that CI runs: scores that must not fall below the floors recorded in the repository.

    python -m docai.evals.regression            # the scores, and exit 1 if any is below its floor
    python -m docai.evals.regression --record   # write the scores as the new floors

The suites are fixed slices of the shared evaluation data (skipped when `../shared/evaldata` is missing) and
two seeds of docai's synthetic documents (always run). Each suite yields named scores in 0..1; a floor is the
score recorded when the suite last improved, less a small margin for noise.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docai.options import Options

FLOORS_PATH = Path(__file__).with_name("regression_floors.json")
MARGIN = 0.005  # scores are deterministic; the margin only absorbs float rounding in the report


@dataclass(frozen=True)
class Suite:
    """One named slice of a dataset and the report values it is judged by."""

    name: str
    dataset: str  # a public dataset name, or "synth:KIND:SEED[:scanned]:N"
    limit: int | None
    scores: tuple[str, ...]  # dotted paths into the eval report


_INVOICE_SCORES = (
    "extraction.overall.accuracy",
    "qa.accuracy",
    "extraction.verification.precision_of_ok",  # verified files all right, and as many verified
    "extraction.verification.coverage",
)

SUITES: tuple[Suite, ...] = (
    Suite("sroie-20", "sroie", 20, ("extraction.overall.accuracy",)),
    Suite("invoice2data", "invoice2data", None, ("extraction.overall.accuracy", "extraction.overall.f1")),
    Suite("kleister-10", "kleister-nda", 10, ("extraction.overall.f1",)),
    Suite("synth-invoice-s5", "synth:invoice:5:born:10", None, _INVOICE_SCORES),
    Suite("synth-invoice-s9-scan", "synth:invoice:9:scanned:4", None, ("extraction.overall.accuracy",)),
)


def _value(report: dict[str, Any], dotted: str) -> float | None:
    node: Any = report
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) else None


def evaldata_root() -> Path:
    from docai.evals.datasets import default_data_path

    return default_data_path("x").parent


def _dataset(suite: Suite, workdir: Path) -> Any:
    from docai.evals.datasets import load_dataset

    if suite.dataset.startswith("synth:"):
        from docai.evals.synth import generate

        _, kind, seed, look, n = suite.dataset.split(":")
        out = workdir / suite.name
        generate(kind, int(n), out, seed=int(seed), scanned=look == "scanned")
        return load_dataset(str(out))
    return load_dataset(suite.dataset)


def available(suite: Suite) -> bool:
    return suite.dataset.startswith("synth:") or (evaldata_root() / suite.dataset).is_dir()


def run_suite(suite: Suite, workdir: Path, options: Options | None = None) -> dict[str, float | None]:
    """The suite's scores with the `text` engine and default options (no config file, no environment)."""
    from docai.evals.runner import run_eval

    opts = options or Options(engine="text")
    report = run_eval(_dataset(suite, workdir), opts, limit=suite.limit)
    return {f"{suite.name}/{path}": _value(report, path) for path in suite.scores}


def load_floors() -> dict[str, float]:
    return json.loads(FLOORS_PATH.read_text(encoding="utf-8")) if FLOORS_PATH.is_file() else {}


def below_floor(scores: dict[str, float | None], floors: dict[str, float]) -> list[str]:
    """One line per score under its floor (a missing score counts as 0)."""
    return [
        f"{key}: {scores.get(key) or 0.0:.4f} < floor {floor:.4f}"
        for key, floor in sorted(floors.items())
        if key in scores and (scores.get(key) or 0.0) < floor - MARGIN
    ]


def run_all(
    suites: tuple[Suite, ...] = SUITES, log: Callable[[str], None] = print
) -> dict[str, float | None]:
    scores: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory(prefix="docai-regression-") as tmp:
        for suite in suites:
            if not available(suite):
                log(f"{suite.name}: skipped (no data at {evaldata_root() / suite.dataset})")
                continue
            got = run_suite(suite, Path(tmp))
            scores.update(got)
            log("  ".join(f"{k}={v:.4f}" if v is not None else f"{k}=none" for k, v in got.items()))
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docai.evals.regression", description=__doc__)
    parser.add_argument("--record", action="store_true", help="write the scores as the new floors")
    args = parser.parse_args(argv)
    scores = run_all()
    if args.record:
        floors = {k: round(v, 4) for k, v in scores.items() if v is not None}
        FLOORS_PATH.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {len(floors)} floors to {FLOORS_PATH}")
        return 0
    problems = below_floor(scores, load_floors())
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
