"""The scanned-page fast path: Tesseract fed grey PGM on stdin, declared dpi passed on, each image
decoded once, grey renders for OCR."""

from __future__ import annotations

from pathlib import Path

from parsers_support import SAMPLE_LINES, image_pdf, render_text_image
from PIL import Image, ImageChops

from docai.options import Options
from docai.parsers import load_document
from docai.parsers.ocr import ocr_args, ocr_words, parse_tsv, run_tesseract

EXPECTED = {"INVOICE", "48213", "Harbour", "Freight", "1250.75", "thirty"}


def test_tesseract_child_is_single_threaded_whatever_the_parent_says(monkeypatch) -> None:
    # The limit must reach the Tesseract child even when the parent environment asks for more threads.
    from docai.parsers import ocr

    monkeypatch.setenv("OMP_THREAD_LIMIT", "8")
    assert ocr._tesseract_env()["OMP_THREAD_LIMIT"] == "1"
    img = render_text_image(SAMPLE_LINES, dpi=150)
    words = ocr_words(img, 150 / 72, "eng", dpi=150)
    assert {w.text for w in words} >= EXPECTED
    inv = next(w for w in words if w.text == "INVOICE")
    assert 20 <= inv.bbox[0] <= 28 and 26 <= inv.bbox[1] <= 34  # page points, as printed


def test_grey_and_rgb_read_alike() -> None:
    img = render_text_image(SAMPLE_LINES, dpi=200)
    rgb = {w.text for w in ocr_words(img, 200 / 72, "eng", dpi=200)}
    grey = {w.text for w in ocr_words(img.convert("L"), 200 / 72, "eng", dpi=200)}
    assert rgb == grey and grey >= EXPECTED


def test_ocr_args_and_tsv_parsing() -> None:
    assert ocr_args("eng", 299.6) == ["-l", "eng", "--psm", "3", "--dpi", "300", "tsv"]
    assert "--dpi" not in ocr_args("eng", None) and "--dpi" not in ocr_args("eng", 5)
    tsv = run_tesseract(render_text_image(["Total 42.50"], dpi=144), ocr_args("eng", 144))
    words = parse_tsv(tsv, 2.0)
    assert [w.text for w in words] == ["Total", "42.50"]
    assert words[0].bbox[2] < words[1].bbox[0] and all(0 < (w.conf or 0) <= 1 for w in words)
    assert parse_tsv("level\tpage_num\n5\tbad\n", 1.0) == []


def test_png_page_decoded_once_renders_like_the_file(tmp_path: Path) -> None:
    upright = render_text_image(SAMPLE_LINES, dpi=150)
    stored = upright.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # turn 90 clockwise to view
    path = tmp_path / "scan.png"
    stored.convert("L").save(path, exif=exif, dpi=(150, 150))
    with load_document(path, Options(osd=False)) as doc:
        page = doc.page(1)  # OCR used the decoded frame from the open-time check
        again = page.render(dpi=72)  # decoded anew from the file
    assert (page.width, page.height) == upright.size
    assert page.text_source == "ocr" and {w.text for w in page.words} >= EXPECTED
    assert again.size == upright.size
    assert ImageChops.difference(again.convert("L"), upright.convert("L")).getbbox() is None


def test_pdf_grey_render_matches_colour(tmp_path: Path) -> None:
    from docai.parsers.pdf import PdfProvider

    path = image_pdf(tmp_path / "scan.pdf", [render_text_image(SAMPLE_LINES)])
    provider = PdfProvider(path)
    try:
        grey = provider.render(1, 100, grey=True)
        colour = provider.render(1, 100)
    finally:
        provider.close()
    assert grey.mode == "L" and colour.mode == "RGB" and grey.size == colour.size
    diff = ImageChops.difference(grey, colour.convert("L"))
    assert diff.getextrema()[1] <= 2
