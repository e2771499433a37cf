"""Scanned pages through real Tesseract: words, boxes in page points, orientation, Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsers_support import SAMPLE_LINES, image_pdf, render_text_image
from PIL import Image

from docai.errors import InputError
from docai.options import Options
from docai.parsers import load_document
from docai.parsers.ocr import detect_orientation, unrotate_box

EXPECTED = {"INVOICE", "48213", "Harbour", "Freight", "1250.75", "thirty"}


def _found(words) -> set[str]:
    return {w.text for w in words} & EXPECTED


def _ink(image: Image.Image, box, scale: float) -> int:
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    crop = image.crop((x0, y0, max(x1, x0 + 1), max(y1, y0 + 1))).convert("L")
    return sum(1 for v in crop.tobytes() if v < 128)


def test_scanned_pdf_is_ocred(tmp_path: Path) -> None:
    path = image_pdf(tmp_path / "scan.pdf", [render_text_image(SAMPLE_LINES)])
    with load_document(path) as doc:
        page = doc.page(1)
    assert page.text_source == "ocr"
    assert _found(page.words) == EXPECTED
    assert all(w.conf is not None and 0 <= w.conf <= 1 for w in page.words)
    inv = next(w for w in page.words if w.text == "INVOICE")
    # Printed at x=24pt, baseline y=40pt, 14pt type: the box is there in page points.
    assert 20 <= inv.bbox[0] <= 28 and 26 <= inv.bbox[1] <= 34 and 38 <= inv.bbox[3] <= 45


def test_ocr_never_and_always(tmp_path: Path, text_pdf) -> None:
    scan = image_pdf(tmp_path / "scan.pdf", [render_text_image(SAMPLE_LINES[:2])])
    with load_document(scan, Options(ocr="never")) as doc:
        page = doc.page(1)
    assert page.text_source == "none" and page.words == []
    digital = text_pdf("d.pdf", [[(72, 100, "Plain digital words for Tesseract")]], size=(400, 200))
    with load_document(digital, Options(ocr="always", osd=False)) as doc:
        page = doc.page(1)
    assert page.text_source == "ocr"
    assert {"Plain", "digital", "Tesseract"} <= {w.text for w in page.words}


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_rotated_scan_read_upright(tmp_path: Path, turn: int) -> None:
    upright = render_text_image(SAMPLE_LINES, size_pt=(420, 240))
    turned = upright.rotate(turn, expand=True)  # counter-clockwise, as a sideways scan
    path = image_pdf(tmp_path / f"turned{turn}.pdf", [turned])
    with load_document(path, Options(osd=True)) as doc:
        page = doc.page(1)
        shown = page.render(dpi=100)
    assert page.text_source == "ocr"
    assert _found(page.words) == EXPECTED
    # Upside down and quarter-turned left read as nonsense and need OSD; Tesseract reads some
    # quarter-turned-right pages well as they are (then OSD is skipped).
    assert page.orientation == turn if turn in (90, 180) else page.orientation in (0, turn)
    # Boxes are in the page as displayed: inside it, on ink, and tall for a sideways page.
    scale = 100 / 72
    for w in page.words:
        if w.text in EXPECTED:
            x0, y0, x1, y1 = w.bbox
            assert 0 <= x0 < x1 <= page.width + 1 and 0 <= y0 < y1 <= page.height + 1
            assert _ink(shown, w.bbox, scale) > 10, w
            assert ((y1 - y0) > (x1 - x0)) == (turn in (90, 270)), w


def test_osd_on_nearly_blank_page_is_upright(tmp_path: Path) -> None:
    img = render_text_image(["ok"], size_pt=(200, 150))
    assert detect_orientation(img) == 0
    assert detect_orientation(Image.new("RGB", (300, 200), "white")) == 0
    path = image_pdf(tmp_path / "blank.pdf", [Image.new("RGB", (300, 200), "white")])
    with load_document(path) as doc:
        page = doc.page(1)
    assert page.words == [] and page.text_source == "none"


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_unrotate_box_roundtrip(turn: int) -> None:
    """A point's box mapped back from the upright image lands where that point is in the display."""
    w, h = 300.0, 200.0
    box = (10.0, 20.0, 40.0, 30.0)  # in the displayed page
    up_size = (h, w) if turn in (90, 270) else (w, h)
    # Where the box is in the upright image (display turned `turn` degrees clockwise).
    x0, y0, x1, y1 = box
    if turn == 90:
        up = (h - y1, x0, h - y0, x1)
    elif turn == 180:
        up = (w - x1, h - y1, w - x0, h - y0)
    elif turn == 270:
        up = (y0, w - x1, y1, w - x0)
    else:
        up = box
    assert all(0 <= v <= s for v, s in zip(up, up_size * 2, strict=True))
    assert unrotate_box(up, turn, w, h) == pytest.approx(box)


