"""The ECE noise floor (evals/metrics.ece_floor) and its column in `calibrate --floor`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docai.evals import calibrate
from docai.evals.metrics import ece_floor, expected_calibration_error


def test_certain_confidences_have_no_floor() -> None:
    assert ece_floor([1.0] * 40) == {"mean": 0.0, "p95": 0.0}


def test_floor_shrinks_with_more_fields() -> None:
    small, large = ece_floor([0.8] * 50), ece_floor([0.8] * 2000)
    assert small["mean"] > 2 * large["mean"] > 0
    assert small["p95"] >= small["mean"]


def test_floor_matches_one_bucket_binomial_spread() -> None:
    # one bucket at 0.5 with n fields: ECE = |share right - 0.5|, whose mean is about 0.4 / sqrt(n)
    n = 100
    got = ece_floor([0.5] * n, draws=4000)["mean"]
    assert got == pytest.approx(0.7979 * 0.5 / n**0.5, rel=0.1)


def test_floor_is_seeded() -> None:
    confs = [0.6, 0.7, 0.95, 0.99] * 10
    assert ece_floor(confs, seed=3) == ece_floor(confs, seed=3)
    assert expected_calibration_error([(c, True) for c in confs]) is not None


def test_calibrate_prints_floor_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sig = {"bias": 1.0, "grounded": 1.0, "quality": 1.0, "money": 1.0, "number": 1.0, "top": "total"}
    docs = [
        {
            "doc": f"d{i}.pdf",
            "status": "ok",
            "review": [],
            "filled_right": True,
            "field_right": {"total": True},
            "signals": {"total": sig | {"right": True}},
        }
        for i in range(6)
    ]
    path = tmp_path / "invoice_5.json"
    path.write_text(json.dumps({"dataset": "invoice_5", "extraction": {"per_document": docs}}))
    assert calibrate.main([str(path), "--current", "--development-only", "--floor"]) == 0
    out = capsys.readouterr().out
    assert "ECE floor (mean, p95)" in out
    row = next(line for line in out.splitlines() if line.startswith("| invoice_5 |"))
    mean, p95 = (float(x) for x in row.rstrip(" |").split("|")[-1].split(","))
    assert 0 <= mean <= p95 <= 1
