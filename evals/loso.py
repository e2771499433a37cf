"""Choose the confidence models' complexity by leave-one-set-out cross-validation (evals/calibrate.py).

Cross-validation within the pooled development fields rewards a model that fits those sets' own habits
(a kind right 100% of the time on synthetic receipts, 57% on SROIE); the sets nobody here has seen
differ from every development set at least as much as these differ from each other. So each candidate
(L2 strength C, shrinkage toward a kind's base rate) is fitted on all development parts but one and
scored by ECE on the one left out (`choose` says which candidate is used).

Shrinkage: a kind's logit z is replaced by `s * z + (1 - s) * logit(rate)`, where `rate` is the kind's
smoothed share right on the fitting fields: s = 1 keeps the fit, s = 0 gives every field of the kind its
base rate. Since the bias input is always 1, this is folded into the weights (`shrunk`), so the stage
applies it with no code of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from docai.evals import calfit as cal

SHRINK_CHOICES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
"""Shares of the fitted logit kept (the rest is the kind's base rate); tried with every C."""


@dataclass(frozen=True)
class Candidate:
    """One complexity setting and what leaving each development set out gave."""

    c: float
    shrink: float | dict[str, float]
    ece: dict[str, float]  # left-out set -> ECE of its development part
    log_loss: float  # weighted mean over every left-out field

    @property
    def mean_ece(self) -> float:
        return sum(self.ece.values()) / len(self.ece)

    @property
    def worst_ece(self) -> float:
        return max(self.ece.values())


def kind_rates(y: list[int], sw: list[float], kinds: list[str]) -> dict[str, float]:
    """Per kind (and `all`), the weighted smoothed share right (right + 1) / (fields + 2)."""
    out: dict[str, float] = {}
    for kind in {"all", *kinds}:
        rows = [i for i, k in enumerate(kinds) if kind in ("all", k)]
        right = sum(sw[i] for i in rows if y[i])
        out[kind] = (right + 1) / (sum(sw[i] for i in rows) + 2)
    return out


Shrink = float | dict[str, float]
"""One share for every kind, or per kind (`all` for the kinds not named)."""


def _share(s: Shrink, kind: str) -> float:
    return s if isinstance(s, float | int) else s.get(kind, s["all"])


def shrunk(models: cal.Models, rates: dict[str, float], s: Shrink) -> cal.Models:
    """Every kind's model with its logit pulled toward logit(its rate): weights times its share, and the
    bias moved by (1 - share) * logit(rate). Entries that are not models (the caps) are kept as they are."""
    out: cal.Models = {}
    for kind, w in models.items():
        share = 1.0 if kind == cal.CAPS_KEY else _share(s, kind)
        if share == 1.0:
            out[kind] = dict(w)
            continue
        rate = rates.get(kind, rates["all"])
        moved = {name: round(share * v, 4) for name, v in w.items()}
        moved["bias"] = round(moved.get("bias", 0.0) + (1 - share) * math.log(rate / (1 - rate)), 4)
        out[kind] = moved
    return out


def development_sets(reports: list[dict[str, Any]]) -> list[str]:
    """The datasets that have a development part."""
    return sorted({r["dataset"] for r in reports if any(True for _ in cal.labelled([r], development=True))})


def _log_loss(rep: dict[str, Any], models: cal.Models, kind: str = "") -> tuple[float, float]:
    """(weighted log loss summed, weight) over the development fields of `rep` (of `kind` if given)."""
    total = weight = 0.0
    for dataset, _, sig in cal.labelled([rep], development=True):
        if kind and cal.kind_of_features(sig) != kind:
            continue
        p = min(max(cal._conf(sig, models), 1e-6), 1 - 1e-6)
        w = cal.SYNTHETIC_WEIGHT if cal.is_synthetic(dataset) else 1.0
        total -= w * math.log(p if sig["right"] else 1 - p)
        weight += w
    return total, weight


@dataclass(frozen=True)
class Fold:
    """Models fitted on every development part but `left`'s, and the report holding `left`."""

    left: str
    report: dict[str, Any]
    models: cal.Models
    rates: dict[str, float]


def folds(reports: list[dict[str, Any]], c: float) -> list[Fold]:
    """One Fold per development set, fitted with L2 strength `c`."""
    out = []
    for left in development_sets(reports):
        rest = [r for r in reports if r["dataset"] != left]
        X, y, sw, kinds, _ = cal.samples(rest, development=True)
        fitted = cal.fit_kinds(X, y, sw, kinds, cal.RECORDED_ONLY, c)
        fitted[cal.CAPS_KEY] = cal.fit_caps(rest)[0]
        report = next(r for r in reports if r["dataset"] == left)
        out.append(Fold(left, report, fitted, kind_rates(y, sw, kinds)))
    return out


def score(fs: list[Fold], c: float, s: Shrink) -> Candidate:
    """Each left-out set's ECE, and the pooled log loss, under shrinkage `s`."""
    ece: dict[str, float] = {}
    total = weight = 0.0
    for f in fs:
        models = shrunk(f.models, f.rates, s)
        ece[f.left] = cal.evaluate(f.report, models, 0.86, True)["ece"] or 0.0
        t, w = _log_loss(f.report, models)
        total, weight = total + t, weight + w
    return Candidate(c, s, ece, total / max(weight, 1e-9))


def per_kind(fs: list[Fold], c: float, s: float) -> dict[str, float]:
    """Starting from one share `s` for all, each kind's own share: the SHRINK_CHOICES value with the least
    left-out log loss over that kind's fields, for kinds in at least two development sets (a kind seen
    in one set has no other set to disagree with)."""
    out: dict[str, float] = {"all": s}
    seen: dict[str, set[str]] = {}
    for f in fs:
        for _, _, sig in cal.labelled([f.report], development=True):
            seen.setdefault(cal.kind_of_features(sig), set()).add(f.left)
    for kind in sorted(k for k, sets in seen.items() if len(sets) >= 2):
        losses = {v: _kind_loss(fs, kind, out | {kind: v}) for v in SHRINK_CHOICES}
        out[kind] = min(losses, key=lambda v: (round(losses[v], 4), -v))
    return out


def _kind_loss(fs: list[Fold], kind: str, s: dict[str, float]) -> float:
    total = weight = 0.0
    for f in fs:
        t, w = _log_loss(f.report, shrunk(f.models, f.rates, s), kind)
        total, weight = total + t, weight + w
    return total / max(weight, 1e-9)


def choose(reports: list[dict[str, Any]]) -> tuple[Candidate, list[Candidate]]:
    """The model to ship, and every candidate tried (each C with each one share, and with the best share
    of that C refined per kind, `per_kind`).

    C is the one whose unshrunk models have the least mean left-out ECE. Shrinkage lowers every high
    confidence and with it coverage, so it is taken only where the sets' disagreement is shown: the
    candidate with the least mean left-out ECE replaces the unshrunk one only if it beats it by more than
    one standard error of their paired per-set differences (`clearly_better`)."""
    tried: list[Candidate] = []
    for c in cal.C_CHOICES:
        fs = folds(reports, c)
        row = [score(fs, c, s) for s in SHRINK_CHOICES]
        best = min(row, key=lambda k: (round(k.mean_ece, 4), k.log_loss))
        tried += [*row, score(fs, c, per_kind(fs, c, float(best.shrink)))]
    plain = min((k for k in tried if k.shrink == 1.0), key=lambda k: (round(k.mean_ece, 4), k.log_loss))
    best = min((k for k in tried if k.c == plain.c), key=lambda k: (round(k.mean_ece, 4), k.log_loss))
    return (best if clearly_better(best, plain) else plain), tried


def clearly_better(a: Candidate, b: Candidate) -> bool:
    """Whether `a`'s left-out ECE is below `b`'s by more than one standard error of the per-set
    differences (paired: the same sets left out)."""
    diffs = [a.ece[s] - b.ece[s] for s in b.ece]
    if len(diffs) < 2:
        return False
    mean = sum(diffs) / len(diffs)
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1))
    return mean + sd / math.sqrt(len(diffs)) < 0


