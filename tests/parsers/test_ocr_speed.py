"""The scanned-page fast path: Tesseract fed a grey PGM file, declared dpi passed on, each image
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


def test_ocr_leaves_no_temporary_files(tmp_path: Path, monkeypatch) -> None:
    import tempfile

    import pytest

    from docai.errors import EngineError

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert ocr_words(render_text_image(["Total 42.50"], dpi=144), 2.0, "eng", 144)
    with pytest.raises(EngineError):
        run_tesseract(Image.new("L", (50, 50), 255), ["--psm", "99"])
    assert list(tmp_path.iterdir()) == []


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


RECEIPT = [
    ("KEDAI RUNCIT MAJU", ""),
    ("NO 12 JALAN BESAR", ""),
    ("", ""),
    ("SUGAR 1KG", "3.20"),
    ("MILK POWDER", "18.90"),
    ("BREAD", "4.50"),
    ("EGGS 10PCS", "5.60"),
    ("RICE 5KG", "16.80"),
    ("SOAP BAR", "2.10"),
    ("TEA 100G", "7.40"),
    ("", ""),
    ("SUBTOTAL", "58.50"),
    ("ROUNDING", "0.00"),
    ("TOTAL", "58.50"),
    ("CASH", "60.00"),
    ("CHANGE", "1.50"),
    ("", ""),
    ("THANK YOU", ""),
]


def _till_receipt(path: Path, width_pt: float = 220, dpi: int = 150) -> Path:
    """A till receipt in a thin monospace font, amounts flush right, saved as a PNG strip."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=width_pt, height=40 + 22 * len(RECEIPT) + 40)
    for i, (left, right) in enumerate(RECEIPT):
        y = 40 + i * 22
        page.insert_text((14, y), left, fontsize=10, fontname="cour")
        if right:
            x = width_pt - 14 - pymupdf.get_text_length(right, "cour", 10)
            page.insert_text((x, y), right, fontsize=10, fontname="cour")
    pix = page.get_pixmap(dpi=dpi)
    Image.frombytes("RGB", (pix.width, pix.height), pix.samples).save(path, dpi=(dpi, dpi))
    doc.close()
    return path


def test_psm_by_page_and_ink_shape(tmp_path: Path) -> None:
    from docai.parsers.ocr import PSM, STRIP_PSM, ink_ratio, psm_for

    wide = [f"{line}    {line}" for line in SAMPLE_LINES]
    a4_text = render_text_image(wide * 5, size_pt=(595, 842), dpi=72, fontsize=12)
    assert psm_for(a4_text) == PSM  # page-wide lines: layout analysis as usual
    assert psm_for(Image.new("L", (226, 600), 255)) == STRIP_PSM  # the page itself is a strip
    strip = Image.open(_till_receipt(tmp_path / "till.png", dpi=100))
    canvas = Image.new("L", (827, 1169), 255)  # A4 at 100 dpi, the receipt laid on it
    canvas.paste(strip.convert("L"), (250, 100))
    canvas.paste(0, (40, 1100, 43, 1103))  # a speck in a corner does not widen the ink
    assert ink_ratio(canvas) >= 1.7 and psm_for(canvas) == STRIP_PSM
    assert ink_ratio(Image.new("L", (300, 300), 255)) is None


def test_till_receipt_strip_keeps_its_amounts(tmp_path: Path) -> None:
    """Tesseract's automatic layout (psm 3) drops the flush-right amount column of such a receipt
    entirely; a strip is read as one block, so each amount is read on its label's line."""
    path = _till_receipt(tmp_path / "till.png")
    with load_document(path, Options(osd=False)) as doc:
        page = doc.page(1)
    assert page.height / page.width >= 1.7
    lines: dict[tuple[int, int], list[str]] = {}
    for w in page.words:
        lines.setdefault((w.block, w.line), []).append(w.text)
    by_label = {ws[0]: ws[-1] for ws in lines.values()}
    for label, amount in RECEIPT:
        if amount:
            assert by_label.get(label.split()[0]) == amount, (label, lines)
