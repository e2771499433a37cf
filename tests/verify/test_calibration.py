"""The per-kind confidence models: how evals/calibrate.py fits them and how the stage reads them."""

from __future__ import annotations

import json
import random
from pathlib import Path

from docai.evals import calibrate
from docai.verify import calibration
from docai.verify.confidence import INPUTS, KINDS, Signals, confidence, model_inputs, probability


def _row(f: dict[str, float]) -> list[float]:
    inputs = model_inputs(f)
    return [inputs[name] for name in INPUTS]


def test_each_kind_gets_its_own_model_and_small_kinds_their_own_rate() -> None:
    rng = random.Random(7)
    X, y, sw, kinds = [], [], [], []
    for _ in range(300):  # party names: right when in the header block, mostly wrong otherwise
        header = rng.random() < 0.5
        right = rng.random() < (0.95 if header else 0.2)
        X.append(_row({"party": 1.0, "grounded": 1.0, "quality": 1.0, "p_header": float(header)}))
        y.append(int(right))
        sw.append(1.0)
        kinds.append("party")
    for _ in range(10):  # a handful of currency codes, all right
        X.append(_row({"code": 1.0, "grounded": 1.0, "quality": 1.0}))
        y.append(1)
        sw.append(1.0)
        kinds.append("code")
    models = calibrate.fit_kinds(X, y, sw, kinds)
    assert set(models) == {"all", "party", "code"}
    top = probability(
        model_inputs({"party": 1.0, "grounded": 1.0, "quality": 1.0, "p_header": 1.0}), models["party"]
    )
    body = probability(model_inputs({"party": 1.0, "grounded": 1.0, "quality": 1.0}), models["party"])
    assert top > 0.85 and body < 0.35
    code = probability(model_inputs({"code": 1.0, "grounded": 1.0, "quality": 1.0}), models["code"])
    assert abs(code - 11 / 12) < 0.01  # (right + 1) / (fields + 2)


def test_the_stored_models_load_and_cover_the_kinds() -> None:
    data = json.loads(Path(calibration.CALIBRATION_FILE).read_text(encoding="utf-8"))
    assert 0.5 <= data["min_confidence"] <= 1.0 and data["fitted_on"]
    for side in ("with_engine_score", "without_engine_score"):
        models = data["models"][side]
        assert "all" in models
        assert set(models) <= {"all", *KINDS}
        assert all(name in INPUTS for m in models.values() for name in m)
    right = Signals(kind="number", grounded=True, quality=1.0, engine_conf=0.9, ftype="money", sum_ok=True)
    wrong = Signals(kind="number", grounded=False, engine_conf=0.9, ftype="money", failed=2)
    assert confidence(right) > confidence(wrong)


def test_recorded_only_signals_are_not_weighed_and_a_term_is_doubted() -> None:
    """`rivals` is not weighed in the logistic models (evals/calibrate.RECORDED_ONLY) but caps, as a failed
    check does (families.CAPPED_SIGNALS); a length of time has its own model, which on the development
    part doubts an agreement's term."""
    for side in calibration.MODELS.values():
        assert not any(name in m for m in side.values() for name in calibrate.RECORDED_ONLY)
    assert "duration" in calibration.MODELS["with_engine_score"]
    term = Signals(kind="string", grounded=True, quality=1.0, engine_conf=0.5, length=6, ftype="duration")
    place = Signals(kind="string", grounded=True, quality=1.0, engine_conf=0.7, length=7, ftype="text")
    assert confidence(term) < 0.6 < confidence(place)
    rivalled = Signals(**(place.__dict__ | {"rivals": True}))  # rivals cap, never lift
    assert confidence(rivalled) == min(confidence(place), calibration.FAILED_CHECK_CAPS["rivals"])


def test_no_confidence_claims_certainty() -> None:
    """Signals the models weigh as strongly as they can still give at most MAX_CONFIDENCE."""
    from docai.verify.confidence import MAX_CONFIDENCE, Signals, confidence

    sure = Signals(kind="string", grounded=True, quality=1.0, length=6, ftype="text")
    assert confidence(sure, weights={"bias": 50.0, "grounded": 50.0}) == MAX_CONFIDENCE < 1.0
