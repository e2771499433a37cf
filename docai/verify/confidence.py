"""Per-field confidence: a logistic model over the signals the stage has, fitted by evals/calibrate.py.

The weights live in `calibration.WEIGHTS` with a note of what they were fitted on; this module only
turns a field's signals into the model's features and applies it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from docai.verify import calibration

FEATURES: tuple[str, ...] = (
    "bias",
    "grounded",
    "quality",
    "ocr",
    "ocr_doubt",
    "ocr_worst",
    "ocr_clean",
    "failed",
    "sum_ok",
    "agree",
    "disagree",
    "engine_conf",
    "no_engine_conf",
    "number",
    "date",
    "short_string",
    "long_string",
    "party",
    "address",
    "ambiguous",
    "elsewhere",
    "logprob",
)


KINDS = ("number", "date", "party", "address", "string")
INPUTS: tuple[str, ...] = (
    *FEATURES,
    *(f"{k}_{src}" for k in KINDS for src in ("layer", "ocr")),
    "party_engine_conf",
)
"""What the model weighs: the recorded features, plus an intercept per kind of field and text source
(a name read by OCR is right less often than an amount in a text layer) and the engine's score for
party names (derived, so eval reports need keep only `features`)."""


@dataclass
class Signals:
    """What the stage learnt about one filled field."""

    kind: str
    grounded: bool | None
    quality: float = 0.0
    ocr: bool = False
    ocr_conf: float = 1.0
    ocr_min: float = 1.0  # the least confident matched word
    role: str = ""  # party (an issuer's or recipient's name), address, or empty
    failed: int = 0
    sum_ok: bool = False
    agree: int = 0  # +1 agrees with the reference reading, -1 disagrees, 0 none
    engine_conf: float | None = None
    length: int = 0
    matches: int = 0
    elsewhere: bool = False  # found, but not on the page the engine named
    logprob: float | None = None  # mean token probability where a server returned log-probabilities


def features(s: Signals) -> dict[str, float]:
    return {
        "bias": 1.0,
        "grounded": 1.0 if s.grounded else 0.0,
        "quality": s.quality if s.grounded else 0.0,
        "ocr": 1.0 if s.ocr else 0.0,
        "ocr_doubt": (1.0 - s.ocr_conf) if s.ocr and s.grounded else 0.0,
        "ocr_worst": (1.0 - s.ocr_min) if s.ocr and s.grounded else 0.0,
        "ocr_clean": 1.0 if s.ocr and s.grounded and s.ocr_min >= 0.85 else 0.0,
        "failed": float(min(s.failed, 2)),
        "sum_ok": 1.0 if s.sum_ok else 0.0,
        "agree": 1.0 if s.agree > 0 else 0.0,
        "disagree": 1.0 if s.agree < 0 else 0.0,
        "engine_conf": s.engine_conf if s.engine_conf is not None else 0.0,
        "no_engine_conf": 1.0 if s.engine_conf is None else 0.0,
        "number": 1.0 if s.kind == "number" else 0.0,
        "date": 1.0 if s.kind == "date" else 0.0,
        "short_string": 1.0 if s.kind == "string" and s.length <= 12 else 0.0,
        "long_string": min(s.length, 120) / 40.0 if s.kind == "string" and s.length > 12 else 0.0,
        "party": 1.0 if s.role == "party" else 0.0,
        "address": 1.0 if s.role == "address" else 0.0,
        "ambiguous": 1.0 if s.matches >= 3 else 0.0,
        "elsewhere": 1.0 if s.elsewhere else 0.0,
        "logprob": (s.logprob - 0.5) if s.logprob is not None else 0.0,
    }


def model_inputs(f: dict[str, float]) -> dict[str, float]:
    """The model's inputs from a field's recorded features."""
    kind = next((k for k in ("party", "address", "number", "date") if f.get(k)), "string")
    src = "ocr" if f.get("ocr") else "layer"
    out = {name: float(f.get(name, 0.0)) for name in FEATURES}
    out.update({f"{k}_{s}": 0.0 for k in KINDS for s in ("layer", "ocr")})
    out[f"{kind}_{src}"] = 1.0
    out["party_engine_conf"] = float(f.get("engine_conf", 0.0)) if kind == "party" else 0.0
    return out


def confidence(s: Signals, weights: dict[str, float] | None = None) -> float:
    """P(the value is right) under the fitted model, rounded to 3 places."""
    if weights is not None:
        w = weights
    elif s.engine_conf is None:  # a VLM: grounding and checks only
        w = calibration.WEIGHTS_WITHOUT_ENGINE_SCORE
    else:
        w = calibration.WEIGHTS
    z = sum(w.get(name, 0.0) * value for name, value in model_inputs(features(s)).items())
    p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    if s.grounded is False and s.engine_conf is None:
        p = min(p, calibration.UNGROUNDED_WITHOUT_ENGINE_SCORE)
    return round(p, 3)
