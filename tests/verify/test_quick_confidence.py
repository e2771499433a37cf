"""The confidence model's quick path (issue 13) weighs a field's features exactly as the full rows do."""

from __future__ import annotations

import itertools
import math

from docai import values
from docai.verify import calibration
from docai.verify.confidence import (
    KINDS,
    MAX_CONFIDENCE,
    RECORDED,
    Signals,
    _kind_of_signals,
    _Model,
    _model,
    confidence,
    features,
    held_features,
    kind_of_features,
    model_inputs,
    probability,
)
from docai.verify.families import capped
from docai.verify.party import PARTY_FEATURES


def _plain_probability(f: dict[str, float], w: dict[str, float]) -> float:
    """The plain sparse sum the prepared models must equal bit for bit: the weighted features `f` holds
    in `w`'s order, then the bias and the kind's source term, then the clamped logistic."""
    kind = kind_of_features(f)
    z = sum(weight * f[name] for name, weight in w.items() if name in f and name != "bias")
    z += w.get("bias", 0.0) + w.get(f"{kind}_{'ocr' if f.get('ocr') else 'layer'}", 0.0)
    if kind == "party":
        z += w.get("party_engine_conf", 0.0) * float(f.get("engine_conf", 0.0))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _signal_grid() -> list[Signals]:
    """Signals over the values that switch features on and off (and a few that sit on the edges)."""
    out = []
    combos = itertools.product(
        ("number", "date", "string", "boolean"),
        (None, True, False),
        (False, True),
        (0, 1, 3),
        (-1, 0, 1),
        (None, 0.0, 0.7),
        (0, 12, 13, 200),
        (0, 2, 3),
    )
    for i, (kind, grounded, ocr, failed, agree, conf, length, matches) in enumerate(combos):
        out.append(
            Signals(
                kind=kind,
                grounded=grounded,
                quality=(0.0, 0.4, 1.0)[i % 3],
                ocr=ocr,
                ocr_conf=0.6,
                ocr_min=(0.84, 0.85, 1.0)[i % 3],
                role=("", "party", "address")[i % 3],
                failed=failed,
                agree=agree,
                engine_conf=conf,
                length=length,
                matches=matches,
                elsewhere=i % 2 == 0,
                logprob=(None, 0.5, 0.9)[i % 3],
                odd_chars=i % 5 == 0,
                odd_case=i % 7 == 0,
                ftype=("", "money", "identifier", "code", "duration", "date")[i % 6],
                keyed=i % 2 == 1,
                largest_amount=i % 4 == 0,
                siblings=(0, 1, 2, 9)[i % 4],
                party={n: float(j % 2) for j, n in enumerate(PARTY_FEATURES) if (i + j) % 3},
                failed_families=frozenset(("name", "schema")[: i % 3]),
                rivals=i % 3 == 0,
            )
        )
    return out


def _full_confidence(s: Signals) -> float:
    """The confidence from the full feature rows, the way evals/calibrate.py weighs them."""
    f = features(s)
    w = calibration.weights_for(kind_of_features(f), engine_score=s.engine_conf is not None)
    p = capped(probability(model_inputs(f), w), f, calibration.FAILED_CHECK_CAPS)
    if s.grounded is False and s.engine_conf is None:
        p = min(p, calibration.UNGROUNDED_WITHOUT_ENGINE_SCORE)
    return round(min(p, MAX_CONFIDENCE), 3)


def test_held_features_are_the_recorded_ones_less_zeros() -> None:
    for s in _signal_grid():
        full, held = features(s), held_features(s)
        assert list(full) == list(RECORDED)
        assert set(held) <= set(full)
        assert all(full[k] == v and type(full[k]) is type(v) for k, v in held.items())
        assert all(v == 0.0 for k, v in full.items() if k not in held)


def test_held_features_record_what_each_signal_says() -> None:
    s = Signals(kind="string", grounded=True, ocr=True, ocr_min=0.9, length=30, matches=3, failed=5)
    held = held_features(s)
    assert held["long_string"] == 0.75 and held["failed"] == 2.0 and held["ocr_clean"] == 1.0
    assert held["ambiguous"] == held["seen_twice"] == 1.0 and "short_string" not in held


