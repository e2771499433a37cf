"""The fitted confidence models (docai.verify.confidence) and the default `--min-confidence`, read from
`calibration.json` beside this module.

That file is data, written by `python -m docai.evals.calibrate REPORT.json ... --write` from
`docai eval --out` reports of the text engine (see BENCHMARKS.md, "Verification"): one logistic model
per kind of field (confidence.KINDS), each fitted on the development parts only, once with the engine's
own score and once without it (for engines that give none, such as VLMs). A kind with too few
development fields uses the model fitted on every kind ("all"). Weights left out are 0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


def _load() -> dict[str, Any]:
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))


_DATA = _load()

FITTED_ON: str = _DATA["fitted_on"]

MODELS: dict[str, dict[str, dict[str, float]]] = _DATA["models"]
"""`with_engine_score` / `without_engine_score` -> kind (or `all`) -> feature -> weight."""

MIN_CONFIDENCE: float = float(_DATA["min_confidence"])
"""Default threshold for `ok`: every filled field at or above it. The least threshold at which `ok`
files were at least 98% right on every development part (evals/calibrate.py, choose_threshold)."""

UNGROUNDED_WITHOUT_ENGINE_SCORE: float = float(_DATA["ungrounded_without_engine_score"])
"""A rule, not a fit: the development data has only the text engine, whose values come from the page's
words, so it says little about a VLM value the page does not print; such a value is held at or below
this (and is `review` in any case)."""


def weights_for(kind: str, engine_score: bool = True) -> dict[str, float]:
    """The fitted model for a field of `kind`, with or without the engine's own score among its inputs."""
    models = MODELS["with_engine_score" if engine_score else "without_engine_score"]
    return models.get(kind) or models["all"]
