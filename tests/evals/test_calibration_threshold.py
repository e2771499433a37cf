"""The `ok` threshold sees each field's confidence as the stage gives it (calfit.choose_threshold)."""

from __future__ import annotations

from typing import Any

from docai.evals import calfit


def _doc(i: int, right: bool, rivals: bool) -> dict[str, Any]:
    sig = {"bias": 1.0, "grounded": 1.0, "date": 1.0, "top": "date", "right": right}
    if rivals:
        sig["rivals"] = 1.0
    return {
        "doc": f"d{i}.pdf",
        "status": "ok",
        "review": [],
        "signals": {"date": sig},
        "field_right": {"date": right},
        "filled_right": right,
    }


def test_a_capped_signal_lowers_the_fields_the_pooled_rule_counts() -> None:
    """Wrong dates among rivals score 0.95 under the model but are held at the rivals cap (0.3): the
    pooled rule (fields at or above the threshold right 97% of the time) must count them at 0.3, so the
    least threshold passes; counted at 0.95 they would push it to 0.95."""
    docs = [_doc(i, True, False) for i in range(20)] + [_doc(20 + i, False, True) for i in range(5)]
    report = {"dataset": "invoice_5", "extraction": {"per_document": docs}}
    model = {"all": {"bias": 2.944}, calfit.CAPS_KEY: {"rivals": 0.3}}  # logistic(2.944) = 0.95
    assert calfit._conf(docs[-1]["signals"]["date"], model) == 0.3
    assert calfit.choose_threshold([report], model) == calfit.THRESHOLDS[0]
    uncapped = {"all": model["all"], calfit.CAPS_KEY: {}}
    assert calfit.choose_threshold([report], uncapped) >= 0.95
