"""A one-page `docai extract` with the text engine loads only what it uses: no torch, transformers,
gradio or pandas (each costs seconds or tens of MB in a fresh process), no pydantic (typer's adapters
for it are built only for values that need them: about 0.15 s), and no Alembic once the database is
current."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("torch", "transformers", "gradio", "pandas", "pydantic")

_PROBE = """
import json, sys
from docai.cli.main import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r} or m == "alembic")
sys.stderr.write("\\nLOADED " + json.dumps([code, loaded]) + "\\n")
"""


def _extract_in_fresh_process(pdf: Path, home: Path) -> tuple[int, list[str], str]:
    env = dict(os.environ, DOCAI_HOME=str(home), DOCAI_DB=str(home / "d.db"), DOCAI_CONFIG=str(home / "no"))
    args = ["-q", "extract", str(pdf), "--schema", "invoice", "--force"]
    probe = _PROBE.format(heavy=set(HEAVY))
    proc = subprocess.run(
        [sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True, timeout=300
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("LOADED "))
    code, loaded = json.loads(line[len("LOADED ") :])
    return code, loaded, proc.stdout


def test_text_extract_imports_nothing_heavy(tmp_path: Path, text_pdf) -> None:
    pdf = text_pdf(
        "inv.pdf", [[(72, 72, "Invoice No: A-17 for services"), (72, 100, "Total Due: $ 41.00 now")]]
    )
    code, loaded, out = _extract_in_fresh_process(pdf, tmp_path / "home")
    result = json.loads(out)
    assert code in (0, 1) and result["data"]["invoice_number"] == "A-17"  # it really extracted
    assert not [m for m in loaded if m != "alembic"], loaded
    assert "alembic" in loaded  # the first run migrated the new database
    code, loaded, _ = _extract_in_fresh_process(pdf, tmp_path / "home")  # the database is now current
    assert code in (0, 1) and loaded == [], loaded


def test_batch_with_an_int_flag_imports_no_pydantic(tmp_path: Path, text_pdf) -> None:
    """`docai batch DIR --workers 2`: the digits of an int flag are coerced without typer's adapters."""
    text_pdf("inv.pdf", [[(72, 72, "Invoice No: A-17 for services"), (72, 100, "Total Due: $ 41.00 now")]])
    home = tmp_path / "home"
    env = dict(os.environ, DOCAI_HOME=str(home), DOCAI_DB=str(home / "d.db"), DOCAI_CONFIG=str(home / "no"))
    args = ["-q", "batch", str(tmp_path), "--glob", "*.pdf", "--fields", "total number", "--workers", "2"]
    probe = _PROBE.format(heavy=set(HEAVY))
    proc = subprocess.run(
        [sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True, timeout=300
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("LOADED "))
    code, loaded = json.loads(line[len("LOADED ") :])
    assert code == 0, proc.stderr
    assert "pydantic" not in loaded, loaded