def test_the_quick_probability_is_the_full_rows_probability() -> None:
    grid = _signal_grid()
    assert len(grid) > 1000
    for s in grid:
        f = held_features(s)
        for kind in ("money", "party", "date", "text"):
            w = calibration.weights_for(kind)
            quick = _Model(w, kind_of_features(f)).probability(f, kind_of_features(f))
            assert math.isclose(quick, probability(model_inputs(features(s)), w), rel_tol=1e-12)
        assert confidence(s) == _full_confidence(s)


def test_the_prepared_models_sum_the_same_terms_in_the_same_order() -> None:
    """Bit for bit: a prepared model of every fitted one gives `_plain_probability`'s very float."""
    for s in _signal_grid()[::3]:
        f = held_features(s)
        kind = kind_of_features(f)
        assert _model(kind, True).probability(f, kind) == _plain_probability(f, calibration.weights_for(kind))
        for other in KINDS:
            for engine_score in (True, False):
                w = calibration.weights_for(other, engine_score)
                assert _Model(w, kind).probability(f, kind) == _plain_probability(f, w)


def test_the_model_kind_read_from_the_signals_is_the_features_kind() -> None:
    grid = _signal_grid() + [
        Signals(kind="number", grounded=True, ftype=ftype) for ftype in ("money", "duration", "identifier")
    ]
    for s in grid:
        assert _kind_of_signals(s) == kind_of_features(held_features(s))
    assert {_kind_of_signals(s) for s in grid} == set(KINDS) - {"duration", "identifier"}
    extra = [Signals(kind="string", grounded=True, ftype=f) for f in ("duration", "identifier", "code", "")]
    for s in extra:
        assert _kind_of_signals(s) == kind_of_features(held_features(s)) == (s.ftype or "text")


def test_a_prepared_model_clamps_as_the_plain_path_does() -> None:
    w = calibration.weights_for("money")
    for value in (math.nan, math.inf, -math.inf, 1e300, -1e300, -0.0, 40.0, -40.0):
        f = {"bias": 1.0, "grounded": 1.0, "engine_conf": value, "money": 1.0}
        plain = _plain_probability(f, w)
        quick = _Model(w, "money").probability(f, "money")
        assert quick == plain or (math.isnan(quick) and math.isnan(plain)), value


def test_confidence_is_the_plain_path_bit_for_bit() -> None:
    for s in _signal_grid():
        f = held_features(s)
        w = calibration.weights_for(kind_of_features(f), engine_score=s.engine_conf is not None)
        p = capped(_plain_probability(f, w), f, calibration.FAILED_CHECK_CAPS)
        if s.grounded is False and s.engine_conf is None:
            p = min(p, calibration.UNGROUNDED_WITHOUT_ENGINE_SCORE)
        assert confidence(s) == round(min(p, MAX_CONFIDENCE), 3)
        assert confidence(s, weights=w) == confidence(s)


def test_a_replaced_model_is_prepared_again(monkeypatch) -> None:
    s = Signals(kind="number", grounded=True, quality=1.0, engine_conf=0.9, ftype="money")
    before = confidence(s)
    w = dict(calibration.weights_for("money")) | {"bias": -40.0}
    models = {
        **calibration.MODELS,
        "with_engine_score": {**calibration.MODELS["with_engine_score"], "money": w},
    }
    monkeypatch.setattr(calibration, "MODELS", models)
    assert confidence(s) == 0.0 < before


def test_currency_and_numbers_read_as_written() -> None:
    assert values.detect_currency("RM 9.00") == "MYR" and values.detect_currency("FARM 9.00") is None
    assert values.detect_currency("HK$ 12") == "HKD" and values.detect_currency("100 EUR") == "EUR"
    assert values.parse_number("(1,234.50)") == -1234.5 and values.parse_number("- 5") == -5.0
    assert values.parse_number("1 200'00") == 120000.0 and values.parse_number("abc") is None
