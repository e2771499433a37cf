"""How long a table column's period is: a quarter, a half, nine months or a full year.

An earnings release prints "Three Months Ended June 30, 2023" and "Twelve Months Ended June 30, 2023"
side by side, or on two pages with the same rows; a 10-Q prints "Three Months Ended" beside "Six Months
Ended". The passages know only each column's year, so a question for the fiscal year could read the
quarter's value. Here each year column of a table passage is given the span printed over it (on its
header line or a short header line just above), as a tag in the passage's `periods` ("3m", "6m", "9m",
"12m", at the column's x); a question's own span (`question_span`) then decides which columns may answer
it. Only the question answerers see the tags: the stored index is left as it was built.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from docai.document import BBox
from docai.engines.text.passages import Passage
from docai.engines.text.retrieval import DocIndex

SPANS = ("3m", "6m", "9m", "12m")
_SPAN_RE = re.compile(
    r"\b(?P<months>three|3|six|6|nine|9|twelve|12)[\s-]+months?\b"
    r"|\b(?P<weeks>12|13|16|24|26|36|39|40|52|53)[\s-]+weeks?\b"
    r"|\b(?P<quarter>(?:fourth|third|second|first)?\s*quarters?)\b(?!\s*-?\s*(?:over|to)\b)"
    r"|\b(?P<year>(?:fiscal|full|calendar)\s+years?|years?\s+ended|years?\s+ending|fiscal|FY)\b",
    re.IGNORECASE,
)
_MONTH_SPANS = {"three": "3m", "3": "3m", "six": "6m", "6": "6m", "nine": "9m", "9": "9m"}
_MONTH_SPANS.update({"twelve": "12m", "12": "12m"})
_WEEK_SPANS = {"12": "3m", "13": "3m", "16": "3m", "24": "6m", "26": "6m", "36": "9m", "39": "9m"}
_WEEK_SPANS.update({"40": "9m", "52": "12m", "53": "12m"})
_YEAR_TOKEN_RE = re.compile(r"^(?:FY|fy)?'?((?:19|20)\d{2})[,.;:)]*$")
HEADER_LOOKBACK = 3
"""How many lines above a column header a span line ("Three Months Ended | Year Ended") may sit."""
MAX_SPAN_LINE_WORDS = 16
"""A span line is a header, not a sentence of prose that mentions a quarter."""
MAX_HEADER_GAP = 2.5
"""How far above the column header (in its own line heights) a span line may end."""
COLUMN_TOLERANCE = 30.0
CELL_GAP = 0.8
"""A gap wider than this share of the line height parts two header cells (a space is about 0.3)."""


_QUESTION_RE = {
    "ytd": re.compile(r"\b(?:year[\s-]+to[\s-]+date|ytd)\b", re.IGNORECASE),
    "3m": re.compile(
        r"\b(?:q[1-4]|[1-4]q|quarter|"
        r"three[\s-]+months?|3[\s-]+months?|1[23][\s-]+weeks?)\b",
        re.IGNORECASE,
    ),
    "6m": re.compile(r"\b(?:h[12]|[12]h|(?:first|second)\s+half|six[\s-]+months?|6[\s-]+months?)\b", re.I),
    "9m": re.compile(r"\b(?:nine[\s-]+months?|9[\s-]+months?)\b", re.IGNORECASE),
}
_QUESTION_YEAR_RE = re.compile(
    r"\b(?:FY\s?'?\d{2,4}|(?:19|20)\d{2}|fiscal|annual|full[\s-]+year|twelve months)\b", re.I
)


def question_span(question: str) -> str | None:
    """The span a question asks about: "ytd" for year to date (before its quarter: "Q3 YTD"), "3m" for
    a quarter ("Q4", "fourth quarter", "three months ended"), "6m" for a half, "9m" for nine months,
    "12m" for a year it names (FY2023, "fiscal 2023", "2023": a year with no shorter period means the
    whole year), None when it names no period."""
    for span, rx in _QUESTION_RE.items():
        if rx.search(question):
            return span
    return "12m" if _QUESTION_YEAR_RE.search(question) else None


def _span_of(m: re.Match[str]) -> str:
    if m.group("months"):
        return _MONTH_SPANS[m.group("months").lower()]
    if m.group("weeks"):
        return _WEEK_SPANS[m.group("weeks")]
    return "3m" if m.group("quarter") else "12m"


Token = tuple[str, BBox]
Line = tuple[float, float, list[Token]]  # (top, bottom, tokens left to right)


def _passage_lines(p: Passage) -> Iterator[Line]:
    i = 0
    for text in p.text.split("\n"):
        words = text.split()
        boxes = p.word_boxes[i : i + len(words)]
        i += len(words)
        if words and len(boxes) == len(words):
            yield min(b[1] for b in boxes), max(b[3] for b in boxes), list(zip(words, boxes, strict=True))


def page_lines(passages: list[Passage]) -> list[Line]:
    """The distinct lines of a page's passages, top to bottom (windows of prose repeat lines)."""
    seen, out = set(), []
    for p in passages:
        for line in _passage_lines(p):
            key = (round(line[0]), " ".join(t for t, _ in line[2]))
            if key not in seen:
                seen.add(key)
                out.append(line)
    out.sort(key=lambda ln: (ln[0], ln[2][0][1][0]))
    return out


