"""Find a filled value in the words of a page: numbers by value, dates by date, strings by fuzzy text.

A match says where (page, word spans, box), what was printed there, and how well it matched (1.0 exact;
a string read with OCR slips matches less). No match means the value is not on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from docai.document import BBox
from docai.verify.fields import Leaf
from docai.verify.pageindex import PageIndex, Span, box_of, normalize, union

MIN_STRING_QUALITY = 0.8
_NUMBER_TOL = 0.005


@dataclass
class Match:
    page_no: int
    spans: list[Span]
    bbox: BBox
    text: str
    quality: float
    ocr_conf: float
    source: str
    ocr_min: float = 1.0


def ground(leaf: Leaf, index: PageIndex, near: BBox | None = None) -> list[Match]:
    """Every place on the page that prints `leaf.value`, best first (nearest `near` first among equals)."""
    if leaf.kind == "boolean":
        return []
    if leaf.kind == "number" and isinstance(leaf.value, int | float):
        found = _numbers(float(leaf.value), index)
    elif leaf.kind == "date":
        found = _dates(str(leaf.value)[:10], index)
    else:
        found = _strings(str(leaf.value), index, currency="currency" in leaf.words)
    if len(found) < 2:
        return found
    return sorted(found, key=lambda m: (-m.quality, _distance(m.bbox, near)))


def _distance(box: BBox, near: BBox | None) -> float:
    if near is None:
        return 0.0
    return abs(box[0] - near[0]) + abs(box[1] - near[1])


def _match(index: PageIndex, spans: list[Span], quality: float) -> Match:
    if len(spans) == 1:  # the usual case: one span's words, read once
        words = index.words_of(spans[0])
        if len(words) == 1:  # one word: its box, text and confidence as they are
            w = words[0]
            c = w.conf
            if c is None:
                return Match(index.page_no, spans, w.bbox, w.text, quality, 1.0, index.source, 1.0)
            # sum([c]) / 1 is c + 0.0 (an int made a float, -0.0 made 0.0); min([c]) is c
            return Match(index.page_no, spans, w.bbox, w.text, quality, c + 0.0, index.source, c)
        confs = [w.conf for w in words if w.conf is not None]
        return Match(
            index.page_no,
            spans,
            box_of(words),
            " ".join([w.text for w in words]),
            quality,
            sum(confs) / len(confs) if confs else 1.0,
            index.source,
            min(confs) if confs else 1.0,
        )
    return Match(
        index.page_no,
        spans,
        union([index.bbox_of(s) for s in spans]),
        " ".join(index.text_of(s) for s in spans),
        quality,
        min(index.ocr_conf(s) for s in spans),
        index.source,
        min((w.conf for s in spans for w in index.words_of(s) if w.conf is not None), default=1.0),
    )


def _numbers(value: float, index: PageIndex) -> list[Match]:
    tol = max(_NUMBER_TOL, abs(value) * 1e-6)
    hits = index.numbers_of(value, tol)
    return [_match(index, [t.span], 1.0) for t in hits[:12]]


def _dates(iso: str, index: PageIndex) -> list[Match]:
    hits = [(span, text) for d, span, text in index.dates(iso[:4]) if d == iso]
    best: dict[tuple[int, int], Span] = {}
    for span, _ in hits:  # the shortest span ending at each word (labels before a date dropped)
        key = (span.line, span.end)
        if key not in best or span.start > best[key].start:
            best[key] = span
    return [_match(index, [s], 1.0) for s in best.values()]


def _strings(value: str, index: PageIndex, *, currency: bool) -> list[Match]:
    needle = normalize(value)
    if not needle:
        return []
    out = [_char_match(index, start, start + len(needle), 1.0) for start in _find_all(index.text, needle)]
    if out:
        return out
    if currency:
        return _currency(value, index)
    if len(needle) < 5:
        return []
    fuzzy = _fuzzy(needle, index)
    return [fuzzy] if fuzzy is not None else []


def _find_all(text: str, needle: str) -> list[int]:
    starts, i = [], text.find(needle)
    while i >= 0 and len(starts) < 20:
        starts.append(i)
        i = text.find(needle, i + 1)
    return starts


def _char_match(index: PageIndex, start: int, end: int, quality: float) -> Match:
    return _match(index, index.span_of_chars(start, end), quality)


def _currency(code: str, index: PageIndex) -> list[Match]:
    """A currency code printed as its symbol ('$' for USD, 'RM' for MYR)."""
    return [_match(index, [s], 0.9) for s in index.currencies.get(code.upper(), [])[:5]]


def _fuzzy(needle: str, index: PageIndex) -> Match | None:
    """The best approximate occurrence (edit distance, any substring of the page) near a shared 3-gram."""
    text = index.text
    m = len(needle)
    votes: dict[int, int] = {}
    for k in range(0, m - 2, max(1, m // 8)):
        for pos in _find_all(text, needle[k : k + 3])[:8]:
            a = max(0, pos - k) // 4 * 4
            votes[a] = votes.get(a, 0) + 1
    best: tuple[float, int, int] | None = None
    for a in sorted(votes, key=lambda x: -votes[x])[:8]:
        lo, hi = max(0, a - m // 3), min(len(text), a + m + m // 3)
        dist, s, e = _semiglobal(needle, text[lo:hi])
        quality = 1.0 - dist / m
        if best is None or quality > best[0]:
            best = (quality, lo + s, lo + e)
    if best is None or best[0] < MIN_STRING_QUALITY or best[2] <= best[1]:
        return None
    return _char_match(index, best[1], best[2], round(best[0], 3))


def _semiglobal(needle: str, hay: str) -> tuple[int, int, int]:
    """Least edits turning `needle` into some substring of `hay`: (distance, start, end)."""
    m = len(needle)
    prev = [(j, -1) for j in range(m + 1)]  # (cost, start in hay) per needle prefix length
    best = (m, 0, 0)
    for i, ch in enumerate(hay):
        cols = [(0, i)]
        for j in range(1, m + 1):
            sub = prev[j - 1][0] + (needle[j - 1] != ch)
            dele = prev[j][0] + 1
            ins = cols[j - 1][0] + 1
            if sub <= dele and sub <= ins:
                start = prev[j - 1][1] if j > 1 else i
                cols.append((sub, start))
            elif dele <= ins:
                cols.append((dele, prev[j][1] if prev[j][1] >= 0 else i))
            else:
                cols.append((ins, cols[j - 1][1]))
        if cols[m][0] < best[0]:
            best = (cols[m][0], cols[m][1], i + 1)
        prev = cols
    return best
