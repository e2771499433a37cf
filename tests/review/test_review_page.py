"""The Review tab's page on a real PDF: boxes labelled by review state, and a click or a dragged box
(in image pixels) turned into the words under it."""

from __future__ import annotations

from pathlib import Path

from docai.results import Evidence
from docai.webui.review_page import REVIEW_DPI, parse_box, pick_box, pick_word, render_page


def _px(pt: float) -> float:
    return pt * REVIEW_DPI / 72


def test_render_labels_boxes_and_picks_words_by_click_and_box(invoice: Path) -> None:
    import pymupdf

    with pymupdf.open(invoice) as doc:
        words = {w[4]: w[:4] for w in doc[0].get_text("words")}
    evidence = {
        "po_number": Evidence(1, words["ABC-77"], "ABC-77", 1.0),
        "total": Evidence(1, (1, 1, 9, 9), "x"),
    }
    shown = render_page(str(invoice), evidence, None, "po_number", {"po_number": "corrected"})
    assert shown.image is not None and shown.page_no == 1 and "2 field box(es)" in shown.note
    size = shown.image.size
    assert abs(size[0] - _px(595)) <= 1

    x0, y0, x1, y1 = words["INV-1001"]
    picked = pick_word(str(invoice), 1, (_px((x0 + x1) / 2), _px((y0 + y1) / 2)), size)
    assert picked is not None and picked.text == "INV-1001" and abs(picked.bbox[0] - x0) < 0.5
    assert pick_word(str(invoice), 1, (_px(500), _px(800)), size) is None  # blank paper

    a0, b0, _, _ = words["Our"]
    _, _, a1, b1 = words["ABC-77"]
    boxed = pick_box(str(invoice), 1, (_px(a1 + 3), _px(b1 + 3), _px(a0 - 3), _px(b0 - 3)), size)
    assert boxed is not None and boxed.text == "Our ref ABC-77"
    assert boxed.evidence().bbox == boxed.bbox and boxed.bbox[0] < a0  # the dragged box is the evidence
    assert (
        parse_box("1,2,3,4") == (1.0, 2.0, 3.0, 4.0) and parse_box("1,2") is None and parse_box("x") is None
    )


def test_render_never_raises_for_a_missing_file(tmp_path: Path) -> None:
    shown = render_page(str(tmp_path / "gone.pdf"), {}, None, None)
    assert shown.image is None and "not stored here" in shown.note
