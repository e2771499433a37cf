"""The page index's quick look-ups and the text-form signals answer what their plain versions answer."""

from __future__ import annotations

import random
from dataclasses import replace

from docai.document import Page, Word
from docai.verify.pageindex import PageIndex, Span, index_page, normalize

_TEXTS = [
    "Total",
    "12",
    "304.72",
    "1,234.56",
    "-",
    "…",
    "RM",
    "€5",
    "(3)",
    "Ünïcode",
    "２０",
    "",
    "x",
    "1 234",
    "0.005",
]


def _page(rng: random.Random, n: int) -> Page:
    words = []
    for i in range(n):
        t = (
            rng.choice(_TEXTS)
            if rng.random() < 0.7
            else str(round(rng.uniform(-50, 5000), rng.choice([0, 1, 2, 3])))
        )
        x = 10.0 * (i % 9)
        words.append(
            Word(t, (x, 12.0 * (i // 9), x + 8, 12.0 * (i // 9) + 10), None, 0, i // rng.choice([3, 9]))
        )
    return Page(1, 600, 800, 0, words, "layer", lambda dpi: None)


def _plain_owner(index: PageIndex) -> list[tuple[int, int]]:
    owner: list[tuple[int, int]] = []
    for li, line in enumerate(index.lines):
        for wi, w in enumerate(line):
            owner.extend([(li, wi)] * len(normalize(w.text)))
    return owner


def _plain_span_of_chars(owner: list[tuple[int, int]], start: int, end: int) -> list[Span]:
    by_line: dict[int, list[int]] = {}
    for li, wi in owner[start:end]:
        ws = by_line.setdefault(li, [wi, wi])
        ws[0], ws[1] = min(ws[0], wi), max(ws[1], wi)
    return [Span(li, ws[0], ws[1]) for li, ws in sorted(by_line.items())]


def test_span_of_chars_is_the_plain_char_to_word_reading() -> None:
    rng = random.Random(13)
    for _ in range(60):
        index = index_page(_page(rng, rng.randint(0, 60)))
        owner = _plain_owner(index)
        assert len(owner) == len(index.text)
        for _ in range(40):
            start = rng.randint(0, len(index.text) + 2)
            end = start + rng.randint(0, 12)
            assert index.span_of_chars(start, end) == _plain_span_of_chars(owner, start, end)


def test_numbers_of_keeps_the_page_order_and_the_plain_tolerance_test() -> None:
    rng = random.Random(14)
    for _ in range(60):
        index = index_page(_page(rng, rng.randint(0, 60)))
        values = [t.value for t in index.numbers] + [rng.uniform(-100, 5000) for _ in range(10)]
        for v in values:
            for tol in (0.0, 0.005, abs(v) * 1e-6, 1.0):
                plain = [t for t in index.numbers if abs(abs(t.value) - abs(v)) <= tol]
                assert index.numbers_of(v, tol) == plain
    assert index_page(Page(1, 1, 1, 0, [], "layer", lambda dpi: None)).numbers_of(1.0, 0.005) == []


def test_text_form_signals_read_as_their_plain_definitions() -> None:
    import re
    import unicodedata

    from docai.verify.textform import _MIXED, _ODD_PUNCT, odd_case, odd_chars

    rng = random.Random(15)
    alphabet = "aZmN pET|$€+x1.-_ÜßçΣ™°¢McDonald iPhone "
    for _ in range(3000):
        v = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        plain_chars = any(
            ch in _ODD_PUNCT or unicodedata.category(ch) in ("Sc", "Sm", "Sk", "So") for ch in v
        )
        plain_case = any(_MIXED.match(w) for w in re.findall(r"[A-Za-z]+", v) if len(w) >= 3)
        assert odd_chars(v) is plain_chars and odd_case(v) is plain_case


def test_a_text_without_a_numeric_date_reads_the_same_day_or_month_first() -> None:
    from docai import values

    rng = random.Random(16)
    digits = ["3", "03", "4", "12", "13", "2024", "24", "1", "305"]
    seps = ["/", "-", ".", " ", "", ",", "年", "月"]
    words = ["", "March", "3rd", "day of", "Due", "日"]
    texts = []
    for _ in range(6000):
        parts = [rng.choice(words)]
        for _ in range(rng.randint(1, 4)):
            parts += [rng.choice(digits), rng.choice(seps)]
        texts.append("".join([*parts, rng.choice(words)]))
    differing = 0
    for text in texts:
        day_first, month_first = values.parse_date(text, True), values.parse_date(text, False)
        differing += day_first != month_first
        if not values.reads_by_order(text):
            assert day_first == month_first, text
    assert differing > 5  # the texts do hold dates that read two ways


def test_labels_are_found_in_an_ascii_text_where_the_case_blind_pattern_finds_them() -> None:
    import re

    from docai.verify import sanity
    from docai.verify.vocab import (
        AMOUNT_LABEL,
        COMPANY_SUFFIX,
        IDENTIFIER_LABEL,
        ISSUER_LABEL,
        RECIPIENT_LABEL,
    )

    assert set(sanity._CASED) == {
        IDENTIFIER_LABEL,
        AMOUNT_LABEL,
        ISSUER_LABEL,
        RECIPIENT_LABEL,
        COMPANY_SUFFIX,
    }
    rng = random.Random(17)
    spelled = "VAT No|Tax|tax:|TEL|Invoice #|P.O. Box|Reg. No|Total|SUB-TOTAL|iban|Office|chair|2|368.12"
    parties = "|Bill To:|Sold by|From|Payee|Sdn Bhd|S.A.|GmbH|Ltd.|Co|Trading|Fournisseur|Remit to|Attn"
    words = (spelled + "|(6%)|Acct|a/c|Company No.|ZIP|tin|Martin" + parties).split("|")
    found = 0
    for _ in range(4000):
        text = " ".join(
            "".join(ch.upper() if rng.random() < 0.3 else ch for ch in rng.choice(words))
            for _ in range(rng.randint(0, 6))
        )
        for pattern in (IDENTIFIER_LABEL, AMOUNT_LABEL):
            plain = [(m.start(), m.group(0)) for m in pattern.finditer(text)]
            assert sanity._last(pattern, text) == (plain[-1] if plain else None), text
            found += bool(plain)
        for pattern in (ISSUER_LABEL, RECIPIENT_LABEL, COMPANY_SUFFIX):
            assert sanity.found(pattern, text) is (pattern.search(text) is not None), text
    assert found > 1000
    assert sanity._case_sensitive_twin(re.compile("[A-Z]x", re.IGNORECASE)) is None


def test_quick_word_tests_keep_every_word_the_plain_patterns_take() -> None:
    import re
    import string

    from docai.verify import pageindex, sanity

    rng = random.Random(18)
    alphabet = string.printable + "€£¥元人民币zł"
    words = ["USD", "Rs.", "kr", "$12", "RM5", "Total", "EUR", "240.00CR", "Dr.", "cr", "xCR", "Office"]
    words += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    plain_normalize = re.compile(r"[^0-9a-z]+")
    for w in words:
        if pageindex._CURRENCY_HINT.search(w):
            assert pageindex._may_print_currency(w), w
        if w.isascii():
            assert pageindex.normalize(w) == plain_normalize.sub("", w.lower())
        t = w.strip()
        if sanity._SIGN_MARK.search(t):
            assert t.endswith(sanity._MARK_ENDS), t
    assert not pageindex._may_print_currency("Office") and pageindex._may_print_currency("USD")


def _every_pattern_parse_date(text: str, dayfirst: bool | None) -> str | None:
    """values.parse_date as it read before issue 13's literal tests: every pattern searched in turn."""
    from docai import values as v

    s = str(text).strip()
    if not s:
        return None
    for pattern in (v._DATE_CJK, v._DATE_YMD):
        m = pattern.search(s)
        if m:
            return v._make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = v._DATE_NUMERIC.search(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), v._year(m.group(3))
        if a > 12 >= b:
            return v._make(y, b, a)
        if b > 12 >= a:
            return v._make(y, a, b)
        return v._make(y, b, a) if dayfirst is not False else v._make(y, a, b)
    m = v._DATE_DAY_OF.search(s)
    if m and v._month(m.group(2)):
        return v._make(int(m.group(3)), v._month(m.group(2)) or 0, int(m.group(1)))
    m = v._DATE_D_MONTH_Y.search(s)
    if m and v._month(m.group(2)):
        return v._make(v._year(m.group(3)), v._month(m.group(2)) or 0, int(m.group(1)))
    m = v._DATE_MONTH_D_Y.search(s)
    if m and v._month(m.group(1)):
        return v._make(int(m.group(3)), v._month(m.group(1)) or 0, int(m.group(2)))
    return None


def test_parse_date_tries_a_pattern_only_where_its_literal_is_and_reads_the_same() -> None:
    from docai import values

    rng = random.Random(19)
    digits = ["3", "03", "4", "12", "13", "31", "2024", "1999", "24", "1", "305", "٣", "２"]
    seps = ["/", "-", ".", " ", "", ",", ", ", "年", "月", "日", " of ", "th ", "st", "\u00a0"]
    words = ["", "March", "sept.", "Mai", "3rd", "day of", "Day of", "days of", "Due", "日", "déc", "Date:"]
    shapes = [
        "{d}{s}{m}{s}{y}",
        "{y}{s}{m}{s}{d}",
        "{d} {w} {y}",
        "{w} {d}, {y}",
        "the {d}th day of {w}, {y}",
        "{y}年{m}月{d}日",
        "{d}{s}{w}{s}{y}",
    ]
    texts, read = [], 0
    for i in range(12000):
        if i % 2:  # noise of the same pieces
            parts = [rng.choice(words), rng.choice(["", " "])]
            for _ in range(rng.randint(1, 5)):
                parts += [rng.choice(digits + words), rng.choice(seps)]
            texts.append("".join([*parts, rng.choice(words)]))
            continue
        d, m, y = rng.choice(digits), rng.choice(digits), rng.choice(digits)
        s, w = rng.choice(seps), rng.choice(words[1:])
        core = rng.choice(shapes).format(d=d, m=m, y=y, s=s, w=w)
        texts.append(f"{rng.choice(words)}{rng.choice(['', ' '])}{core}{rng.choice(['', ' ', ' Total'])}")
    for text in texts:
        for dayfirst in (None, True, False):
            got = values.parse_date(text, dayfirst)
            assert got == _every_pattern_parse_date(text, dayfirst), (text, dayfirst)
            read += got is not None
    assert read > 800  # the texts hold dates, and shapes of every pattern:
    for pattern in (values._DATE_CJK, values._DATE_YMD, values._DATE_NUMERIC, values._DATE_DAY_OF):
        assert sum(bool(pattern.search(t)) for t in texts) > 10, pattern.pattern
    for pattern in (values._DATE_D_MONTH_Y, values._DATE_MONTH_D_Y):
        assert sum(bool(pattern.search(t)) for t in texts) > 10, pattern.pattern


def _plain_numbers(li: int, line: list[Word]) -> list[tuple[float, Span, str, bool]]:
    """The page's numbers as every word was read before the quick path for plain spellings."""
    import re

    from docai import values
    from docai.verify import pageindex as pi

    out: list[tuple[float, Span, str, bool]] = []
    for i, w in enumerate(line):
        t = w.text
        if not any(map(str.isdigit, t)) or pi._DATE_OR_TIME.search(t):
            continue
        v = values.parse_number(t)
        if v is not None:
            out.append((v, Span(li, i, i), t, re.search(r"\d[.,]\d{1,2}(?!\d)", t) is not None))
        if not re.fullmatch(r"\d{1,3}", t):
            continue
        j, joined = i, t
        while j + 1 < len(line) and pi._GROUP.match(line[j + 1].text.strip()):
            j += 1
            joined += " " + line[j].text.strip()
            jv = values.parse_number(joined.replace(" ", ""))
            if jv is not None:
                out.append((jv, Span(li, i, j), joined, pi._decimals(joined)))
    return out


def test_plain_numbers_read_as_every_word_was_read() -> None:
    from docai.verify.pageindex import _numbers, has_digit

    rng = random.Random(13)
    extra = ["12/03/24", "1.2.24", "3-4-5", "10:30", "²", "٣٤", "007", "1234", "12.345", "5.", ".5", "1,5"]
    for _ in range(300):
        texts = [
            rng.choice(_TEXTS + extra)
            if rng.random() < 0.6
            else str(round(rng.uniform(0, 2000), rng.choice([0, 1, 2, 3])))
            for _ in range(rng.randint(1, 7))
        ]
        line = [Word(t, (0.0, 0.0, 1.0, 1.0)) for t in texts]
        assert [tuple(t) for t in _numbers(4, line)] == _plain_numbers(4, line), texts
        for t in texts:
            assert has_digit(t) == any(map(str.isdigit, t)), t


def test_a_single_type_is_checked_as_any_of_its_types() -> None:
    from docai.verify.fields import Leaf
    from docai.verify.schema_checks import _TYPE_TESTS, _any_value, _type_check

    for t in ["string", "number", "integer", "boolean", "object", ["number", "null"], ["string", "integer"]]:
        types = [x for x in t if x != "null"] if isinstance(t, list) else [t]
        for v in ["a", "", 3, 2.5, 4.0, True, False, None, [], {}]:
            got = _type_check(Leaf("x", "x", "x", v, {"type": t}, "string")).passed
            assert got is any(_TYPE_TESTS.get(x, _any_value)(v) for x in types), (t, v)


def test_the_pages_searched_are_the_plain_order_for_every_first_page() -> None:
    from docai.verify.stage import MAX_PAGES_SEARCHED, Pages

    rng = random.Random(19)
    for _ in range(200):
        numbers = rng.sample(range(0, 60), rng.randint(0, 50))
        pages = Pages(lambda n: None, numbers)  # type: ignore[arg-type, return-value]
        for first in [None, *rng.sample(numbers, min(3, len(numbers)))] * 2:
            plain = ([first] if first else []) + [n for n in numbers if n != first][:MAX_PAGES_SEARCHED]
            assert pages.order(first) == plain


def test_currencies_are_the_words_the_plain_hint_takes_and_the_norm_text_is_normalize() -> None:
    from docai import values
    from docai.verify import pageindex

    rng = random.Random(23)
    extra = ["$5", "USD", "Rs.", "kr", "RM12", "€", "MYR", "ab", "Road,", "No.:", "BILL/2025/8640", "É.", "ﬁ"]
    for _ in range(200):
        page = _page(rng, rng.randint(1, 40))
        page.words = [replace(w, text=rng.choice(extra)) if rng.random() < 0.4 else w for w in page.words]
        index = index_page(page)
        plain: dict[str, list[Span]] = {}
        for li, line in enumerate(index.lines):
            for wi, w in enumerate(line):
                if pageindex._CURRENCY_HINT.search(w.text) and values.CURRENCY_MENTION.search(w.text):
                    code = values.detect_currency(w.text)
                    if code:
                        plain.setdefault(code, []).append(Span(li, wi, wi))
        assert index.currencies == plain
        assert index.text == "".join(normalize(w.text) for line in index.lines for w in line)
