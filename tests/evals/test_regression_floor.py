"""The regression eval CI runs: fixed slices of the shared data and synthetic seeds must keep their floors."""

from __future__ import annotations

import pytest

from docai.evals import regression


def test_below_floor_names_each_drop_and_ignores_unmeasured():
    floors = {"a/x": 0.9, "b/y": 0.5, "c/z": 0.7}
    scores = {"a/x": 0.85, "b/y": 0.5, "d/w": 0.1}
    assert regression.below_floor(scores, floors) == ["a/x: 0.8500 < floor 0.9000"]
    assert regression.below_floor({"a/x": None}, {"a/x": 0.2}) == ["a/x: 0.0000 < floor 0.2000"]


def test_every_suite_has_floors_recorded():
    floors = regression.load_floors()
    for suite in regression.SUITES:
        for path in suite.scores:
            assert f"{suite.name}/{path}" in floors, f"no floor for {suite.name}/{path}"


@pytest.mark.slow
def test_text_engine_keeps_its_floors():
    lines: list[str] = []
    scores = regression.run_all(log=lines.append)
    assert any(k.startswith("synth-") for k in scores), "the synthetic suites always run"
    problems = regression.below_floor(scores, regression.load_floors())
    assert not problems, "scores fell below their floors:\n" + "\n".join(problems + lines)
