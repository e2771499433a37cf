"""`docai eval` shows progress when stderr is not a terminal: log lines, not a redrawn counter."""

from __future__ import annotations

import logging
from pathlib import Path

from docai.cli.main import main


def test_eval_logs_progress_lines_off_a_terminal(
    fake_engine, generic_dataset: Path, tmp_path: Path, caplog, monkeypatch
) -> None:
    import time

    from docai.cli import eval_cmd

    # an eval running for a minute is long work, whatever its size (docai.progress.LONG_AFTER_S)
    monkeypatch.setattr(eval_cmd, "_STARTED", time.perf_counter() - 60)
    caplog.set_level(logging.INFO, logger="docai.progress")
    assert main(["eval", str(generic_dataset), "--engine", "fake", "--out", str(tmp_path / "r.json")]) == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "docai.progress"]
    assert any(line.startswith("eval extract: 3/3 items") for line in lines), lines
    assert any(line.startswith("eval ask: 2/2 items") for line in lines), lines
