"""Leave-one-set-out choice of the confidence models' complexity (evals/loso.py)."""

from __future__ import annotations

import math
import random
from typing import Any

from docai.evals import calfit, calibrate, loso
from docai.verify.confidence import model_inputs, probability


def _field(keyed: bool) -> dict[str, float]:
    return {"date": 1.0, "grounded": 1.0, "quality": 1.0, "keyed": float(keyed)}


def _report(name: str, rate_keyed: float, rate_plain: float, seed: int, n: int = 240) -> dict[str, Any]:
    """A report of `n` one-field documents: a keyed date is right `rate_keyed` of the time, others
    `rate_plain`. Names ending in _5 are development parts (calfit.is_development)."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        keyed = i % 2 == 0
        right = rng.random() < (rate_keyed if keyed else rate_plain)
        sig = _field(keyed) | {"top": "date", "right": right}
        docs.append(
            {
                "doc": f"{name}-{i}.pdf",
                "status": "review",
                "review": [],
                "signals": {"date": sig},
                "field_right": {"date": right},
                "filled_right": right,
            }
        )
    return {"dataset": name, "extraction": {"per_document": docs}}


def test_shrinking_pulls_each_kind_toward_its_rate() -> None:
    w = {"bias": 0.3, "keyed": 2.0, "date_layer": -0.4}
    rates = {"all": 0.6, "date": 0.8}
    f = model_inputs(_field(True))
    z = math.log(probability(f, w) / (1 - probability(f, w)))
    half = loso.shrunk({"date": w}, rates, 0.5)["date"]
    expected = 0.5 * z + 0.5 * math.log(0.8 / 0.2)
    assert abs(math.log(probability(f, half) / (1 - probability(f, half))) - expected) < 1e-3
    assert abs(probability(f, loso.shrunk({"date": w}, rates, 0.0)["date"]) - 0.8) < 1e-3
    assert loso.shrunk({"date": w}, rates, 1.0)["date"] == w


def test_sets_that_disagree_get_a_shrunk_model_and_sets_that_agree_do_not() -> None:
    agree = [_report(f"s{k}_5", 0.95, 0.3, seed=k) for k in range(3)]
    best, tried = loso.choose(agree)
    assert best.shrink == 1.0
    assert len(tried) == len(calfit.C_CHOICES) * (len(loso.SHRINK_CHOICES) + 1)
    # what a key label says flips from set to set: a model fitted on the others is sure the wrong way
    flips = [_report(f"f{k}_5", *((0.9, 0.5) if k % 2 else (0.5, 0.9)), seed=k) for k in range(4)]
    best, tried = loso.choose(flips)
    assert loso._share(best.shrink, "date") < 1.0
    unshrunk = next(k for k in tried if k.shrink == 1.0 and k.c == best.c)
    assert loso.clearly_better(best, unshrunk) and best.mean_ece < unshrunk.mean_ece


def test_a_gain_within_the_noise_of_the_sets_is_not_clearly_better() -> None:
    base = loso.Candidate(1.0, 1.0, {"a": 0.10, "b": 0.10, "c": 0.10}, 0.5)
    mixed = loso.Candidate(1.0, 0.5, {"a": 0.02, "b": 0.14, "c": 0.12}, 0.5)  # mean lower, one set better
    steady = loso.Candidate(1.0, 0.5, {"a": 0.08, "b": 0.09, "c": 0.085}, 0.5)
    assert mixed.mean_ece < base.mean_ece and not loso.clearly_better(mixed, base)
    assert loso.clearly_better(steady, base)


def test_each_left_out_set_is_scored_by_models_that_never_saw_it() -> None:
    """A set whose fields are all wrong, left out, is scored by models fitted on sets right 90%: its
    ECE is large (a fit that had seen it would not be)."""
    sets = [_report("a_5", 0.9, 0.9, seed=1), _report("b_5", 0.9, 0.9, seed=2), _report("c_5", 0.0, 0.0, 3)]
    cand = loso.score(loso.folds(sets, 1.0), 1.0, 1.0)
    assert set(cand.ece) == {"a_5", "b_5", "c_5"}
    assert cand.ece["c_5"] > 0.5 and cand.ece["a_5"] < cand.ece["c_5"]


def test_left_out_ok_counts_files_trusted_by_models_that_never_saw_their_set() -> None:
    """Two sets whose keyed dates are right, and a third whose keyed dates are wrong: left out, the
    third's keyed files are `ok` (the others' models trust a keyed date) and wrong."""
    sets = [_report("a_5", 1.0, 0.0, seed=1), _report("b_5", 1.0, 0.0, seed=2), _report("c_5", 0.0, 0.0, 3)]
    for rep in sets:
        for doc in rep["extraction"]["per_document"]:
            doc["status"] = "ok"
    got = loso.left_out_ok(loso.folds(sets, 1.0), 1.0, 0.8)
    assert set(got) == {"a_5", "b_5", "c_5"}
    ok, right = got["c_5"]
    assert ok >= 100 and right == 0
    assert got["a_5"][0] == got["a_5"][1]  # fitted on b_5 and c_5, which disagree: none trusted wrongly


def test_the_command_prints_the_table_and_writes_nothing_without_write(tmp_path, capsys) -> None:
    import json

    from docai.verify import calibration

    before = calibration.CALIBRATION_FILE.read_text(encoding="utf-8")
    paths = []
    for k, rep in enumerate([_report(f"s{k}_5", 0.95, 0.3, seed=k, n=60) for k in range(3)]):
        paths.append(tmp_path / f"{k}.json")
        paths[-1].write_text(json.dumps(rep), encoding="utf-8")
    assert calibrate.main([str(p) for p in paths]) == 0
    out = capsys.readouterr().out
    assert "leave-one-set-out" in out and "| s0_5 | dev |" in out and "MIN_CONFIDENCE" in out
    assert "# left out, ok files right at " in out and "s0_5 " in out.split("# left out")[1]
    assert calibrate.main([*map(str, paths), "--c", "1", "--shrink", "0.5", "--development-only"]) == 0
    out = capsys.readouterr().out
    assert "| 1 ** | 0.5 |" in out and "C = 1.0, shrink = 0.5" in out and "held out" not in out
    assert calibration.CALIBRATION_FILE.read_text(encoding="utf-8") == before
