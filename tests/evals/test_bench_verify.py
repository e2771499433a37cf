"""The verification stage's benchmarks: its share of the text engine's time, and the output comparison."""

from __future__ import annotations

import json
from pathlib import Path

from docai.evals.verify_same import differences


def test_differences_ignore_float_noise_and_report_everything_else() -> None:
    before = {"a.pdf": {"status": "ok", "fields": {"total": {"confidence": 0.91, "grounded": True}}}}
    same = {"a.pdf": {"status": "ok", "fields": {"total": {"confidence": 0.91 + 1e-12, "grounded": True}}}}
    assert differences(before, same, 1e-9) == []
    moved = {"a.pdf": {"status": "review", "fields": {"total": {"confidence": 0.9, "grounded": 1}}}}
    found = differences(before, moved, 1e-9)
    assert "/a.pdf/status: 'ok' != 'review'" in found
    assert any(d.startswith("/a.pdf/fields/total/confidence") for d in found)
    assert any(d.startswith("/a.pdf/fields/total/grounded") for d in found)  # True is not 1
    assert differences({"x": [1, 2]}, {"x": [1]}, 1e-9) == ["/x: 2 items != 1"]
    assert differences({"x": 1}, {"y": 1}, 1e-9) == ["/x: only in one", "/y: only in one"]
    assert differences({"x": 1}, {"x": 1.0}, 1e-9) == ["/x: 1 != 1.0"]


def test_stage_share_is_measured_on_a_real_invoice(tmp_path: Path) -> None:
    """Two rounds on a born-digital synthetic invoice: the engine fills it, the stage checks every field,
    alone and inside the service's whole run of the file."""
    from docai.evals.bench.extract_latency import make_inputs
    from docai.evals.bench.verify_overhead import measure

    inputs = make_inputs(tmp_path)
    schema = json.loads(inputs["schema"].read_text(encoding="utf-8"))
    (tmp_path / "db").mkdir()
    row = measure(inputs["digital"], schema, repeat=2, folder=tmp_path / "db")
    assert row["fields"] >= 8 and row["status"] in ("ok", "review")
    assert row["engine_cpu_s"] > 0 and row["verify_cpu_s"] > 0
    assert 0 < row["cpu_share"] < 5  # a ratio of the two, not a time
    assert row["verify_s"] < row["engine_s"] * 5
    assert 0 < row["service_verify_cpu_s"] < row["service_cpu_s"]  # the stage is a part of the whole file
    assert 0 < row["service_share"] < 1
    import docai.service

    assert docai.service.check_extraction.__module__ == "docai.verify"  # the timing wrapper is gone again


def test_the_stage_of_another_commit_is_imported_beside_this_one(tmp_path: Path) -> None:
    import docai.verify as current
    from docai.evals.verify_time import verify_at

    old = verify_at("HEAD", tmp_path)
    assert old is not current and Path(old.__file__).is_relative_to(tmp_path)
    assert Path(old.stage.__file__).is_relative_to(tmp_path)  # its submodules are its own too
    import docai.verify

    assert docai.verify is current and callable(old.check_extraction)
