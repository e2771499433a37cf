"""`--min-confidence` and `--verify-with` on the command line (fake engine, in-process)."""

from __future__ import annotations

import json

from docai.cli.main import main

LINES = [(72, 72, "Invoice number: INV-42"), (72, 100, "Total: 99.00")]


def test_min_confidence_decides_ok_or_review(text_pdf, fake_engine, capsys) -> None:
    pdf = text_pdf("inv.pdf", [LINES])
    args = ["extract", str(pdf), "-e", "fake", "--fields", "invoice_number, total"]
    assert main([*args, "--min-confidence", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "ok" and out["fields"]["total"]["grounded"] is True
    assert main([*args, "--min-confidence", "1", "--force"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "review" and any("below 1.00" in line for line in out["review"])


def test_bad_verification_flags_are_usage_errors(text_pdf, fake_engine, capsys) -> None:
    pdf = text_pdf("inv.pdf", [LINES])
    args = ["extract", str(pdf), "-e", "fake", "--fields", "total"]
    assert main([*args, "--min-confidence", "1.5"]) == 2
    assert main([*args, "--verify-with", "nope"]) == 2
    assert "--verify-with" in capsys.readouterr().err
