"""Fit the verification stage's confidence model on the development parts of eval reports.

    docai eval sroie --engine text --out sroie.json     # and the other sets (BENCHMARKS.md, Verification)
    python -m docai.evals.calibrate sroie.json kleister.json invoice_5.json ... [--write]

Each report's per-document `signals` (the features of every filled field, and whether its top-level
field was right) are split into development and held-out documents by `is_development`; one logistic
regression per kind of field (money and other numbers, dates, party names, addresses, other text) is
fitted on the development fields only, once with the engine's own score and once without it (for
engines that give none, such as VLMs); synthetic fields weigh SYNTHETIC_WEIGHT. The L2 strength and
the shrinkage toward each kind's base rate are chosen by leave-one-set-out ECE (evals/loso.py). It
prints that table, the threshold
for `ok` and, per set and part, precision of `ok`, coverage and ECE under the new models; `--write`
stores the models and the threshold in docai/verify/calibration.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from docai.evals import loso
from docai.evals.calfit import (
    C_CHOICES,
    CAPS_KEY,
    ENGINE_FEATURES,
    RECORDED_ONLY,
    Models,
    choose_threshold,
    evaluate,
    fit_caps,
    fit_kinds,
    samples,
)
from docai.verify import calibration
from docai.verify.confidence import KINDS

__all__ = ["CAPS_KEY", "C_CHOICES", "RECORDED_ONLY", "fit_caps", "fit_kinds", "main", "stored_models"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reports", nargs="+", type=Path)
    ap.add_argument("--write", action="store_true", help="store the models in docai/verify/calibration.json")
    ap.add_argument("--current", action="store_true", help="only print the table under the stored models")
    ap.add_argument(
        "--development-only", action="store_true", help="print no held-out row (while tuning: BENCHMARKS.md)"
    )
    ap.add_argument(
        "--floor",
        action="store_true",
        help="add the ECE a calibrated model shows on each part by chance",
    )
    ap.add_argument("--c", type=float, help="use this L2 strength (with --shrink) instead of the LOSO choice")
    ap.add_argument("--shrink", type=float, default=1.0, help="with --c: the share of the logit kept")
    args = ap.parse_args(argv)
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in args.reports]
    if args.current:
        print(f"MIN_CONFIDENCE = {calibration.MIN_CONFIDENCE} (stored)")
        print_table(reports, stored_models(), calibration.MIN_CONFIDENCE, args.development_only, args.floor)
        return 0
    X, y, sw, kinds, _ = samples(reports, development=True)
    if not X:
        sys.stderr.write("no development fields in these reports\n")
        return 1
    if args.c is None:
        best, tried = loso.choose(reports)
    else:
        best = loso.score(loso.folds(reports, args.c), args.c, args.shrink)
        tried = [best]
    print("# leave-one-set-out ECE (fitted on the other development parts; ** the one used):")
    print("\n".join(loso.render(tried, best)))
    c, s = best.c, best.shrink
    rates = loso.kind_rates(y, sw, kinds)
    models = loso.shrunk(fit_kinds(X, y, sw, kinds, drop=RECORDED_ONLY, c=c), rates, s)
    agnostic = loso.shrunk(fit_kinds(X, y, sw, kinds, drop=ENGINE_FEATURES + RECORDED_ONLY, c=c), rates, s)
    caps, cap_counts = fit_caps(reports)
    models[CAPS_KEY] = caps
    threshold = choose_threshold(reports, models)
    counts = ", ".join(f"{k} {kinds.count(k)}" for k in KINDS)
    dev = loso.development_sets(reports)
    note = (
        f"{len(y)} development fields ({sum(y)} right; {counts}) of the development parts of {', '.join(dev)}"
    )
    print(f"# fitted on {note}")
    kinds_fitted = ", ".join(sorted(set(models) - {CAPS_KEY}))
    print(f"# models per kind: {kinds_fitted}; C = {c}, shrink = {loso.describe(s)} (leave-one-set-out)")
    fams = ", ".join(f"{f} {caps[f]} ({cap_counts[f][1]:g} dev fields)" for f in caps)
    print(f"# caps after a failed check: {fams}")
    print(f"MIN_CONFIDENCE = {threshold}")
    left = loso.left_out_ok(loso.folds(reports, c), s, threshold)
    cells = ", ".join(f"{name} {right}/{ok}" for name, (ok, right) in sorted(left.items()))
    print(f"# left out, ok files right at {threshold} (fitted on the other development parts): {cells}")
    print_table(reports, models, threshold, args.development_only, args.floor)
    if args.write:
        write_calibration(note, models, agnostic, threshold, (c, s, round(best.mean_ece, 4)))
    return 0


def print_table(
    reports: list[dict[str, Any]],
    models: Models,
    threshold: float,
    development_only: bool = False,
    floor: bool = False,
) -> None:
    """Precision of ok, coverage and ECE per set and part under `models` and `threshold`; with `floor`, the
    mean and 95th percentile of the ECE a perfectly calibrated model would show on each part."""
    extra = " ECE floor (mean, p95) |" if floor else ""
    print(f"| set | part | documents | ok | precision of ok | coverage | ECE | fields |{extra}")
    for rep in reports:
        for dev in (True,) if development_only else (True, False):
            r = evaluate(rep, models, threshold, dev, floor)
            if not r["documents"]:
                continue
            cell = f" {r['ece_floor']['mean']}, {r['ece_floor']['p95']} |" if floor else ""
            print(
                f"| {rep['dataset']} | {'dev' if dev else 'held out'} | {r['documents']} | {r['ok']} | "
                f"{_pct(r['precision_of_ok'])} | {_pct(r['coverage'])} | {r['ece']} | {r['fields']} |{cell}"
            )


def stored_models() -> Models:
    """The models and caps now in calibration.json, in the form `evaluate` takes (`--current`)."""
    return dict(calibration.MODELS["with_engine_score"]) | {CAPS_KEY: calibration.FAILED_CHECK_CAPS}


def write_calibration(
    note: str, models: Models, agnostic: Models, threshold: float, chosen: tuple[float, loso.Shrink, float]
) -> None:
    """Store the fitted models and threshold where docai.verify.calibration reads them; `chosen` is
    (C, shrinkage, mean leave-one-set-out ECE), recorded for readers (the weights already hold both)."""
    c, shrink, loso_ece = chosen
    data = {
        "fitted_on": f"{note}; text engine",
        "min_confidence": threshold,
        "regularization_c": c,
        "shrink_to_kind_rate": shrink,
        "leave_one_set_out_ece": loso_ece,
        "ungrounded_without_engine_score": calibration.UNGROUNDED_WITHOUT_ENGINE_SCORE,
        "failed_check_caps": models.get(CAPS_KEY) or {},
        "models": {
            "with_engine_score": {k: v for k, v in models.items() if k != CAPS_KEY},
            "without_engine_score": agnostic,
        },
    }
    text = json.dumps(data, indent=1, ensure_ascii=False)
    calibration.CALIBRATION_FILE.write_text(text + "\n", encoding="utf-8")
    sys.stderr.write(f"wrote {calibration.CALIBRATION_FILE}\n")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


if __name__ == "__main__":
    raise SystemExit(main())
