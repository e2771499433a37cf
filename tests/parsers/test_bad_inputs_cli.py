"""Every kind of bad input gives exit code != 0 and one stderr line through `docai inspect`."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pymupdf
import pytest
from parsers_support import render_text_image


def _pdf(tmp_path: Path, name: str = "ok.pdf", width: float = 595, height: float = 842) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    page.insert_text((20, 40), "A page with a few words", fontsize=11)
    path = tmp_path / name
    doc.save(path)
    return path


def _make(tmp_path: Path, kind: str) -> tuple[list[str], str]:
    """Arguments for `docai inspect` and a piece of the expected message."""
    if kind == "missing":
        return [str(tmp_path / "nope.pdf")], "no such file"
    if kind == "directory":
        return [str(tmp_path)], "directory"
    if kind == "not_pdf":
        p = tmp_path / "notes.pdf"
        p.write_text("Meeting notes, plain text.\n" * 20)
        return [str(p)], "not a PDF"
    if kind == "empty":
        p = tmp_path / "empty.pdf"
        p.write_bytes(b"")
        return [str(p)], "empty"
    if kind == "truncated_pdf":
        data = _pdf(tmp_path).read_bytes()
        p = tmp_path / "cut.pdf"
        p.write_bytes(data[:60])
        return [str(p)], "PDF"
    if kind == "corrupt_pdf":
        p = tmp_path / "corrupt.pdf"
        p.write_bytes(b"%PDF-1.7\n" + b"\x00garbage\xff" * 300)
        return [str(p)], "PDF"
    if kind == "zero_pages":
        p = tmp_path / "zero.pdf"
        p.write_bytes(
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n"
        )
        return [str(p)], "PDF"
    if kind in ("encrypted_no_password", "encrypted_wrong_password"):
        doc = pymupdf.open(_pdf(tmp_path))
        p = tmp_path / "locked.pdf"
        doc.save(p, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="right", owner_pw="owner")
        if kind == "encrypted_no_password":
            return [str(p)], "password"
        return [str(p), "--password", "wrong"], "wrong password"
    if kind == "huge_page":
        return [str(_pdf(tmp_path, "huge.pdf", width=100000, height=500))], "absurd size"
    if kind == "garbage_png":
        p = tmp_path / "photo.png"
        p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x13\x37" * 500)
        return [str(p)], "image"
    if kind == "truncated_jpeg":
        buf = io.BytesIO()
        render_text_image(["receipt"]).save(buf, format="JPEG")
        p = tmp_path / "receipt.jpg"
        p.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
        return [str(p)], "image"
    if kind == "bomb_png":  # a valid header claiming 12000 x 12000 pixels
        p = tmp_path / "bomb.png"

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = chunk(b"IHDR", struct.pack(">IIBBBBB", 12000, 12000, 8, 2, 0, 0, 0))
        body = chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")
        p.write_bytes(b"\x89PNG\r\n\x1a\n" + header + body)
        return [str(p)], "too large"
    if kind == "bad_pages":
        return [str(_pdf(tmp_path)), "--pages", "3-1"], "page range"
    if kind == "bad_ocr_mode":
        return [str(_pdf(tmp_path)), "--ocr", "sometimes"], "ocr"
    raise AssertionError(kind)


KINDS = [
    "missing",
    "directory",
    "not_pdf",
    "empty",
    "truncated_pdf",
    "corrupt_pdf",
    "zero_pages",
    "encrypted_no_password",
    "encrypted_wrong_password",
    "huge_page",
    "garbage_png",
    "truncated_jpeg",
    "bomb_png",
    "bad_pages",
    "bad_ocr_mode",
]


def _check(code: int, stderr: str, fragment: str) -> None:
    assert code != 0
    assert "Traceback" not in stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("docai: error:")
    assert fragment.lower() in lines[0].lower()


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_one_line(tmp_path: Path, capfd: pytest.CaptureFixture[str], kind: str) -> None:
    """In-process through the real entry point; capfd also sees anything MuPDF writes to fd 2."""
    from docai.cli.main import main

    args, fragment = _make(tmp_path, kind)
    code = main(["inspect", *args])
    _check(code, capfd.readouterr().err, fragment)


@pytest.mark.parametrize("kind", ["corrupt_pdf", "encrypted_wrong_password", "truncated_jpeg"])
def test_bad_input_in_a_fresh_process(cli, tmp_path: Path, kind: str) -> None:
    args, fragment = _make(tmp_path, kind)
    res = cli("inspect", *args)
    _check(res.code, res.stderr, fragment)


def test_good_files_still_reported_beside_a_bad_one(cli, tmp_path: Path) -> None:
    good = _pdf(tmp_path, "good.pdf")
    res = cli("inspect", "--json", str(good), str(tmp_path / "missing.pdf"))
    assert res.code == 3
    out = json.loads(res.stdout)
    assert out["failed"] == 1
    ok, bad = out["documents"]
    assert ok["ok"] and ok["page_count"] == 1 and ok["pages"][0]["text_source"] == "layer"
    assert not bad["ok"] and "no such file" in bad["error"]
    assert len(res.stderr.strip().splitlines()) == 1