def line_spans(tokens: list[Token]) -> list[tuple[str, float, float]]:
    """(span, x0, x1) of each period phrase on a line ("Three Months Ended", "Year Ended", "FY2023")."""
    text, starts = "", []
    for word, _ in tokens:
        starts.append(len(text) + (1 if text else 0))
        text = f"{text} {word}" if text else word
    out = []
    for m in _SPAN_RE.finditer(text):
        boxes = [
            b for (w, b), s in zip(tokens, starts, strict=True) if s < m.end() and s + len(w) > m.start()
        ]
        out.append((_span_of(m), min(b[0] for b in boxes), max(b[2] for b in boxes)))
    for (word, box), _ in zip(tokens, starts, strict=True):
        if word[:2].upper() == "FY" and _YEAR_TOKEN_RE.match(word):
            out.append(("12m", box[0], box[2]))
    return sorted(out, key=lambda s: s[1])


def _header_index(lines: list[Line], p: Passage) -> int | None:
    """The line that printed the passage's year columns: the nearest one above its last row (the header
    may be the passage's own first line) whose year words sit at the columns' x."""
    wanted = [x for _, x in p.columns]
    for i in range(len(lines) - 1, -1, -1):
        top, _, tokens = lines[i]
        if top > p.bbox[3]:
            continue
        xs = [(b[0] + b[2]) / 2 for w, b in tokens if _YEAR_TOKEN_RE.match(w)]
        if len(xs) >= len(wanted) and all(any(abs(x - w) < 1.0 for x in xs) for w in wanted):
            return i
    return None


def _same_line(spans: list[tuple[str, float, float]], x: float) -> str | None:
    """On the header line itself, a year ends the phrase that begins its cell: the last span left of it."""
    left = [s for s in spans if s[1] <= x]
    return left[-1][0] if left else None


def _above(spans: list[tuple[str, float, float]], x: float) -> str:
    """On a line above, a span heads the columns under it: the one covering x, else the nearest."""
    covering = [s for s in spans if s[1] - COLUMN_TOLERANCE <= x <= s[2] + COLUMN_TOLERANCE]
    pool = covering or spans
    return min(pool, key=lambda s: abs((s[1] + s[2]) / 2 - x))[0]


