"""Numbers in passage lines, and the boxes of passage spans: shared by the question answerers."""

from __future__ import annotations

import re

from docai.document import BBox
from docai.engines.text.passages import Passage, union_bbox
from docai.engines.text.qa_spans import column_span, span_fits

VALUE_RE = re.compile(
    r"(?P<cur>(?:US\$|HK\$|RMB|USD|EUR|GBP|CNY|[$€£¥￥])\s?)?"
    r"(?P<num>\(?-?\d+(?:[,，]\d{3})*(?:\.\d+)?\)?)"
    r"(?P<suf>\s?(?:%|percent\b|million\b|billion\b|thousand\b|bn\b|亿元|万元|元|亿|万))?"
)
_MONTH_BEFORE_RE = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*$")


def _token_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def span_bbox(passage: Passage, start: int, end: int) -> BBox:
    """The box of the words covering characters [start, end) of the passage text."""
    boxes = [
        passage.word_boxes[i]
        for i, (s, e) in enumerate(_token_spans(passage.text))
        if s < end and e > start and i < len(passage.word_boxes)
    ]
    return union_bbox(boxes) if boxes else passage.bbox


_LENGTH_AFTER_RE = re.compile(r"\s+(?:days?|weeks?|months?|years?)\b", re.IGNORECASE)


def values_in_line(line: str, kind: str, lengths: bool = True) -> list[re.Match[str]]:
    """The values of a line; `lengths=False` drops a bare number that counts days, weeks, months or
    years ("a 364 day credit agreement"), for a question that asks no length of time."""
    out = []
    for m in VALUE_RE.finditer(line):
        num, cur, suf = m.group("num"), m.group("cur"), (m.group("suf") or "").strip()
        digits = num.strip("()-")
        if not any(c.isdigit() for c in digits):
            continue
        if not cur and m.start("num") > 0 and line[m.start("num") - 1].isalpha():
            continue  # part of a name like Q3, H1, FY24 or A4, not a value
        if not suf and re.match(r"-[^\W\d_]", line[m.end("num") : m.end("num") + 2]):
            continue  # a compound like "364-day", "five-year" or "10-K": a length or a name, not an amount
        if not lengths and not cur and not suf and _LENGTH_AFTER_RE.match(line, m.end("num")):
            continue
        is_year = re.fullmatch(r"(19|20)\d{2}", digits) is not None and not cur and not suf
        if is_year or _MONTH_BEFORE_RE.search(line[: m.start()]):
            continue
        if re.search(r"\bnote\s*$", line[: m.start()], re.IGNORECASE):
            continue
        if kind == "percent" and suf not in ("%", "percent"):
            continue
        out.append(m)
    return out


def _nearest_match(passage: Passage, line_start: int, matches: list[re.Match[str]], target: float):
    best, best_dist = None, 1e9
    for m in matches:
        box = span_bbox(passage, line_start + m.start("num"), line_start + m.end("num"))
        dist = abs((box[0] + box[2]) / 2 - target)
        if dist < best_dist:
            best, best_dist = m, dist
    return best if best_dist < 60 else None


REFUSED = -1.0
"""_target_x's answer when every column of the asked year covers another span (a quarter for a year)."""


def _target_x(
    passage: Passage, years: list[int], periods: list[str], span: str | None = None
) -> float | None:
    """The x-centre of the column the question names: its quarter (nearest its year's column when the
    header has both), else its year (the latest when it names several). With `span` ("12m" for a
    fiscal year, "3m" for a quarter) a column printed under another span is never the year's:
    REFUSED when only such columns hold the asked year."""
    columns = [(y, x) for y, x in passage.columns if y in years]
    if span is not None and columns:
        columns = [(y, x) for y, x in columns if span_fits(span, column_span(passage, x))]
        if not columns:
            return REFUSED
    year_x = [x for _, x in columns]
    if periods and passage.periods:
        period_x = [x for q, x in passage.periods if q in periods]
        if period_x:
            if len(period_x) > 1 and year_x:
                return min(period_x, key=lambda x: abs(x - year_x[0]))
            return period_x[0]
    if year_x:
        return year_x[0] if len(year_x) == 1 else max(columns, key=lambda c: c[0])[1]
    return None


def other_span(passage: Passage, years: list[int], periods: list[str], span: str | None) -> bool:
    """Whether the passage prints the asked years only under another span (a quarter for a year)."""
    return span is not None and _target_x(passage, years, periods, span) == REFUSED


def pick_column(
    passage: Passage,
    line_start: int,
    matches: list[re.Match[str]],
    years: list[int],
    periods: list[str] | None = None,
    span: str | None = None,
):
    """The value under the header year (or quarter) the question names; else the first value (usually
    the latest year); None when the row prints the asked year only under another span (`span`)."""
    target = _target_x(passage, years, list(periods or []), span)
    if target == REFUSED:
        return None
    if target is not None:
        best = _nearest_match(passage, line_start, matches, target)
        if best is not None:
            return best
    return matches[0]


def question_periods(question: str) -> list[str]:
    """Quarters and halves a question names ('Q4', 'fourth quarter', 'H1') as 'q4', 'h1'."""
    from docai.engines.text.retrieval import tokenize

    return list(dict.fromkeys(t for t in tokenize(question) if re.fullmatch(r"[qh][1-4]", t)))
