"""The stage's quick paths (issue 13: its cost) read pages exactly as the plain ways they replace."""

from __future__ import annotations

import re

from docai import values
from docai.document import Page, Word
from docai.results import Check, Evidence
from docai.verify.fields import Leaf
from docai.verify.grounding import ground
from docai.verify.pageindex import Span, index_page, union
from docai.verify.stage import Located, _role_kind, _signals


def _page(lines: list[str], conf: float | None = None) -> Page:
    """Words left to right, one text line per (block 0, line i); 6 pt per character."""
    words = []
    for li, text in enumerate(lines):
        x = 50.0
        for t in text.split():
            words.append(Word(t, (x, 100.0 + 20 * li, x + 6 * len(t), 110.0 + 20 * li), conf, 0, li))
            x += 6 * len(t) + 6
    return Page(1, 595, 842, 0, words, "ocr" if conf is not None else "layer", lambda dpi: None)


def _leaf(name: str, value: object, kind: str) -> Leaf:
    return Leaf(name, name, name, value, {}, kind)


def test_the_currency_pattern_matches_exactly_the_words_detect_currency_reads() -> None:
    pattern = values.CURRENCY_MENTION
    symbols = list(values._CURRENCY_SYMBOLS) + list(values._ISO_CODES)
    words = [w for s in symbols for w in (s, f"12{s}", f"x{s}", f"{s}x", f"{s}.5", s.lower(), f"({s})")]
    words += ["TOTAL", "INVOICE", "Rsx", "XRs.", "krone", "MYRX", "usd", "5.00", "", "RMB9", "€€"]
    assert {values.detect_currency("USD"), values.detect_currency("RM 9")} == {"USD", "MYR"}
    disagree = [w for w in words if bool(pattern.search(w)) != (values.detect_currency(w) is not None)]
    assert disagree == []


def test_a_currency_word_is_found_and_a_capitalised_word_is_not() -> None:
    idx = index_page(_page(["INVOICE TOTAL RM 12.00", "Paid in USD by card"]))
    assert idx.currencies == {"MYR": [Span(0, 2, 2)], "USD": [Span(1, 2, 2)]}


def test_union_is_the_least_box_around_all_and_keeps_a_single_box_as_is() -> None:
    boxes = [(5.0, 7.0, 9.0, 8.0), (1.0, 9.0, 4.0, 20.0), (3.0, 2.0, 12.0, 3.0)]
    assert union(boxes) == (1.0, 2.0, 12.0, 20.0)
    assert union(boxes[:1]) is boxes[0]


def test_line_texts_and_lines_matching_read_every_word_of_a_line() -> None:
    idx = index_page(_page(["Acme Trading", "mail: sales@acme-trading.com", "visit www.acme.com today"]))
    assert idx.line_texts == ["Acme Trading", "mail: sales@acme-trading.com", "visit www.acme.com today"]
    web = re.compile(r"@|www\.")
    assert idx.lines_matching(web) == [1, 2]
    by_word = sorted({li for li, ln in enumerate(idx.lines) for w in ln if web.search(w.text)})
    assert idx.lines_matching(web) == by_word


def test_dates_keep_the_shortest_window_from_each_starting_word() -> None:
    idx = index_page(_page(["Invoice date 3 April 2024 ref 24", "Total 24.00", "Due 2024-05-03"]))
    found = sorted((iso, (s.line, s.start, s.end), text) for iso, s, text in idx.dates("2024"))
    assert found == [
        ("2024-04-03", (0, 0, 4), "Invoice date 3 April 2024"),
        ("2024-04-03", (0, 1, 4), "date 3 April 2024"),
        ("2024-04-03", (0, 2, 4), "3 April 2024"),
        ("2024-05-03", (2, 0, 1), "Due 2024-05-03"),
        ("2024-05-03", (2, 1, 1), "2024-05-03"),
    ]  # '24' in 'ref 24' and '24.00' puts those lines in the search; neither is a date
    issue = ground(_leaf("issue_date", "2024-04-03", "date"), idx)
    assert [m.text for m in issue] == ["3 April 2024"]
    assert idx.dates("2023") == []


