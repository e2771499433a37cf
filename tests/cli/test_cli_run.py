"""`docai extract|ask|batch|config` in-process (fake engine) and as subprocesses (exit codes, stderr)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docai.cli.main import main

INVOICE_LINES = [
    (72, 72, "Invoice number: INV-42 issued today"),
    (72, 100, "Total: 99.00 due in thirty days"),
]


def _json_out(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_extract_json_shape_and_exit_codes(text_pdf, fake_engine, capsys) -> None:
    pdf = text_pdf("inv.pdf", [INVOICE_LINES])
    code = main(["extract", str(pdf), "--engine", "fake", "--fields", "invoice_number, total"])
    out = _json_out(capsys)
    assert code == 0
    assert set(out) >= {
        "file",
        "sha256",
        "run_id",
        "status",
        "data",
        "evidence",
        "engine",
        "model",
        "duration_s",
    }
    assert out["data"] == {"invoice_number": "INV-42 issued today", "total": "99.00 due in thirty days"}
    code = main(["extract", str(pdf), "--engine", "fake", "--fields", "invoice_number, vat", "--data-only"])
    assert code == 0  # vat is missing, but --fields requires nothing: not partial (issue 13)
    assert _json_out(capsys) == {"invoice_number": "INV-42 issued today", "vat": None}


def test_extract_formats_and_out_file(text_pdf, fake_engine, capsys, tmp_path: Path) -> None:
    a = text_pdf("a.pdf", [INVOICE_LINES])
    b = text_pdf("b.pdf", [[(72, 72, "Total: 5.00 only and nothing else")]])
    assert main(["extract", str(a), str(b), "-e", "fake", "--fields", "total", "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["file"] for x in lines] == [str(a), str(b)]
    out = tmp_path / "r.csv"
    assert (
        main(["extract", str(a), str(b), "-e", "fake", "--fields", "total", "-f", "csv", "-o", str(out)]) == 0
    )
    rows = out.read_text().splitlines()
    assert rows[0].startswith("file,sha256,run_id,status,total") and len(rows) == 3


def test_extract_force_and_cache(text_pdf, fake_engine, capsys) -> None:
    pdf = text_pdf("c.pdf", [INVOICE_LINES])
    main(["extract", str(pdf), "-e", "fake", "--fields", "total"])
    first = _json_out(capsys)
    main(["extract", str(pdf), "-e", "fake", "--fields", "total"])
    assert _json_out(capsys)["cached"] is True
    main(["extract", str(pdf), "-e", "fake", "--fields", "total", "--force"])
    forced = _json_out(capsys)
    assert forced["cached"] is False and forced["run_id"] != first["run_id"]
    assert len(fake_engine.calls) == 2


def test_ask_prints_answer_and_citation(text_pdf, fake_engine, capsys) -> None:
    pdf = text_pdf(
        "r.pdf", [[(72, 72, "Nothing to see on this page")], [(72, 72, "Revenue grew to 7 million")]]
    )
    assert main(["ask", str(pdf), "What about revenue?", "-e", "fake"]) == 0
    out = capsys.readouterr().out
    assert "Revenue grew to 7 million" in out and "p. 2" in out
    assert main(["ask", str(pdf), "What about unicorns?", "-e", "fake", "--json"]) == 1
    assert _json_out(capsys)["found"] is False


def test_config_show_reflects_env(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DOCAI_LANG", "chi_sim")
    assert main(["config", "show"]) == 0
    assert _json_out(capsys)["options"]["lang"] == "chi_sim"


@pytest.mark.parametrize(
    ("args", "needle", "code"),
    [
        (["extract", "{pdf}", "--schema", "no_such_schema"], "unknown schema", 4),
        (["extract", "{pdf}", "--schema", "{bad_schema}"], "malformed JSON", 4),
        (["extract", "{pdf}"], "no schema", 4),
        (["extract", "{pdf}", "--fields", "a int8"], "unknown type", 4),
        (["extract", "{missing}", "--fields", "a"], "no such file", 3),
        (["extract", "{pdf}", "--fields", "a", "--engine", "nope"], "unknown engine", 6),
        (["extract", "{pdf}", "--fields", "a", "--ocr", "maybe"], "must be one of", 2),
        (["ask", "{pdf}"], "give at least one file and a question", 3),
        (["batch", "{missing}", "--fields", "a"], "no such folder", 3),
    ],
)
def test_bad_input_one_line_no_traceback(cli, text_pdf, tmp_path: Path, args, needle, code) -> None:
    pdf = text_pdf("x.pdf", [INVOICE_LINES])
    bad_schema = tmp_path / "bad.json"
    bad_schema.write_text("{not json")
    subs = {"pdf": str(pdf), "bad_schema": str(bad_schema), "missing": str(tmp_path / "missing.pdf")}
    proc = cli(*[a.format(**subs) for a in args])
    assert proc.returncode == code, proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    if code in (3, 4, 6):
        assert len(proc.stderr.strip().splitlines()) == 1


def test_version_and_help_are_fast(cli) -> None:
    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("docai ")
    import subprocess
    import sys

    heavy = "('torch', 'transformers', 'gradio', 'pandas')"
    code = f"import sys, docai.cli.main; print(sorted(m for m in {heavy} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
