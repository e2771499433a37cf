"""Scanned invoices: the rules that make Tesseract's words read like the printed invoice.

Each test draws its own invoice, scans it (a rendered PNG, slightly rotated) and reads it back with
real Tesseract; the geometry tests build words with the boxes Tesseract gives.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from text_docs import scan_of

from docai.document import Word
from docai.engines.text import TextEngine
from docai.engines.text.fields.strategies import yuan_by_script
from docai.engines.text.fields.totals import summary_label
from docai.engines.text.kv import find_pairs
from docai.engines.text.layout import (
    _keep_phrases_together,
    group_lines,
    join_words,
    split_segments,
    tidy_cjk,
)
from docai.engines.text.line_items import _repair_quantity, _spill_columns, ocr_ones
from docai.engines.text.matching import is_label_text, phrase_score
from docai.engines.text.typing_rules import coerce, fields_from_schema
from docai.options import Options
from docai.parsers import load_document

ITEMS_SCHEMA = {
    "type": "object",
    "properties": {
        "vendor": {"type": "string"},
        "customer": {"type": "string"},
        "issue_date": {"type": "string", "format": "date"},
        "due_date": {"type": "string", "format": "date"},
        "total": {"type": "number"},
        "currency": {"type": "string"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "quantity": {"type": "number"},
                    "unit_price": {"type": "number"},
                    "amount": {"type": "number"},
                },
            },
        },
    },
}

EN_INVOICE = [
    (50, 60, "Northwind Office Supply Ltd", 15),
    (50, 80, "12 Harbour Road, Springfield"),
    (50, 130, "Description"), (300, 130, "Qty"), (380, 130, "Unit Price"), (490, 130, "Amount"),
    (50, 150, "Software licence (1 yr)"), (300, 150, "12"), (380, 150, "293.16"), (490, 150, "3,517.92"),
    (50, 170, "Whiteboard markers (pack)"), (300, 170, "15"), (380, 170, "14.94"), (490, 170, "224.10"),
    (50, 190, "Desk lamp LED"), (300, 190, "20"), (380, 190, "31.50"), (490, 190, "630.00"),
    (300, 220, "Total before tax:"), (490, 220, "4,372.02"),
    (300, 240, "Tax 10%:"), (490, 240, "437.20"),
    (300, 260, "Total:"), (490, 260, "4,809.22"),
]  # fmt: skip

ZH_INVOICE = [
    (50, 60, "北京华信科技有限公司", 16),
    (450, 60, "发票", 22),
    (50, 110, "购买方:"), (320, 110, "开票日期:"), (420, 110, "2020年2月24日"),
    (50, 130, "杭州云图软件有限公司"), (320, 130, "付款期限:"), (420, 130, "2020年3月25日"),
    (50, 150, "深圳市南山区科技园南路15号"),
    (50, 180, "项目"), (250, 180, "数量"), (330, 180, "单价"), (420, 180, "金额"),
    (50, 200, "办公用纸"), (250, 200, "10"), (330, 200, "90.19"), (420, 200, "901.90"),
    (50, 220, "咨询服务"), (250, 220, "12"), (330, 220, "19.52"), (420, 220, "234.24"),
    (50, 240, "数据线"), (250, 240, "11"), (330, 240, "12.00"), (420, 240, "132.00"),
    (330, 270, "合计:"), (420, 270, "1,268.14"),
]  # fmt: skip


def _draw_mixed(path: Path, items: list) -> Path:
    """Like text_docs.draw_pdf, but Latin letters and digits in a Latin font, as Chinese invoices print
    them, and only Han characters in the CJK font."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for x, y, text, *rest in items:
        size = rest[0] if rest else 11
        for part in re.findall(r"[\u4e00-\u9fff：]+|[^\u4e00-\u9fff：]+", text):
            font = "china-s" if re.match(r"[\u4e00-\u9fff：]", part) else "helv"
            page.insert_text((x, y), part, fontsize=size, fontname=font)
            x += pymupdf.get_text_length(part, fontname=font, fontsize=size)
    doc.save(path)
    doc.close()
    return path


def _scan(tmp: Path, items: list, name: str, angle: float, dpi: int) -> Path:
    pdf = _draw_mixed(tmp / f"{name}.pdf", items)
    return scan_of(pdf, tmp / f"{name}.png", dpi=dpi, angle=angle)