def test_a_single_span_match_reads_box_text_and_ocr_confidence_of_its_words() -> None:
    page = _page(["Vendor Northwind Hardware Ltd"], conf=0.9)
    page.words[2] = Word("Hardware", page.words[2].bbox, 0.6, 0, 0)
    idx = index_page(page)
    m = ground(_leaf("vendor", "Northwind Hardware", "string"), idx)[0]
    assert m.spans == [Span(0, 1, 2)]
    assert m.text == "Northwind Hardware"
    assert m.bbox == (page.words[1].bbox[0], 100.0, page.words[2].bbox[2], 110.0)
    assert abs(m.ocr_conf - 0.75) < 1e-12 and m.ocr_min == 0.6


def test_signals_count_failures_sums_and_the_first_agreement() -> None:
    leaf = _leaf("total", 12.0, "number")
    checks = [
        Check("sum_of_parts", True),
        Check("plausible_date", False),
        Check("agrees_with_openai", False),
        Check("agrees_with_other", True),
        Check("lines_sum", False),
    ]
    s = _signals(leaf, Located(None, None), checks, Evidence(1, None, "", 0.5))
    assert (s.failed, s.sum_ok, s.agree) == (3, True, -1)
    assert s.failed_families == frozenset({"sanity", "agreement", "arithmetic"})
    clean = _signals(leaf, Located(None, None), [Check("quantity_x_price", True)], None)
    assert (clean.failed, clean.sum_ok, clean.agree, clean.failed_families) == (0, True, 0, frozenset())


def test_role_kinds_are_read_from_the_path_and_kept_per_path_and_kind() -> None:
    assert _role_kind(_leaf("vendor", "Acme", "string")) == "party"
    assert _role_kind(_leaf("vendor_address", "1 Road", "string")) == "address"
    assert _role_kind(_leaf("total", 1.0, "number")) == ""
    assert _role_kind(_leaf("vendor", "Acme", "string")) == "party"  # a second time, from the cache


def test_numbers_are_found_by_magnitude_in_page_order() -> None:
    idx = index_page(_page(["Refund (12.50) and 12.50", "Qty 12.5 then 12.51", "Total 1 250.00"]))
    assert [t.text for t in idx.numbers_of(12.5, 0.005)] == ["(12.50)", "12.50", "12.5"]
    assert [t.text for t in idx.numbers_of(-12.51, 0.005)] == ["12.51"]
    assert [t.text for t in idx.numbers_of(1250.0, 0.005)] == ["1 250.00"]
    assert [m.text for m in ground(_leaf("total", 12.5, "number"), idx)] == ["(12.50)", "12.50", "12.5"]


def test_read_number_reads_as_parse_number_does() -> None:
    from docai.verify.pageindex import read_number

    texts = ["12", "007", "304.72", "12.5", "12.", ".5", "1234.567", "1.234", "1,234.56", "(12.00)", "-5"]
    texts += ["12.0", "１２", " 12", "12-", "1 200", "$3.10", "9" * 400, "", "abc", "0.125", "1.234,56"]
    got = [read_number(t) for t in texts]
    assert got == [values.parse_number(t) for t in texts]
    assert got[:4] == [12.0, 7.0, 304.72, 12.5] and got[8] == 1234.56 and got[9] == -12.0


def test_a_one_word_match_reads_as_the_mean_and_least_of_its_word_confidences() -> None:
    import math

    from docai.verify.grounding import _match

    for conf in [None, 0.9, 0.0, -0.0, 1, 0.123456789, float("nan")]:
        page = _page(["Total 12.50"], conf=None)
        page.words[1] = Word("12.50", page.words[1].bbox, conf, 0, 0)
        idx = index_page(page)
        m = _match(idx, [Span(0, 1, 1)], 1.0)
        confs = [c for c in [conf] if c is not None]
        mean = sum(confs) / len(confs) if confs else 1.0
        least = min(confs) if confs else 1.0
        assert (m.text, m.bbox, m.quality) == ("12.50", page.words[1].bbox, 1.0)
        for got, want in ((m.ocr_conf, mean), (m.ocr_min, least)):
            assert type(got) is type(want) and math.copysign(1, got) == math.copysign(1, want)
            assert got == want or (math.isnan(got) and math.isnan(want))
