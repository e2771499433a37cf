"""The eval measures of verification: precision of `ok`, coverage, reliability table, ECE; and the
eval runner's verification summary over a generated set."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.evals.metrics import expected_calibration_error, ok_precision, reliability


def test_precision_of_ok_and_coverage() -> None:
    got = ok_precision([("ok", True), ("ok", False), ("review", False), ("partial", True)])
    assert got["precision_of_ok"] == 0.5 and got["coverage"] == 0.5
    assert got["statuses"] == {"ok": 2, "partial": 1, "review": 1}
    assert ok_precision([("review", True)])["precision_of_ok"] is None


def test_reliability_buckets_and_ece() -> None:
    pairs = [(0.95, True)] * 9 + [(0.95, False)] + [(0.55, True)] * 2 + [(0.55, False)] * 2
    table = reliability(pairs)
    assert [r["bucket"] for r in table] == ["0.5-0.6", "0.9-1.0"]
    assert table[1]["accuracy"] == 0.9 and table[0]["accuracy"] == 0.5
    # |0.95 - 0.9| * 10/14 + |0.55 - 0.5| * 4/14
    assert expected_calibration_error(pairs) == pytest.approx(0.05, abs=1e-4)
    assert expected_calibration_error([(1.0, True)]) == 0.0
    assert expected_calibration_error([]) is None


def test_eval_runner_reports_verification(tmp_path: Path) -> None:
    from docai.evals.datasets import load_dataset
    from docai.evals.runner import run_eval
    from docai.evals.synth import generate
    from docai.options import Options

    root = generate("invoice", 2, tmp_path / "inv", seed=3, zh_ratio=0.0)
    (root / "qa.jsonl").unlink(missing_ok=True)
    ex = run_eval(load_dataset(str(root)), Options(engine="text"))["extraction"]
    v = ex["verification"]
    assert v["documents"] == 2 and 0.0 <= v["coverage"] <= 1.0
    assert v["fields_scored"] > 10 and v["ece"] is not None and v["reliability"]
    doc = ex["per_document"][0]
    assert set(doc["confidence"]) <= set(doc["prediction"]) and doc["signals"]
    assert all(0.0 <= c <= 1.0 for c in doc["confidence"].values())