def left_out_ok(fs: list[Fold], s: Shrink, threshold: float) -> dict[str, tuple[int, int]]:
    """Per left-out development set, (ok files, ok files with every filled field right) under models
    fitted on the other sets (shrinkage `s`) at `threshold`: how far the precision of `ok` carries to a
    kind of document the fit has not seen. Reported, not used to choose (BENCHMARKS.md, Verification)."""
    out: dict[str, tuple[int, int]] = {}
    for f in fs:
        r = cal.evaluate(f.report, shrunk(f.models, f.rates, s), threshold, True)
        out[f.left] = (r["ok"], r["ok_right"])
    return out


def render(tried: list[Candidate], best: Candidate) -> list[str]:
    """Markdown rows: each candidate's left-out ECE per set, mean, worst and log loss."""
    sets = sorted(best.ece)
    lines = [
        "| C | shrink | " + " | ".join(sets) + " | mean | worst | log loss |",
        "|---" * (len(sets) + 5) + "|",
    ]
    for k in tried:
        mark = " **" if k is best else ""
        cells = " | ".join(f"{k.ece[s]:.3f}" for s in sets)
        tail = f"{k.mean_ece:.3f} | {k.worst_ece:.3f} | {k.log_loss:.3f}"
        lines.append(f"| {k.c:g}{mark} | {describe(k.shrink)} | {cells} | {tail} |")
    return lines


def describe(s: Shrink) -> str:
    """'0.8', or 'all 0.8, party 0.6' (kinds whose share differs from `all`)."""
    if isinstance(s, float | int):
        return f"{s:g}"
    return ", ".join(f"{k} {v:g}" for k, v in s.items() if k == "all" or v != s["all"])
