"""What evals/calibrate.py fits and scores: development fields from eval reports, one logistic model
per kind of field, caps after a failed check, and precision of `ok`, coverage and ECE of a report's part.

Split from the command (evals/calibrate.py) so that evals/loso.py can fit and score models without
importing the command that uses it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docai.evals.metrics import ece_floor, expected_calibration_error, ok_precision
from docai.verify.confidence import INPUTS, KINDS, MAX_CONFIDENCE, kind_of_features, model_inputs, probability
from docai.verify.families import CAPPED_SIGNALS, FAMILIES, capped

ENGINE_FEATURES = ("engine_conf", "no_engine_conf", "party_engine_conf")
RECORDED_ONLY = ("rivals",)
"""Signals the stage records but the models do not weigh. `rivals` (docai.verify.rivals: the page prints
another date or length of time) tells Kleister's wrong effective dates (2 of 5 right with rivals, 19 of
21 without), but fitted it lifts the dates without rivals to 0.9, and with several fields at 0.9 an
agreement's fields are all right far less often than 97%: the `ok` threshold then rises to 0.90 and
receipts lose their coverage (BENCHMARKS.md, Verification, fourth round). It caps instead
(families.CAPPED_SIGNALS, fitted by fit_caps)."""
THRESHOLDS = [round(0.5 + 0.01 * i, 2) for i in range(50)]
TARGET_PRECISION = 0.98
C_CHOICES = (0.06, 0.25, 1.0, 4.0, 16.0)
"""Inverse L2 strengths tried; evals/loso.py picks one by leave-one-set-out ECE."""
TARGET_FIELD_ACCURACY = 0.97
"""The `ok` threshold must also keep development fields at or above it this often right (pooled), so
that a handful of `ok` files per development part is not all that decides it."""
MIN_KIND_FIELDS = 20
"""A kind with fewer development fields (or only right or only wrong ones) uses the model of all kinds."""

Models = dict[str, dict[str, float]]
CAPS_KEY = "failed_check_caps"
"""Stored beside the kinds' models in a `Models` dict: family -> cap (see fit_caps)."""


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