def test_chinese_ocr(tmp_path: Path) -> None:
    lines = ["增值税发票 号码 12345", "合计金额 人民币 伍佰元"]
    img = render_text_image(lines, size_pt=(360, 140), font="china-s", fontsize=20, dpi=300)
    path = image_pdf(tmp_path / "zh.pdf", [img], dpi=300)
    with load_document(path, Options(lang="chi_sim", osd=False)) as doc:
        page = doc.page(1)
    text = page.text.replace(" ", "")
    assert page.text_source == "ocr"
    for part in ("增值税发票", "12345", "合计金额", "人民币", "伍佰元"):
        assert part in text, text


def test_unknown_language_is_input_error(tmp_path: Path, text_pdf) -> None:
    path = text_pdf("d.pdf", [[(72, 100, "words")]])
    with pytest.raises(InputError, match="klingon"):
        load_document(path, Options(lang="eng+klingon"))


def test_scan_with_stamp_text_layer_is_ocred(tmp_path: Path) -> None:
    """A page-filling scan whose text layer holds only a short stamp: OCR reads the page."""
    import pymupdf

    scan = image_pdf(tmp_path / "scan.pdf", [render_text_image(SAMPLE_LINES)])
    doc = pymupdf.open(scan)
    page = doc[0]
    page.insert_text((250, 225), "Bates 000123 received", fontsize=6)
    path = tmp_path / "stamped.pdf"
    doc.save(path)
    with load_document(path, Options(osd=False)) as d:
        p = d.page(1)
    assert p.text_source == "ocr"
    assert _found(p.words) == EXPECTED


def test_ocr_scale_caps_pixels() -> None:
    from docai.parsers.loader import MAX_OCR_PIXELS, OCR_DPI, ocr_scale

    assert ocr_scale(595, 842, is_image=False) == pytest.approx(OCR_DPI / 72)
    assert ocr_scale(1200, 1600, is_image=True) == 1.0
    poster = ocr_scale(2384, 3370, is_image=False)  # A0 at 300 dpi would be 139 MP
    assert 2384 * 3370 * poster**2 == pytest.approx(MAX_OCR_PIXELS)


def test_ocr_page_reports_orientation_only_when_needed() -> None:
    from docai.parsers.ocr import ocr_page

    upright = render_text_image(SAMPLE_LINES, size_pt=(420, 240), dpi=300)
    straight = ocr_page(upright, 300 / 72, "eng", osd=True)
    assert straight.orientation == 0 and _found(straight.words) == EXPECTED
    flipped = ocr_page(upright.rotate(180), 300 / 72, "eng", osd=True)
    assert flipped.orientation == 180 and _found(flipped.words) == EXPECTED
    # Without OSD the upside-down page is read as it is: little of it makes sense.
    blind = ocr_page(upright.rotate(180), 300 / 72, "eng", osd=False)
    assert blind.orientation == 0 and len(_found(blind.words)) < len(EXPECTED)


def test_garbage_text_layer_gives_way_to_ocr(tmp_path: Path) -> None:
    """A scan whose text layer is a font-encoding mess (glyphs without Unicode, extracted as dots)."""
    import pymupdf

    scan = image_pdf(tmp_path / "scan.pdf", [render_text_image(SAMPLE_LINES)])
    doc = pymupdf.open(scan)
    mess = " ".join("\ue000\ue001\ue002" for _ in range(40))
    doc[0].insert_text((30, 200), mess, fontsize=4, render_mode=3)  # invisible, like a bad OCR layer
    path = tmp_path / "mess.pdf"
    doc.save(path)
    with load_document(path, Options(osd=False)) as d:
        p = d.page(1)
    assert p.text_source == "ocr"
    assert _found(p.words) == EXPECTED


def test_scan_ocr_through_poppler(tmp_path: Path) -> None:
    path = image_pdf(tmp_path / "scan.pdf", [render_text_image(SAMPLE_LINES)])
    with load_document(path, Options(rasterizer="pdf2image", osd=False)) as doc:
        page = doc.page(1)
    assert page.text_source == "ocr"
    assert _found(page.words) == EXPECTED
    inv = next(w for w in page.words if w.text == "INVOICE")
    assert 20 <= inv.bbox[0] <= 28 and 26 <= inv.bbox[1] <= 34


def test_iter_pages_in_parallel_matches_sequential(tmp_path: Path) -> None:
    from docai.parsers.prefetch import iter_pages

    images = [render_text_image([f"Statement page {n}", f"Balance {n}{n}4.50 due"]) for n in range(1, 4)]
    path = image_pdf(tmp_path / "scans.pdf", images)
    with load_document(path, Options(osd=False)) as doc:
        parallel = [(p.page_no, p.text) for p in iter_pages(doc, workers=2)]
        sequential = [(p.page_no, p.text) for p in iter_pages(doc, workers=1)]
        early = iter_pages(doc, workers=2)
        assert next(early).page_no == 1
        early.close()  # leaving early cancels what is still queued
    assert [n for n, _ in sequential] == [1, 2, 3]
    assert parallel == sequential
    assert all(f"{n}{n}4.50" in text for n, text in sequential)
