"""Every bad input of README's exit-code table, and the bombs of issue 12, each with its exit code, one
stderr line and no traceback; options that would fail every file fail once, before any run is stored."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pymupdf
import pytest

from docai.cli.main import main
from docai.storage import open_database
from tests.reliability.bombs import deep_schema, png, shared_stream_pdf, wide_fields, zero_pages_pdf


def _pdf(path: Path, text: str = "Total: 12.50", pages: int = 1) -> Path:
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page().insert_text((72, 72), text, fontsize=11)
    doc.save(path)
    doc.close()
    return path


def _bad_file(tmp_path: Path, kind: str) -> list[str]:
    if kind == "missing":
        return [str(tmp_path / "nope.pdf")]
    if kind == "directory":
        return [str(tmp_path)]
    if kind == "empty":
        (tmp_path / "empty.pdf").write_bytes(b"")
        return [str(tmp_path / "empty.pdf")]
    if kind == "not_pdf":
        (tmp_path / "notes.pdf").write_text("plain text, not a PDF\n" * 20)
        return [str(tmp_path / "notes.pdf")]
    if kind == "zero_pages":
        return [str(zero_pages_pdf(tmp_path / "zero.pdf"))]
    if kind == "encrypted":
        doc = pymupdf.open(_pdf(tmp_path / "plain.pdf"))
        doc.save(tmp_path / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="o")
        return [str(tmp_path / "locked.pdf")]
    if kind == "image_0x0":
        return [str(png(tmp_path / "zero.png", 0, 0))]
    if kind == "page_bomb":
        return [str(shared_stream_pdf(tmp_path / "bomb.pdf", 100_000))]
    raise AssertionError(kind)


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def _runs() -> int:
    with open_database() as db:
        return len(db.list_runs(limit=0))


BAD_FILES = ["missing", "directory", "empty", "not_pdf", "zero_pages", "encrypted", "image_0x0", "page_bomb"]


@pytest.mark.parametrize("kind", BAD_FILES)
def test_extract_bad_input_exits_3(tmp_path: Path, capfd: pytest.CaptureFixture[str], kind: str) -> None:
    args = _bad_file(tmp_path, kind)
    started = time.monotonic()
    code = main(["extract", *args, "--fields", "total number"])
    assert code == 3
    assert time.monotonic() - started < 30
    line = _one_error_line(capfd.readouterr().err)
    assert Path(args[0]).name in line


def test_inspect_page_bomb_exits_3_fast(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    bomb = _bad_file(tmp_path, "page_bomb")
    started = time.monotonic()
    assert main(["inspect", *bomb]) == 3
    assert time.monotonic() - started < 30
    assert "over the limit of 5000" in _one_error_line(capfd.readouterr().err)


def test_page_cap_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _pdf(tmp_path / "five.pdf", pages=5)
    monkeypatch.setenv("DOCAI_MAX_PAGES", "4")
    assert main(["extract", str(pdf), "--fields", "total number"]) == 3
    four = ["--pages", "1-4", "--min-confidence", "0"]
    assert main(["extract", str(pdf), "--fields", "total number", *four]) == 0
    monkeypatch.setenv("DOCAI_MAX_PAGES", "0")  # 0: no cap
    assert main(["extract", str(pdf), "--fields", "total number", "--min-confidence", "0"]) == 0


def test_time_budget_stops_a_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd) -> None:
    pdf = _pdf(tmp_path / "slow.pdf", pages=3)
    from docai.errors import InputError
    from docai.options import Options
    from docai.parsers import load_document

    doc = load_document(pdf, Options(time_budget_s=0.05))
    doc.page(1)
    time.sleep(0.1)
    with pytest.raises(InputError, match="time budget"):
        doc.page(2)
    doc.close()


def test_good_and_partial_and_mixed(tmp_path: Path, capfd) -> None:
    good = _pdf(tmp_path / "good.pdf")
    partial = _pdf(tmp_path / "partial.pdf", text="Nothing to see")
    # exit codes are under test, not the calibrated confidence threshold
    assert main(["extract", str(good), "--fields", "total number", "--min-confidence", "0"]) == 0
    assert main(["extract", str(partial), "--fields", "total number"]) == 1
    assert main(["extract", str(good), str(tmp_path / "missing.pdf"), "--fields", "total number"]) == 3


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--pages", "abc"], "--pages"),
        (["--pages", "0"], "--pages"),
        (["--lang", "klingon"], "klingon"),
        (["--out", "/proc/x.json"], "/proc/x.json"),
        (["--ocr", "sometimes"], "ocr"),
    ],
)
def test_bad_options_exit_2_before_any_work(tmp_path: Path, capfd, flags: list[str], fragment: str) -> None:
    pdfs = [str(_pdf(tmp_path / f"{i}.pdf")) for i in range(3)]
    assert main(["extract", *pdfs, "--fields", "total number", *flags]) == 2
    err = capfd.readouterr().err
    assert "Traceback" not in err and fragment in err.strip().splitlines()[-1]
    assert _runs() == 0
    folder_code = main(["batch", str(tmp_path), "--fields", "total number", *flags])
    assert folder_code == 2
    assert _runs() == 0


@pytest.mark.parametrize(
    ("schema_args", "fragment"),
    [
        (["--schema", deep_schema(3000)], "deeper"),
        (["--schema", deep_schema(40)], "deeper"),
        (["--fields", wide_fields(20_000)], "more than 500 fields"),
    ],
)
def test_schema_bombs_exit_4_fast(tmp_path: Path, capfd, schema_args: list[str], fragment: str) -> None:
    pdf = _pdf(tmp_path / "a.pdf")
    started = time.monotonic()
    assert main(["extract", str(pdf), *schema_args]) == 4
    assert time.monotonic() - started < 10
    assert fragment in _one_error_line(capfd.readouterr().err)


def test_ref_bomb_exits_4(tmp_path: Path, capfd) -> None:
    defs = {f"d{i}": {"type": "object", "properties": {"a": {"$ref": f"#/$defs/d{i + 1}"},
                                                         "b": {"$ref": f"#/$defs/d{i + 1}"}}}
            for i in range(30)}  # fmt: skip
    defs["d30"] = {"type": "string"}
    import json

    schema = json.dumps({"type": "object", "properties": {"x": {"$ref": "#/$defs/d0"}}, "$defs": defs})
    assert main(["extract", str(_pdf(tmp_path / "a.pdf")), "--schema", schema]) == 4
    assert "too big" in _one_error_line(capfd.readouterr().err)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_exits_6(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd) -> None:
    monkeypatch.setenv("DOCAI_RETRIES", "0")
    pdf = _pdf(tmp_path / "a.pdf")
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    code = main(
        ["extract", str(pdf), "--fields", "total", "--engine", "openai", "--base-url", url, "-m", "m"]
    )
    assert code == 6


def test_ui_port_in_use_exits_2(capfd) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["ui", "--port", str(port)]) == 2
    line = _one_error_line(capfd.readouterr().err)
    assert str(port) in line and "in use" in line
