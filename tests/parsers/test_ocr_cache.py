"""The on-disk Tesseract cache: a second reading of the same pixels comes from disk, and different
pixels or arguments miss."""

from __future__ import annotations

import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from docai.parsers import ocr, ocr_cache

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def _image(text: str) -> Image.Image:
    img = Image.new("L", (900, 160), 255)
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(img).text((30, 50), text, fill=0, font=font)
    return img


def _entries(folder) -> list:
    return sorted(p for p in folder.rglob("*.txt"))


def test_cache_off_without_env(monkeypatch, tmp_path):
    monkeypatch.delenv(ocr_cache.ENV, raising=False)
    assert ocr_cache.cache_dir() is None
    ocr.ocr_words(_image("Invoice 4711"), 1.0)
    assert not list(tmp_path.iterdir())


def test_second_reading_comes_from_disk(monkeypatch, tmp_path):
    monkeypatch.setenv(ocr_cache.ENV, str(tmp_path))
    img = _image("Invoice 4711")
    first = ocr.ocr_words(img, 1.0)
    assert "4711" in " ".join(w.text for w in first)
    [entry] = _entries(tmp_path)
    # Prove the next reading is the cached text: rewrite the entry and read again.
    entry.write_text(entry.read_text().replace("4711", "9999"), encoding="utf-8")
    second = ocr.ocr_words(img, 1.0)
    assert "9999" in " ".join(w.text for w in second)


def test_other_pixels_or_arguments_miss(monkeypatch, tmp_path):
    monkeypatch.setenv(ocr_cache.ENV, str(tmp_path))
    ocr.ocr_words(_image("Total 12.50"), 1.0)
    ocr.ocr_words(_image("Total 12.50"), 1.0, psm=6)
    ocr.ocr_words(_image("Total 99.10"), 1.0)
    assert len(_entries(tmp_path)) == 3


def test_damaged_cache_folder_is_not_an_error(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(ocr_cache.ENV, str(blocker))
    words = ocr.ocr_words(_image("Receipt 31"), 1.0)
    assert "31" in " ".join(w.text for w in words)