def column_spans(lines: list[Line], p: Passage) -> list[tuple[str, float]]:
    """(span, x) for each year column of table passage `p` in column order, [] when no span is printed
    over them all."""
    i = _header_index(lines, p)
    if i is None:
        return []
    spans = line_spans(lines[i][2])
    if spans:
        found = [(_same_line(spans, x), x) for _, x in p.columns]
        return [(s, x) for s, x in found if s is not None] if all(s for s, _ in found) else []
    top, bottom = lines[i][0], lines[i][1]
    for j in range(i - 1, max(-1, i - 1 - HEADER_LOOKBACK), -1):
        if top - lines[j][1] > MAX_HEADER_GAP * max(4.0, bottom - top):
            break
        tokens = lines[j][2]
        above = line_spans(tokens) if len(tokens) <= MAX_SPAN_LINE_WORDS else []
        if above:
            return [(_above(above, x), x) for _, x in p.columns]
    return []


def _cells(tokens: list[Token]) -> list[list[Token]]:
    """A header line's cells: its words split where the gap is wider than a space (under a line height)."""
    height = max(4.0, max(b[3] - b[1] for _, b in tokens))
    cells = [[tokens[0]]]
    for tok in tokens[1:]:
        if tok[1][0] - cells[-1][-1][1][2] > CELL_GAP * height:
            cells.append([])
        cells[-1].append(tok)
    return cells


def cell_centres(lines: list[Line], p: Passage) -> dict[float, float]:
    """The centre of the header cell of each year column, keyed by the column's x (a year word's centre).

    A cell that prints more than its year ("2023 $ million", "Twelve Months Ended June 30, 2023") has
    its figures under the whole cell, not under the year word."""
    i = _header_index(lines, p)
    if i is None:
        return {}
    out = {}
    for cell in _cells(lines[i][2]):
        years = [b for w, b in cell if _YEAR_TOKEN_RE.match(w)]
        if len(years) != 1 or len(cell) == 1:
            continue
        x = (years[0][0] + years[0][2]) / 2
        if any(abs(x - cx) < 1.0 for _, cx in p.columns):
            out[x] = (cell[0][1][0] + cell[-1][1][2]) / 2
    return out


def _recentred(p: Passage, centres: dict[float, float]) -> list[tuple[int, float]]:
    def moved(x: float) -> float:
        return next((c for hx, c in centres.items() if abs(hx - x) < 1.0), x)

    return [(y, moved(x)) for y, x in p.columns]


def span_fits(asked: str, column: str | None) -> bool:
    """Whether a column of span `column` (None: not printed) may answer a question about `asked`
    ("ytd": a half or nine months, whichever the report is at)."""
    return column is None or column == asked or (asked == "ytd" and column in ("6m", "9m"))


def column_span(p: Passage, x: float) -> str | None:
    """The span tag of the column at x, None when the passage has none."""
    tags = [(abs(tx - x), s) for s, tx in p.periods if s in SPANS]
    near = min(tags, default=None)
    return near[1] if near is not None and near[0] < 1.0 else None


def tag_spans(passages: list[Passage]) -> list[Passage]:
    """`passages` with each table passage's column spans added to its periods (same objects otherwise)."""
    pages: dict[tuple[str, int], list[Passage]] = {}
    for p in passages:
        pages.setdefault((p.doc_id, p.page_no), []).append(p)
    lines_of: dict[tuple[str, int], list[Line]] = {}
    out = []
    for p in passages:
        if p.kind != "table" or not p.columns:
            out.append(p)
            continue
        key = (p.doc_id, p.page_no)
        if key not in lines_of:
            lines_of[key] = page_lines(pages[key])
        spans = column_spans(lines_of[key], p)
        centres = cell_centres(lines_of[key], p)
        if not spans and not centres:
            out.append(p)
            continue
        columns = _recentred(p, centres)
        tags = [(s, x) for (s, _), (_, x) in zip(spans, columns, strict=True)] if spans else []
        out.append(dataclasses.replace(p, columns=columns, periods=list(p.periods) + tags))
    return out


def with_spans(ix: DocIndex) -> DocIndex:
    """A view of `ix` whose table columns carry their spans (arrays shared, as qa_rows' view)."""
    return dataclasses.replace(ix, passages=tag_spans(ix.passages))
