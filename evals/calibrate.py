"""Fit the verification stage's confidence model on the development parts of eval reports.

    docai eval sroie --engine text --out sroie.json     # and the other sets (BENCHMARKS.md, Verification)
    python -m docai.evals.calibrate sroie.json kleister.json invoice_5.json ... > weights.txt

Each report's per-document `signals` (the features of every filled field, and whether its top-level
field was right) are split into development and held-out documents by `is_development`; a logistic
regression is fitted on the development fields only, once with the engine's own score and once without
it (for engines that give none, such as VLMs); synthetic fields weigh SYNTHETIC_WEIGHT. It prints
the weights for docai/verify/calibration.py,
the threshold for `ok`, and per set and part: precision of `ok`, coverage and ECE under the new weights.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zlib
from pathlib import Path
from typing import Any

from docai.evals.metrics import expected_calibration_error, ok_precision
from docai.verify.confidence import INPUTS, model_inputs

ENGINE_FEATURES = ("engine_conf", "no_engine_conf", "party_engine_conf")
THRESHOLDS = [round(0.5 + 0.01 * i, 2) for i in range(50)]
TARGET_PRECISION = 0.98


def is_development(dataset: str, doc: str) -> bool:
    """The development part of each set, as declared in BENCHMARKS.md before fitting."""
    name = dataset.lower()
    if "sroie" in name:
        m = re.search(r"(\d+)", Path(doc).stem)
        return m is not None and int(m.group(1)) < 60
    if "kleister" in name:
        return zlib.crc32(Path(doc).name.encode()) % 2 == 0
    if "invoice2data" in name:
        return False
    return bool(re.search(r"_5$", name))


def _docs(report: dict[str, Any]) -> list[dict[str, Any]]:
    return (report.get("extraction") or {}).get("per_document") or []


SYNTHETIC_WEIGHT = 0.5
"""Synthetic fields count half as much as real ones in the fit: docai's rules were built on that generator's
documents, so they are right there more often than on documents nobody here wrote."""


def is_synthetic(dataset: str) -> bool:
    name = dataset.lower()
    return not any(k in name for k in ("sroie", "kleister", "invoice2data"))


def samples(
    reports: list[dict[str, Any]], development: bool
) -> tuple[list[list[float]], list[int], list[float]]:
    X: list[list[float]] = []
    y: list[int] = []
    weights: list[float] = []
    for rep in reports:
        for doc in _docs(rep):
            if is_development(rep["dataset"], doc["doc"]) != development:
                continue
            for sig in (doc.get("signals") or {}).values():
                if sig.get("right") is None:
                    continue
                inputs = model_inputs(sig)
                X.append([inputs[f] for f in INPUTS])
                y.append(1 if sig["right"] else 0)
                weights.append(SYNTHETIC_WEIGHT if is_synthetic(rep["dataset"]) else 1.0)
    return X, y, weights


def fit(
    X: list[list[float]], y: list[int], sample_weight: list[float], drop: tuple[str, ...] = ()
) -> dict[str, float]:
    """Logistic regression (L2, C=1) over INPUTS less `drop`; returns name -> weight, bias included."""
    from sklearn.linear_model import LogisticRegression

    keep = [i for i, f in enumerate(INPUTS) if f != "bias" and f not in drop]
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit([[row[i] for i in keep] for row in X], y, sample_weight=sample_weight)
    weights = {"bias": round(float(model.intercept_[0]), 4)}
    for i, w in zip(keep, model.coef_[0], strict=True):
        weights[INPUTS[i]] = round(float(w), 4)
    return weights


def _conf(sig: dict[str, Any], w: dict[str, float]) -> float:
    import math

    z = sum(w.get(f, 0.0) * v for f, v in model_inputs(sig).items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def evaluate(rep: dict[str, Any], w: dict[str, float], threshold: float, development: bool) -> dict[str, Any]:
    """Precision of ok, coverage and ECE of one part of a report under weights `w`."""
    pairs: list[tuple[float, bool]] = []
    statuses: list[tuple[str, bool]] = []
    for doc in _docs(rep):
        if is_development(rep["dataset"], doc["doc"]) != development:
            continue
        by_key: dict[str, list[float]] = {}
        for sig in (doc.get("signals") or {}).values():
            by_key.setdefault(sig["top"], []).append(_conf(sig, w))
        key_conf = {k: min(v) for k, v in by_key.items()}
        for key, right in (doc.get("field_right") or {}).items():
            if key in by_key:
                pairs.append((sum(by_key[key]) / len(by_key[key]), right))
        right = bool(doc.get("filled_right")) and doc["status"] != "failed"
        statuses.append((_status(doc, key_conf, threshold), right))
    out = ok_precision(statuses)
    out["ece"] = expected_calibration_error(pairs)
    out["fields"] = len(pairs)
    return out


def _status(doc: dict[str, Any], key_conf: dict[str, float], threshold: float) -> str:
    if doc["status"] not in ("ok", "review"):
        return doc["status"]
    other = [r for r in doc.get("review") or [] if " is below " not in r]
    if other or any(c < threshold for c in key_conf.values()):
        return "review"
    return "ok"


def choose_threshold(reports: list[dict[str, Any]], w: dict[str, float]) -> float:
    """The least threshold at which every development part reaches TARGET_PRECISION (or has no ok)."""
    for t in THRESHOLDS:
        parts = [evaluate(r, w, t, True) for r in reports]
        if all(p["precision_of_ok"] is None or p["precision_of_ok"] >= TARGET_PRECISION for p in parts):
            return t
    return THRESHOLDS[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reports", nargs="+", type=Path)
    args = ap.parse_args(argv)
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in args.reports]
    X, y, sw = samples(reports, development=True)
    if not X:
        sys.stderr.write("no development fields in these reports\n")
        return 1
    weights = fit(X, y, sw)
    agnostic = fit(X, y, sw, drop=ENGINE_FEATURES)
    threshold = choose_threshold(reports, weights)
    print(f"# fitted on {len(y)} development fields ({sum(y)} right) from {len(reports)} reports")
    print(f"WEIGHTS = {json.dumps(weights, indent=4)}")
    print(f"WEIGHTS_WITHOUT_ENGINE_SCORE = {json.dumps(agnostic, indent=4)}")
    print(f"MIN_CONFIDENCE = {threshold}")
    print("| set | part | documents | ok | precision of ok | coverage | ECE | fields |")
    for rep in reports:
        for dev in (True, False):
            r = evaluate(rep, weights, threshold, dev)
            if not r["documents"]:
                continue
            print(
                f"| {rep['dataset']} | {'dev' if dev else 'held out'} | {r['documents']} | {r['ok']} | "
                f"{_pct(r['precision_of_ok'])} | {_pct(r['coverage'])} | {r['ece']} | {r['fields']} |"
            )
    return 0


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


if __name__ == "__main__":
    raise SystemExit(main())
