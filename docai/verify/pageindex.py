"""A page's words arranged for look-ups: lines, the numbers printed on them, and normalized running text.

Built once per page and shared by every field of the document. Pure: it reads `Page.words` only.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from docai import values
from docai.document import BBox, Page, Word

T = TypeVar("T")
_DATE_OR_TIME = re.compile(r"\d[/:]\d|\d-\d{1,2}-\d|\d\.\d{1,2}\.\d{2}")
_GROUP = re.compile(r"^\d{1,3}$|^\d{3}([.,]\d{1,2})?$")


class Span(NamedTuple):
    """Words `start..end` (inclusive) of line `line` on a page (a named tuple: immutable, and quicker to
    make than a frozen dataclass; the stage makes one for every number and match on a page)."""

    line: int
    start: int
    end: int


class NumberToken(NamedTuple):
    """A number printed on a page: its value, where, as printed, and whether it shows decimals (a named
    tuple, as `Span`: a page makes one for every number it prints)."""

    value: float
    span: Span
    text: str
    has_decimals: bool


@dataclass
class PageIndex:
    page_no: int
    source: str  # layer, ocr, none
    lines: list[list[Word]]
    width: float = 0.0
    height: float = 0.0
    numbers: list[NumberToken] = field(default_factory=list)
    text: str = ""  # normalized running text of the whole page
    starts: list[int] = field(default_factory=list)  # where each word with letters or digits starts in `text`
    owners: list[tuple[int, int]] = field(default_factory=list)  # (line, word) of each of those words
    _dates: dict[str, list[tuple[str, Span, str]]] = field(default_factory=dict)
    _line_texts: list[str] | None = None
    _magnitudes: tuple[list[float], list[int]] | None = None
    _lines_matching: dict[re.Pattern[str], list[int]] = field(default_factory=dict)
    _currencies: dict[str, list[Span]] | None = None
    _line_boxes: list[BBox] | None = None
    _median_height: float | None = None
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """`build()`, computed once per page under `key`: for a reading of the whole page that many
        fields ask for (it must depend on nothing but the page, and not be changed by its users)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def words_of(self, span: Span) -> list[Word]:
        return self.lines[span.line][span.start : span.end + 1]

    def bbox_of(self, span: Span) -> BBox:
        return box_of(self.words_of(span))

    def text_of(self, span: Span) -> str:
        return " ".join(w.text for w in self.words_of(span))

    def ocr_conf(self, span: Span) -> float:
        """Mean OCR confidence of the span's words; 1.0 for a text layer."""
        confs = [w.conf for w in self.words_of(span) if w.conf is not None]
        return sum(confs) / len(confs) if confs else 1.0

    def span_of_chars(self, start: int, end: int) -> list[Span]:
        """The word spans (one per line) covering chars `start..end-1` of `text`."""
        end = min(end, len(self.text))
        if start >= end:
            return []
        first = bisect.bisect_right(self.starts, start) - 1
        last = bisect.bisect_right(self.starts, end - 1, lo=first)
        out: list[Span] = []
        for li, wi in self.owners[first:last]:  # line by line, words in order: the first and last
            if out and out[-1].line == li:
                out[-1] = Span(li, out[-1].start, wi)
            else:
                out.append(Span(li, wi, wi))
        return out

    def dates(self, year: str) -> list[tuple[str, Span, str]]:
        """(ISO date, span, text) for each date of `year` printed on the page, read both day-first and
        month-first (every date spelling docai reads shows the year's last two digits)."""
        if year not in self._dates:
            yy = year[2:]
            if " " in yy:  # a joined line's spaces could make a match no single word has
                keep = [li for li, ln in enumerate(self.lines) if any(yy in w.text for w in ln)]
            else:
                keep = [li for li, text in enumerate(self.line_texts) if yy in text]
            self._dates[year] = _find_dates([(li, self.lines[li], self.line_texts[li]) for li in keep])
        return self._dates[year]

    def lines_matching(self, pattern: re.Pattern[str]) -> list[int]:
        """The lines whose joined text `pattern` matches somewhere (cached per pattern). A pattern with no
        `^`/`$` anchors and no spaces that matches in a word matches in the word's line too (the words
        are joined by spaces), so a search word by word need only read these lines."""
        if pattern not in self._lines_matching:
            self._lines_matching[pattern] = [li for li, t in enumerate(self.line_texts) if pattern.search(t)]
        return self._lines_matching[pattern]

    def numbers_of(self, value: float, tol: float) -> list[NumberToken]:
        """The page's numbers whose magnitude is within `tol` of `value`'s, in page order."""
        if self._magnitudes is None:  # sorted once a page; a number that is no finite one matches nothing
            finite = [i for i, t in enumerate(self.numbers) if math.isfinite(t.value)]
            order = sorted(finite, key=lambda i: abs(self.numbers[i].value))
            self._magnitudes = ([abs(self.numbers[i].value) for i in order], order)
        magnitudes, order = self._magnitudes
        a = abs(value)
        wide = 2 * tol + 1e-9 * a  # a window a little wider than `tol`, then the exact test on each
        lo = bisect.bisect_left(magnitudes, a - wide)
        hits = sorted(order[lo : bisect.bisect_right(magnitudes, a + wide, lo=lo)])
        return [self.numbers[i] for i in hits if abs(abs(self.numbers[i].value) - a) <= tol]

    @property
    def line_texts(self) -> list[str]:
        """Each line's words joined by single spaces (built on first use)."""
        if self._line_texts is None:
            self._line_texts = [" ".join([w.text for w in ln]) for ln in self.lines]
        return self._line_texts

    @property
    def line_boxes(self) -> list[BBox]:
        """The box of each line (built on first use)."""
        if self._line_boxes is None:
            empty = (0.0, 0.0, 0.0, 0.0)
            self._line_boxes = [box_of(ln) if ln else empty for ln in self.lines]
        return self._line_boxes

    @property
    def median_height(self) -> float:
        """The median height of the page's words: the body text's size, to compare a name's size with."""
        if self._median_height is None:
            hs = sorted(w.bbox[3] - w.bbox[1] for ln in self.lines for w in ln if w.bbox[3] > w.bbox[1])
            self._median_height = hs[len(hs) // 2] if hs else 0.0
        return self._median_height

    @property
    def currencies(self) -> dict[str, list[Span]]:
        """ISO code -> spans of the words that print a currency symbol or code."""
        if self._currencies is None:
            self._currencies = {}
            for li, line in enumerate(self.lines):
                if not _may_print_currency(self.line_texts[li]):  # nor can any word of it
                    continue
                for wi, w in enumerate(line):
                    if not _may_print_currency(w.text):
                        continue
                    if not (_CURRENCY_HINT.search(w.text) and values.CURRENCY_MENTION.search(w.text)):
                        continue
                    code = values.detect_currency(w.text)
                    if code:
                        self._currencies.setdefault(code, []).append(Span(li, wi, wi))
        return self._currencies


_CURRENCY_HINT = re.compile(r"[$€£¥￥₹₩₽₺元]|人民币|zł|(?<![A-Za-z])([A-Z]{2,3}|Rs|kr)(?![a-z])")
"""Words worth asking values.detect_currency about (it tries every symbol in turn)."""
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")


def _may_print_currency(text: str) -> bool:
    """False only for a word `_CURRENCY_HINT` cannot match: an ASCII word with no '$', 'Rs' or 'kr' and no
    two capitals in a row (the hint's other parts are not ASCII). A quick test before the pattern's; False
    for a line's words joined by spaces only when it is False for each of them (a space joins no pair)."""
    if not text.isascii():
        return True
    return "$" in text or "Rs" in text or "kr" in text or _TWO_CAPITALS.search(text) is not None


def union(boxes: list[BBox]) -> BBox:
    if len(boxes) == 1:
        return boxes[0]
    x0, y0, x1, y1 = boxes[0]
    for b in boxes:  # one pass (the stage unions every line's and every match's words)
        if b[0] < x0:
            x0 = b[0]
        if b[1] < y0:
            y0 = b[1]
        if b[2] > x1:
            x1 = b[2]
        if b[3] > y1:
            y1 = b[3]
    return (x0, y0, x1, y1)


def box_of(words: list[Word]) -> BBox:
    """The box around `words` (at least one)."""
    if len(words) == 1:
        return words[0].bbox
    return union([w.bbox for w in words])


def normalize(text: str) -> str:
    """Casefolded letters and digits only (any script): what a string field is compared as."""
    s = str(text)
    if s.isascii():
        return s.lower().translate(_DROP_ASCII)
    s = unicodedata.normalize("NFKC", s).casefold()
    return "".join(ch for ch in s if ch.isalnum())


_DROP_ASCII = str.maketrans(
    dict.fromkeys(ch for ch in map(chr, range(128)) if not ("0" <= ch <= "9" or "a" <= ch <= "z"))
)
"""Every ASCII character but digits and small letters, deleted by `str.translate`."""


def index_page(page: Page) -> PageIndex:
    lines = _lines(page.words)
    idx = PageIndex(page.page_no, page.text_source, lines, float(page.width or 0), float(page.height or 0))
    chars: list[str] = []
    starts, owners, numbers = idx.starts, idx.owners, idx.numbers
    at = 0
    for li, line in enumerate(lines):
        for wi, w in enumerate(line):
            t = w.text
            if t.isascii():  # normalize(t), the common cases inlined
                norm = t.lower() if t.isalnum() else t.lower().translate(_DROP_ASCII)
            else:
                norm = normalize(t)
            if norm:
                chars.append(norm)
                starts.append(at)
                owners.append((li, wi))
                at += len(norm)
        numbers.extend(_numbers(li, line))
    idx.text = "".join(chars)
    return idx


def _lines(words: list[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    key: tuple[int, int] | None = None
    for w in words:
        k = (w.block, w.line)
        if k != key or not lines:
            lines.append([])
            key = k
        lines[-1].append(w)
    return lines


def _numbers(li: int, line: list[Word]) -> list[NumberToken]:
    """Each word that reads as a number, and runs of words that are one number with spaced thousands."""
    out: list[NumberToken] = []
    for i, w in enumerate(line):
        t = w.text
        if t.isalpha() or not has_digit(t):
            continue
        plain = _PLAIN_NUMBER.fullmatch(t)
        if plain is not None:  # '12', '304.72': no date or time, decimals iff a point, a group iff short
            cents = plain.group(1) is not None
            out.append(NumberToken(float(t), Span(li, i, i), t, cents))
            if cents or len(t) > 3:
                continue
        else:
            if _DATE_OR_TIME.search(t):
                continue
            v = values.parse_number(t)
            if v is not None:
                out.append(NumberToken(v, Span(li, i, i), t, _decimals(t)))
            if not _LEADING_GROUP.fullmatch(t):
                continue
        j = i
        joined = t
        while j + 1 < len(line) and _GROUP.match(line[j + 1].text.strip()):
            j += 1
            joined += " " + line[j].text.strip()
            jv = read_number(joined.replace(" ", ""))
            if jv is not None and j > i:
                out.append(NumberToken(jv, Span(li, i, j), joined, _decimals(joined)))
    return out


_PLAIN_NUMBER = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_ASCII_DIGIT = re.compile(r"[0-9]")


def has_digit(text: str) -> bool:
    """`any(map(str.isdigit, text))`, quicker: a word of letters has none, and in ASCII text the digits
    `str.isdigit` knows are 0-9."""
    if text.isalpha():
        return False
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return any(map(str.isdigit, text))


def read_number(text: str) -> float | None:
    """`values.parse_number(text)`, quicker for the plainest spellings ('12', '304.72'), which that
    function reads as the float they spell (no sign, no grouping, at most two decimals)."""
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text)
    return values.parse_number(text)


_LEADING_GROUP = re.compile(r"\d{1,3}")
_DECIMALS = re.compile(r"\d[.,]\d{1,2}(?!\d)")


def _decimals(text: str) -> bool:
    return bool(_DECIMALS.search(text))


def _find_dates(lines: list[tuple[int, list[Word], str]]) -> list[tuple[str, Span, str]]:
    """Dates on (line number, words, joined text) lines: each a shortest window of up to 5 words that
    reads as a date, from each word that can start one."""
    found: list[tuple[str, Span, str]] = []
    seen: dict[str, set[str]] = {}

    def readings(text: str) -> set[str]:  # both orders; a window's text recurs in the next window's
        if text not in seen:
            first = values.parse_date(text, True)
            second = values.parse_date(text, False) if values.reads_by_order(text) else first
            seen[text] = {d for d in (first, second) if d}
        return seen[text]

    for li, line, whole in lines:
        if not readings(whole):
            continue  # the patterns search the whole line: no date anywhere on it
        texts = [x.text for x in line]
        digit = [has_digit(t) for t in texts]
        for i, t in enumerate(texts):
            if not digit[i] and (not t[:1].isalpha() or len(t) < 3):
                continue
            last = min(i + 5, len(line))
            if not any(digit[i:last]):
                continue
            if not readings(" ".join(texts[i:last])):
                continue
            held = False  # a digit among words i..end
            for end in range(i, last):
                held = held or digit[end]
                if not held:
                    continue  # every date pattern has a digit: no reading without one
                text = " ".join(texts[i : end + 1])
                got = readings(text)
                if got:
                    span = Span(li, i, end)
                    for iso in got:  # each reading is a date (readings keeps no empty one)
                        found.append((iso, span, text))
                    break
    return found
