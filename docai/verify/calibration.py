"""Fitted weights of the confidence model (docai.verify.confidence) and the default `--min-confidence`.

Refit with `python -m docai.evals.calibrate` (see BENCHMARKS.md, "Verification"), which prints this
table. Until fitted: hand-set weights that only rank fields (grounded and checked above the rest).
"""

from __future__ import annotations

FITTED_ON = "hand-set placeholder"

WEIGHTS: dict[str, float] = {
    "bias": -1.0,
    "grounded": 2.0,
    "quality": 1.0,
    "ocr": -0.5,
    "ocr_doubt": -2.0,
    "failed": -3.0,
    "sum_ok": 1.5,
    "agree": 1.5,
    "disagree": -2.0,
    "engine_conf": 1.0,
    "ambiguous": -0.5,
    "elsewhere": -0.5,
    "logprob": 2.0,
}

WEIGHTS_WITHOUT_ENGINE_SCORE: dict[str, float] = {k: v for k, v in WEIGHTS.items() if k != "engine_conf"}
"""The same model fitted without the engine's own score, for engines that give none (VLMs)."""

UNGROUNDED_WITHOUT_ENGINE_SCORE = 0.5
"""A rule, not a fit: the development data has only the text engine, whose values come from the page's
words, so it says little about a VLM value the page does not print; such a value is held at or below
this (and is `review` in any case)."""

MIN_CONFIDENCE = 0.9
"""Default threshold for `ok`: every filled field at or above it."""