def labelled(reports: list[dict[str, Any]], development: bool) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(dataset, document, recorded signals) of every labelled field of one part."""
    for rep in reports:
        for doc in _docs(rep):
            if is_development(rep["dataset"], doc["doc"]) != development:
                continue
            for sig in (doc.get("signals") or {}).values():
                if sig.get("right") is not None:
                    yield rep["dataset"], doc["doc"], sig


def samples(
    reports: list[dict[str, Any]], development: bool
) -> tuple[list[list[float]], list[int], list[float], list[str], list[int]]:
    """(inputs, right, sample weight, kind, document number) of every labelled field of one part."""
    X: list[list[float]] = []
    y: list[int] = []
    weights: list[float] = []
    kinds: list[str] = []
    groups: list[int] = []
    for dataset, doc, sig in labelled(reports, development):
        inputs = model_inputs(sig)
        X.append([inputs[f] for f in INPUTS])
        y.append(1 if sig["right"] else 0)
        weights.append(SYNTHETIC_WEIGHT if is_synthetic(dataset) else 1.0)
        kinds.append(kind_of_features(sig))
        groups.append(zlib.crc32(f"{dataset}/{doc}".encode()))
    return X, y, weights, kinds, groups


def fit(
    X: list[list[float]], y: list[int], sample_weight: list[float], drop: tuple[str, ...] = (), c: float = 1.0
) -> dict[str, float]:
    """Logistic regression (L2, inverse strength `c`) over INPUTS less `drop`: name -> weight, with bias."""
    from sklearn.linear_model import LogisticRegression

    keep = [i for i, f in enumerate(INPUTS) if f != "bias" and f not in drop]
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit([[row[i] for i in keep] for row in X], y, sample_weight=sample_weight)
    weights = {"bias": round(float(model.intercept_[0]), 4)}
    for i, w in zip(keep, model.coef_[0], strict=True):
        if round(float(w), 4):
            weights[INPUTS[i]] = round(float(w), 4)
    return weights


def fit_kinds(
    X: list[list[float]],
    y: list[int],
    sw: list[float],
    kinds: list[str],
    drop: tuple[str, ...] = (),
    c: float = 1.0,
) -> Models:
    """One model per kind with enough development fields of both labels, and `all` over every kind. A
    kind with too few (or only right ones) gets the `all` model with its intercept moved so that its mean
    confidence is its smoothed share right, (right + 1) / (fields + 2)."""
    models = {"all": fit(X, y, sw, drop, c)}
    for kind in KINDS:
        rows = [i for i, k in enumerate(kinds) if k == kind]
        if not rows:
            continue
        xs, ys, ws = [X[i] for i in rows], [y[i] for i in rows], [sw[i] for i in rows]
        if len(rows) >= MIN_KIND_FIELDS and len(set(ys)) == 2:
            models[kind] = fit(xs, ys, ws, drop, c)
        else:
            rate = (sum(w for w, v in zip(ws, ys, strict=True) if v) + 1) / (sum(ws) + 2)
            models[kind] = shift_bias(models["all"], xs, ws, rate)
    return models


def shift_bias(w: dict[str, float], X: list[list[float]], sw: list[float], rate: float) -> dict[str, float]:
    """`w` with its bias moved (bisection) so that its weighted mean probability over X is `rate`."""

    def mean_p(bias: float) -> float:
        moved = w | {"bias": bias}
        ps = [probability(dict(zip(INPUTS, row, strict=True)), moved) for row in X]
        return sum(p * s for p, s in zip(ps, sw, strict=True)) / sum(sw)

    lo, hi = w["bias"] - 10.0, w["bias"] + 10.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mean_p(mid) < rate else (lo, mid)
    return w | {"bias": round((lo + hi) / 2, 4)}


def fit_caps(reports: list[dict[str, Any]]) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """Per check family, the smoothed (weighted) share right of the development fields that failed a
    check of it, (right + 1) / (fields + 2): with no such field the cap is 0.5, as much for as against;
    the same for each of families.CAPPED_SIGNALS, over the fields that hold it.
    Returns the caps and, per family or signal, (right, fields) weighted."""
    counts = {f: [0.0, 0.0] for f in (*FAMILIES, *CAPPED_SIGNALS)}
    for dataset, _, sig in labelled(reports, development=True):
        w = SYNTHETIC_WEIGHT if is_synthetic(dataset) else 1.0
        held = [f for f in FAMILIES if sig.get(f"failed_{f}")] + [f for f in CAPPED_SIGNALS if sig.get(f)]
        for name in held:
            counts[name][0] += w * bool(sig["right"])
            counts[name][1] += w
    caps = {f: round((r + 1) / (n + 2), 3) for f, (r, n) in counts.items()}
    return caps, {f: (r, n) for f, (r, n) in counts.items()}


def _conf(sig: dict[str, Any], models: Models) -> float:
    """A field's confidence under `models` from its recorded signals, as the stage gives it."""
    p = probability(model_inputs(sig), models.get(kind_of_features(sig)) or models["all"])
    return min(capped(p, sig, models.get(CAPS_KEY) or {}), MAX_CONFIDENCE)


def evaluate(
    rep: dict[str, Any], w: Models, threshold: float, development: bool, floor: bool = False
) -> dict[str, Any]:
    """Precision of ok, coverage and ECE of one part of a report under weights `w`; with `floor`, also
    the ECE a perfectly calibrated model with these confidences would show there (metrics.ece_floor)."""
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
    if floor:
        out["ece_floor"] = ece_floor(c for c, _ in pairs)
    return out


def _status(doc: dict[str, Any], key_conf: dict[str, float], threshold: float) -> str:
    if doc["status"] not in ("ok", "review"):
        return doc["status"]
    other = [r for r in doc.get("review") or [] if " is below " not in r]
    if other or any(c < threshold for c in key_conf.values()):
        return "review"
    return "ok"


def choose_threshold(reports: list[dict[str, Any]], w: Models) -> float:
    """The least threshold at which every development part reaches TARGET_PRECISION (or has no ok) and
    the development fields at or above it are right TARGET_FIELD_ACCURACY of the time (weighted). Each
    field's confidence is the stage's (`_conf`: its model, then every cap its recorded signals call for)."""
    pooled = [
        (_conf(sig, w), bool(sig["right"]), SYNTHETIC_WEIGHT if is_synthetic(dataset) else 1.0)
        for dataset, _, sig in labelled(reports, development=True)
    ]
    conf = [p for p, _, _ in pooled]
    y = [v for _, v, _ in pooled]
    sw = [s for _, _, s in pooled]
    for t in THRESHOLDS:
        above = [(v, s) for p, v, s in zip(conf, y, sw, strict=True) if p >= t]
        if above and sum(v * s for v, s in above) / sum(s for _, s in above) < TARGET_FIELD_ACCURACY:
            continue
        parts = [evaluate(r, w, t, True) for r in reports]
        if all(p["precision_of_ok"] is None or p["precision_of_ok"] >= TARGET_PRECISION for p in parts):
            return t
    return THRESHOLDS[-1]
