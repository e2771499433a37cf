"""`docai batch` options in-process (fake engine): --glob, --out, --retry-failed, summary, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from docai.cli.main import main


def _folder(tmp_path: Path, text_pdf) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sub").mkdir()
    text_pdf("in/a.pdf", [[(72, 72, "Total: 1.00 paid in full today")]])
    text_pdf("in/sub/b.pdf", [[(72, 72, "Total: 2.00 paid in full today")]])
    text_pdf("in/.hidden.pdf", [[(72, 72, "Total: 3.00 paid in full today")]])
    (folder / "notes.txt").write_text("not a document")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    return folder


def test_batch_default_glob_out_and_exit_code(tmp_path: Path, text_pdf, fake_engine, capsys) -> None:
    folder = _folder(tmp_path, text_pdf)
    out = tmp_path / "r.jsonl"
    code = main(["batch", str(folder), "-e", "fake", "--fields", "total", "-o", str(out)])
    assert code == 1  # broken.pdf failed
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    names = sorted(Path(r["file"]).name for r in rows)
    assert names == ["a.pdf", "b.pdf", "broken.pdf"]  # no .txt, no hidden file
    assert {Path(r["file"]).name: r["status"] for r in rows}["broken.pdf"] == "failed"
    err = capsys.readouterr().err
    assert "failed" in err and "broken.pdf" in err


def test_batch_glob_and_rerun_from_cache(tmp_path: Path, text_pdf, fake_engine) -> None:
    folder = _folder(tmp_path, text_pdf)
    out = tmp_path / "r.jsonl"
    assert (
        main(["batch", str(folder), "-e", "fake", "--fields", "total", "--glob", "sub/*.pdf", "-o", str(out)])
        == 0
    )
    assert len(fake_engine.calls) == 1
    assert (
        main(["batch", str(folder), "-e", "fake", "--fields", "total", "--glob", "**/*.pdf", "-o", str(out)])
        == 1
    )
    assert len(fake_engine.calls) == 2  # b.pdf came from the cache, a.pdf ran, broken.pdf failed to load
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == 3 and len({r["file"] for r in rows}) == 3


def test_retry_failed(tmp_path: Path, text_pdf, fake_engine) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    crash = text_pdf("f/c.pdf", [[(72, 72, "CRASH this engine right now")]])
    assert main(["batch", str(folder), "-e", "fake", "--fields", "total"]) == 1
    assert main(["batch", str(folder), "-e", "fake", "--fields", "total"]) == 1
    assert len(fake_engine.calls) == 1  # the failure was recorded and not retried
    crash.unlink()
    text_pdf("f/c.pdf", [[(72, 72, "CRASH this engine right now")]])
    assert main(["batch", str(folder), "-e", "fake", "--fields", "total", "--retry-failed"]) == 1
    assert len(fake_engine.calls) == 2


def test_batch_bad_workers(tmp_path: Path) -> None:
    assert main(["batch", str(tmp_path), "--fields", "total", "--workers", "0"]) == 2
