"""A weak OCR reading is read again with Sauvola binarisation and merged line by line."""

from __future__ import annotations

import numpy as np
from parsers_support import render_text_image
from PIL import Image, ImageFilter

from docai.document import Word
from docai.parsers import ocr
from docai.parsers.ocr import mean_confidence, ocr_page, ocr_words
from docai.parsers.ocr_merge import REREAD_BELOW, SAUVOLA, merge_lines

LINES = [
    "INVOICE 48213 Harbour Freight",
    "Total due 1250.75 EUR",
    "Payment within thirty days",
    "Delivery address Quay Road 12",
]


def _shaded_page() -> Image.Image:
    """A page lit unevenly (a phone photo, a curled thermal slip): darker and darker to the right, so
    one global threshold loses the ends of the lines."""
    img = np.asarray(render_text_image(LINES, size_pt=(400, 200), dpi=150).convert("L")).astype(float)
    shade = np.linspace(1.0, 0.25, img.shape[1])[None, :]
    return Image.fromarray((img * shade).clip(0, 255).astype(np.uint8))


def test_sauvola_reading_restores_line_ends_lost_to_one_global_threshold() -> None:
    page = _shaded_page()
    first = ocr_words(page, 150 / 72, "eng", 150, 3)
    second = ocr_words(page, 150 / 72, "eng", 150, 3, SAUVOLA)
    merged = merge_lines(first, second)
    got = [w.text for w in merged]
    assert "Freight" not in [w.text for w in first]  # the shading really did cost the global threshold
    assert "Freight" in got and "12" in got
    # the first reading's layout stays: same line keys, in its order, and no word twice
    keys = list(dict.fromkeys((w.block, w.line) for w in merged))
    assert keys == list(dict.fromkeys((w.block, w.line) for w in first))
    assert len(got) == len(set(got))


def test_merge_keeps_the_more_confident_line_and_ignores_words_outside_every_line() -> None:
    first = [
        Word("T0TAL", (10, 10, 40, 20), 0.40, 1, 1),
        Word("9.00", (50, 10, 70, 20), 0.60, 1, 1),
        Word("Thank", (10, 40, 40, 50), 0.95, 1, 2),
    ]
    second = [
        Word("TOTAL", (10, 10, 40, 20), 0.90, 7, 1),
        Word("9.00", (50, 10, 70, 20), 0.90, 7, 1),
        Word("Thonk", (10, 40, 40, 50), 0.50, 7, 2),  # less confident: the first reading's word stays
        Word("stray", (300, 100, 330, 110), 0.99, 9, 9),  # under no line of the first reading
    ]
    merged = merge_lines(first, second)
    assert [(w.text, w.block, w.line) for w in merged] == [("TOTAL", 1, 1), ("9.00", 1, 1), ("Thank", 1, 2)]


def test_confident_page_costs_one_tesseract_run(monkeypatch) -> None:
    calls: list[list[str]] = []
    real = ocr.run_tesseract

    def counting(image, args, *a, **k):
        calls.append(args)
        return real(image, args, *a, **k)

    monkeypatch.setattr(ocr, "run_tesseract", counting)
    clean = render_text_image(LINES, size_pt=(400, 200), dpi=200)
    result = ocr_page(clean, 200 / 72, "eng")
    assert mean_confidence(result.words) >= REREAD_BELOW
    assert len(calls) == 1
    assert "Freight" in [w.text for w in result.words]


def test_faint_page_that_one_threshold_reads_as_blank_is_read_with_sauvola(monkeypatch) -> None:
    calls: list[list[str]] = []
    real = ocr.run_tesseract

    def counting(image, args, *a, **k):
        calls.append(args)
        return real(image, args, *a, **k)

    # grey ink on grey paper, slightly blurred and speckled: a faded thermal slip
    rng = np.random.default_rng(3)
    img = (
        render_text_image(LINES, size_pt=(400, 200), dpi=150)
        .convert("L")
        .filter(ImageFilter.GaussianBlur(0.8))
    )
    grey = 120 + np.asarray(img).astype(float) * (230 - 120) / 255
    faint = Image.fromarray((grey + rng.normal(0, 20, grey.shape)).clip(0, 255).astype(np.uint8))
    assert ocr_words(faint, 150 / 72, "eng", 150, 3) == []  # the global threshold sees nothing
    monkeypatch.setattr(ocr, "run_tesseract", counting)
    result = ocr_page(faint, 150 / 72, "eng", osd=False, dpi=150, psm=3)
    assert sum("thresholding_method=2" in a for a in calls) == 1
    text = " ".join(w.text for w in result.words)
    assert "Harbour" in text and "1250.75" in text and "Quay" in text
    assert ocr_page(faint, 150 / 72, "eng", osd=False, dpi=150, psm=3, reread=False).words == []