@pytest.fixture(scope="module")
def en_scan(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = _scan(tmp_path_factory.mktemp("en"), EN_INVOICE, "en", 0.5, 200)
    with load_document(path) as doc:
        return TextEngine(Options(semantic=False)).extract(doc, ITEMS_SCHEMA).data


@pytest.fixture(scope="module")
def zh_scan(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = _scan(tmp_path_factory.mktemp("zh"), ZH_INVOICE, "zh", 0.5, 200)
    opts = Options(lang="eng+chi_sim", semantic=False)
    with load_document(path, opts) as doc:
        return TextEngine(opts).extract(doc, ITEMS_SCHEMA).data


def test_scanned_descriptions_keep_all_their_words(en_scan: dict) -> None:
    """A word space between glyph-hugging OCR boxes is wider than a table gap measured in box heights."""
    got = [i["description"] for i in en_scan["items"]]
    assert got == ["Software licence (1 yr)", "Whiteboard markers (pack)", "Desk lamp LED"]
    assert [i["quantity"] for i in en_scan["items"]] == [12, 15, 20]
    assert [i["amount"] for i in en_scan["items"]] == [3517.92, 224.1, 630.0]
    assert en_scan["total"] == 4809.22


def test_scanned_chinese_invoice_reads_without_ocr_spaces(zh_scan: dict) -> None:
    assert zh_scan["vendor"] == "北京华信科技有限公司"
    assert zh_scan["customer"] == "杭州云图软件有限公司"
    assert zh_scan["issue_date"] == "2020-02-24"
    assert zh_scan["due_date"] == "2020-03-25"
    assert [i["description"] for i in zh_scan["items"]] == ["办公用纸", "咨询服务", "数据线"]
    assert [i["quantity"] for i in zh_scan["items"]] == [10, 12, 11]
    assert zh_scan["total"] == 1268.14
    assert zh_scan["currency"] == "CNY"  # no currency printed: a simplified-Chinese invoice is in yuan


def test_tidy_cjk_drops_only_spaces_inside_chinese() -> None:
    assert tidy_cjk("有 限 公司") == "有限公司"
    assert tidy_cjk("2020 年 2 月 24 日") == "2020年2月24日"
    assert tidy_cjk("USB 数据 线 2m") == "USB 数据线 2m"
    assert tidy_cjk("Desk lamp LED") == "Desk lamp LED"
    assert join_words(["深圳", "市", "南山", "区"]) == "深圳市南山区"


def _w(text: str, box: tuple[float, float, float, float], conf: float | None = 0.95) -> Word:
    return Word(text, box, conf, 1, 1)


def test_overlapping_cjk_boxes_on_one_line_stay_one_line() -> None:
    """Tesseract boxes a tall title glyph over its neighbour ('发' '票'): overlapping, yet side by side."""
    words = [
        _w("北京", (50, 57.6, 90, 72.5)), _w("华", (89.8, 56.4, 103.2, 77.5)),
        _w("公司", (104, 57.6, 130, 72.0)),
        _w("发", (522, 53.3, 559.9, 71.5)), _w("票", (550.1, 52.3, 560.9, 76.8)),
        _w("购买", (50, 122.9, 77, 131.8)), _w("方", (72, 121.9, 78.7, 135.1)),
    ]  # fmt: skip
    lines = group_lines(words)
    assert [[s.text for s in ln.segments] for ln in lines] == [["北京华公司", "发票"], ["购买方"]]


def test_stacked_words_still_make_two_lines() -> None:
    """Words of two lines set close together share their x-range but not their centre line."""
    words = [_w("Net", (50, 100, 70, 108)), _w("12.00", (200, 100, 230, 108)),
             _w("Tax", (50, 104.5, 70, 112.5)), _w("1.20", (200, 104.5, 226, 112.5))]  # fmt: skip
    assert [ln.text for ln in group_lines(words)] == ["Net 12.00", "Tax 1.20"]


def test_scan_word_spaces_do_not_split_table_cells_but_text_layers_keep_their_rule() -> None:
    scanned = [_w("Software", (50.6, 226.1, 90.5, 231.8)), _w("licence", (97.0, 225.6, 131.0, 231.1)),
               _w("4", (344.4, 225.6, 348.0, 231.1))]  # fmt: skip
    assert [s.text for s in split_segments(scanned, 1, gap=1.0)] == ["Software licence", "4"]
    layer = [_w(w.text, w.bbox, None) for w in scanned]
    assert [s.text for s in split_segments(layer, 1, gap=1.0)] == ["Software", "licence", "4"]


def test_unreadable_quantity_from_row_arithmetic() -> None:
    items = next(s for s in fields_from_schema(ITEMS_SCHEMA) if s.kind == "table").items
    mapping = {"description": 0, "quantity": 1, "unit_price": 2, "amount": 3}
    row = ["Printer paper", "Z", "28.94", "57.88"]
    obj = {"description": "Printer paper", "quantity": None, "unit_price": 28.94, "amount": 57.88}
    _repair_quantity(items, obj, row, mapping)
    assert obj["quantity"] == 2
    # no whole multiple: the cell stays unread; digits OCR did read are not second-guessed
    odd = dict(obj, quantity=None, amount=50.0)
    _repair_quantity(items, odd, row, mapping)
    assert odd["quantity"] is None
    empty = dict(obj, quantity=None)
    _repair_quantity(items, empty, ["Printer paper", "", "28.94", "57.88"], mapping)
    assert empty["quantity"] is None


def test_value_under_a_label_beside_a_taller_column() -> None:
    """'Customer:' boxed tall by OCR; the right column's value starts higher than the name under the label,
    so the line's box overlaps the label: the name is still the value below it."""
    words = [
        _w("Customer:", (96, 260, 193, 288)), _w("BILL", (653, 258, 680, 270)),
        _w("NO", (684, 258, 712, 270)),
        _w("Granite", (96, 292, 160, 310)), _w("Textiles", (166, 292, 230, 310)),
        _w("IN/2018/7417", (654, 279, 771, 296)),
        _w("138", (98, 320, 125, 339)), _w("Jalan", (131, 320, 170, 339)),
    ]  # fmt: skip
    pairs = [c for c in find_pairs(group_lines(words)) if c.label == "Customer"]
    assert [c.value for c in pairs] == ["Granite Textiles"]


def test_ocr_misread_thousands_marks() -> None:
    spec = fields_from_schema({"type": "object", "properties": {"total": {"type": "number"}}})[0]

    def num(text: str) -> float | None:
        typed = coerce(spec, text)
        return typed.value if typed else None

    assert num("1.148.31") == 1148.31  # the comma read as a point: two digits after it are cents
    assert num("1,148,31") == 1148.31
    assert num("5;777.73") == 5777.73
    assert num("USD 1.148.31") == 1148.31
    assert num("1.148.310") == 1148310  # three digits: a thousands group, as printed
    assert num("1.234,56") == 1234.56


def test_glyph_box_under_a_line_high_box_is_the_same_line() -> None:
    """Tesseract boxes some Chinese glyphs line-high ('期' 304-345) and others tight ('付款' 321-340)."""
    words = [_w("付款", (685, 321, 767, 340)), _w("期", (734, 304, 753, 345)), _w("限", (752, 304, 769, 345)),
             _w("2024年", (790, 322, 860, 341))]  # fmt: skip
    assert [ln.text for ln in group_lines(words)] == ["付款期限 2024年"]


def test_chinese_label_with_one_misread_glyph() -> None:
    assert phrase_score("开票日其:", "开票日期") >= 0.55
    assert phrase_score("收款方", "付款方") == 0.0  # short labels: one character changes the meaning
    assert phrase_score("开票人员", "开票日期") == 0.0


def test_yuan_only_for_mostly_chinese_text() -> None:
    assert yuan_by_script(["北京华信科技有限公司", "深圳市南山区科技园南路15号", "项目 数量 金额"]) == "CNY"
    assert yuan_by_script(["Northwind Trading Ltd", "Invoice No 123", "Total 100.00 北京"]) is None


def test_label_row_with_a_misread_label_keeps_values_below() -> None:
    """'发票号码  开票日其  付款期限': a row of labels (one glyph misread), each value under its label."""
    words = [
        _w("发票号码", (120, 236, 200, 252)), _w("开票日其", (476, 236, 540, 252)),
        _w("付款期限", (831, 236, 892, 252)),
        _w("A-2018-3628", (119, 275, 233, 292)), _w("2018年9月25日", (476, 275, 600, 292)),
    ]  # fmt: skip
    pairs = {(c.label, c.value) for c in find_pairs(group_lines(words))}
    assert ("发票号码", "A-2018-3628") in pairs
    assert ("发票号码", "开票日其") not in pairs
    assert is_label_text("开票日其")


def test_totals_rows_known_by_their_labels() -> None:
    for label in ("Net Amount:", "Subtotal", "Tax 10%:", "合 计", "Total before tax:", "VAT 8%:"):
        assert summary_label(label), label
    for label in ("Office chair", "Software licence (1 yr)", "Network switch 8-port"):
        assert not summary_label(label), label


def test_headerless_text_column_is_the_rest_of_the_description() -> None:
    items = next(s for s in fields_from_schema(ITEMS_SCHEMA) if s.kind == "table").items
    cells = [
        ["Description", "", "Qty", "Unit Price", "Amount"],
        ["Software licence (1", "yr)", "4", "293.16", "1,172.64"],
        ["Whiteboard markers", "(pack)", "7", "14.94", "104.58"],
        ["External SSD 1TB", "", "1", "134.70", "134.70"],
    ]
    mapping = {"description": 0, "quantity": 2, "unit_price": 3, "amount": 4}
    assert _spill_columns(cells, 0, mapping, items) == {0: [1]}
    # a headerless column of numbers is no part of the text
    cells[1][1], cells[2][1] = "12", "13"
    assert _spill_columns(cells, 0, mapping, items) == {}


def test_phrase_split_between_two_rows_joins_them() -> None:
    """A tilted two-column page: the address (left) sits half a line off 'Due Date  February 7, 2019'
    (right), and the centre rule put 'Date' and '2019' in the address's row, 'Due' and 'February 7,'
    in a row of their own. The phrases bridge the rows and nothing in them sits over anything else: one
    line."""
    addr = [_w("Johor", (141, 154, 162, 161)), _w("Bahru", (165, 153, 187, 160))]
    due, date = _w("Due", (314, 155, 331, 162)), _w("Date", (334, 154, 354, 162))
    feb, seven, year = (
        _w("February", (469, 152, 506, 161)),
        _w("7,", (509, 152, 516, 160)),
        _w("2019", (520, 151, 540, 159)),
    )
    rows = [[*addr, date, year], [due, feb, seven]]
    adj = {id(w): w.bbox for r in rows for w in r}
    out = _keep_phrases_together([list(r) for r in rows], adj)
    assert len(out) == 1 and {w.text for w in out[0]} == {
        "Johor",
        "Bahru",
        "Due",
        "Date",
        "February",
        "7,",
        "2019",
    }
    # a row with a word over one of the other row's words is another line: only the phrase moves
    over = _w("Street", (314, 147, 340, 153))
    rows = [[*addr, over, year], [due, date, feb, seven]]
    adj = {id(w): w.bbox for r in rows for w in r}
    out = _keep_phrases_together([list(r) for r in rows], adj)
    assert [sorted(w.text for w in r) for r in out] == [
        ["Bahru", "Johor", "Street"],
        sorted(["Due", "Date", "February", "7,", "2019"]),
    ]


def test_quantity_with_a_lost_digit_from_row_arithmetic() -> None:
    items = next(s for s in fields_from_schema(ITEMS_SCHEMA) if s.kind == "table").items
    mapping = {"description": 0, "quantity": 1, "unit_price": 2, "amount": 3}
    obj = {"description": "USB-C cable 2m", "quantity": 1, "unit_price": 9.32, "amount": 102.52}
    _repair_quantity(items, obj, ["USB-C cable 2m", "1", "9.32", "102.52"], mapping)
    assert obj["quantity"] == 11
    # a different number, not the product's digits with some lost: left as read
    other = {"description": "Desk", "quantity": 3, "unit_price": 10.0, "amount": 120.0}
    _repair_quantity(items, other, ["Desk", "3", "10.00", "120.00"], mapping)
    assert other["quantity"] == 3


def test_one_read_as_a_letter_before_a_unit() -> None:
    assert ocr_ones("External SSD ITB") == "External SSD 1TB"
    assert ocr_ones("Coffee beans Ikg") == "Coffee beans 1kg"
    assert ocr_ones("Il Forno Ipad") == "Il Forno Ipad"
