"""Lines, segments, blocks and reading order from word boxes."""

from __future__ import annotations

from pathlib import Path

from docai.document import Word
from docai.engines.text.layout import group_blocks, group_lines, runs_below, runs_right_of


def _w(text: str, x: float, y: float, block: int = 0, line: int = 0, h: float = 10) -> Word:
    return Word(text, (x, y, x + 6 * len(text), y + h), None, block, line)


def test_lines_survive_jitter_and_wrong_ids() -> None:
    # OCR jitter of a few points and block/line ids that contradict the geometry
    words = [
        _w("Total", 300, 101, block=7, line=3),
        _w("Invoice", 10, 50, block=1, line=1),
        _w("No:", 60, 52.5, block=2, line=9),
        _w("42", 90, 49, block=3, line=0),
        _w("9.00", 500, 99, block=1, line=1),
    ]
    lines = group_lines(words)
    assert [ln.text for ln in lines] == ["Invoice No: 42", "Total 9.00"]
    # the wide gap splits the second line into two segments, the first stays one
    assert [s.text for s in lines[0].segments] == ["Invoice No: 42"]
    assert [s.text for s in lines[1].segments] == ["Total", "9.00"]


def test_dot_leaders_split_label_from_value() -> None:
    words = [_w("TOTAL", 10, 10), _w("..........", 50, 10), _w("9.00", 115, 10)]
    (line,) = group_lines(words)
    assert [s.text for s in line.segments] == ["TOTAL", "9.00"]


def test_reading_order_puts_columns_one_after_the_other() -> None:
    words = []
    for i in range(4):
        words.append(_w(f"left{i}", 10, 100 + i * 14))
        words.append(_w(f"right{i}", 300, 100 + i * 14))
    blocks = group_blocks(group_lines(words))
    assert [b.text.split("\n")[0] for b in blocks] == ["left0", "right0"]
    assert blocks[0].text == "left0\nleft1\nleft2\nleft3"


def test_neighbours_right_and_below() -> None:
    words = [_w("Date", 10, 10), _w("2024-01-02", 200, 11), _w("Ship", 10, 40), _w("Bill", 10, 80)]
    lines = group_lines(words)
    label = lines[0].segments[0]
    assert [r.text for r in runs_right_of(label.bbox, lines)] == ["2024-01-02"]
    ship = lines[1].segments[0]
    assert runs_below(label.bbox, lines[1:], max_gap=1.0) == []
    assert [r.text for r in runs_below(label.bbox, lines[1:], max_gap=3.0)] == [ship.text]


def test_tilted_scan_keeps_labels_and_far_right_values_on_one_line(tmp_path: Path) -> None:
    """A page fed 1.2 degrees askew: 'Net Amount:' and its value 400 pt to the right differ in height by
    more than half a line, yet OCR's own line slopes level them back into one line."""
    from text_docs import draw_pdf, scan_of

    from docai.engines.text.layout import page_lines, skew
    from docai.options import Options
    from docai.parsers import load_document

    rows = [("Net Amount:", "1,461.64"), ("Tax 10%:", "146.16"), ("Total:", "1,607.80")]
    items = [
        (60, 80, "Evergreen Print Works GmbH", 14),
        (60, 110, "Payment terms: 30 days net, thank you."),
        (60, 130, "Please pay by bank transfer to our account."),
        (60, 150, "Goods remain our property until paid in full."),
    ]
    for i, (label, value) in enumerate(rows):
        items += [(60, 200 + 30 * i, label), (470, 200 + 30 * i, value)]
    png = scan_of(draw_pdf(tmp_path / "t.pdf", items), tmp_path / "t.png", dpi=150, angle=1.2)
    with load_document(png, Options(ocr="always")) as doc:
        page = doc.page(1)
        assert abs(skew(page.words)) > 0.01
        texts = [" || ".join(s.text for s in ln.segments) for ln in page_lines(page)]
    for label, value in rows:
        assert f"{label} || {value}" in texts
