"""`make demo`'s extract step: the example invoice is read right and verified `ok` under the committed
calibration, so the step exits 0 without any allowance for `review`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from docai.verify import calibration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_invoice_is_verified_ok(tmp_path: Path) -> None:
    env = os.environ | {"DOCAI_DB": str(tmp_path / "demo.db")}
    cmd = [sys.executable, "-m", "docai", "extract", str(EXAMPLES / "invoice.pdf"), "--schema", "invoice"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    out = json.loads(proc.stdout)
    assert proc.returncode == 0, (out.get("review"), proc.stderr[-500:])
    assert out["status"] == "ok" and out["review"] == []
    expected = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))["invoice.pdf"]["fields"]
    for key in ("invoice_number", "issue_date", "due_date", "vendor", "customer", "currency"):
        assert out["data"][key] == expected[key], key
    for key in ("subtotal", "tax", "total"):
        assert abs(out["data"][key] - expected[key]) < 0.005, key
    threshold = calibration.MIN_CONFIDENCE
    assert all(f["confidence"] >= threshold and f["grounded"] for f in out["fields"].values())
