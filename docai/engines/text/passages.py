"""Split page words into passages for retrieval: paragraphs (windowed when long) and table row groups.

A passage keeps the boxes of its words in order, so that a sub-span of its text can be located: the passage
text is its words joined by spaces (rows by newlines), so the i-th whitespace-separated token is word i.
Pages are read one at a time (`Document.pages()` builds each on request), so a 500-page filing never sits
in memory as pages, only as passages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from docai.document import BBox, Document, Page, Word

_log = logging.getLogger(__name__)

WINDOW_WORDS = 60  # prose passages hold about this many words (3-4 sentences)
MAX_PARAGRAPH_WORDS = 90  # a paragraph up to this size stays whole
TABLE_ROWS_PER_PASSAGE = 6  # table row groups do not overlap: row lookup happens inside a group
SHORT_BLOCK_WORDS = 5  # a block this small (a caption, a label) joins the block below it
CAPTION_ROWS, CAPTION_WORDS = 3, 30  # how much of the prose above a table is its caption

_YEAR_RE = re.compile(r"^(?:FY|fy)?'?((?:19|20)\d{2})[,.;:)]*$")
_AMOUNT_RE = re.compile(r"^[($€£¥-]*\d{1,3}(?:,\d{3})+(?:\.\d+)?\)?$")  # 5,097 (a value, never a year)
_NUMERIC_RE = re.compile(r"^[($€£¥-]*\d[\d,.]*%?\)?$|^[$€£¥%)(—–-]$")
_UNIT_RE = re.compile(
    r"\bin (millions|thousands|billions)\b|\(\s*(?:(?:dollars|amounts|usd|eur|euros?|\$|€)\s+)?"
    r"(?:in\s+)?(millions|thousands|billions)\b",
    re.IGNORECASE,
)
_UNIT_CURRENCIES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bUS\$|\$|\bUSD\b|\bdollars?\b", re.IGNORECASE), "$"),
    (re.compile(r"€|\bEUR\b|\beuros?\b", re.IGNORECASE), "EUR"),
    (re.compile(r"£|\bGBP\b|\bpounds?\b", re.IGNORECASE), "£"),
    (re.compile(r"\bRMB\b|\bCNY\b|\byuan\b", re.IGNORECASE), "RMB"),
]
# a column header naming a quarter or half: Q4, 4Q, H1, 1H (with an optional year beside it: Q4 2023)
_PERIOD_RE = re.compile(
    r"^(?:([QH])([1-4])|([1-4])([QH]))(?:[-' ]?(?:FY)?'?\d{2,4})?[,.;:)]*$", re.IGNORECASE
)


@dataclass
class Row:
    """One visual line: words sorted left to right (not changed once made: its box and text are kept)."""

    words: list[Word]

    @cached_property
    def bbox(self) -> BBox:
        return union_bbox(w.bbox for w in self.words)

    @cached_property
    def text(self) -> str:
        return " ".join(clean_word(w.text) for w in self.words)

    @cached_property
    def is_tabular(self) -> bool:
        """A row with a label and at least one numeric cell, or only numbers (a header of years)."""
        numeric = sum(1 for w in self.words if _NUMERIC_RE.match(w.text))
        return numeric >= 1 and (numeric >= len(self.words) / 3 or len(self.words) <= 8)


@dataclass
class Passage:
    """A retrieval unit. `columns` maps header years to x-centres for table rows (year, x)."""

    doc_id: str
    doc_name: str
    page_no: int
    text: str
    bbox: BBox
    word_boxes: list[BBox]
    kind: str = "text"  # "text" or "table"
    context: str = ""  # page heading, indexed with the passage but not part of its text
    columns: list[tuple[int, float]] = field(default_factory=list)
    unit: str | None = None  # "millions" / "thousands" / "billions" when the page says so
    periods: list[tuple[str, float]] = field(default_factory=list)  # ("q4", x) for quarter headers
    currency: str | None = None  # what the unit line names: "(in millions of USD)" -> "$"
    caption: str = (
        ""  # a table's lead-in: the prose line(s) just above it ("payments are expected as follows:")
    )


def clean_word(text: str) -> str:
    """A word without inner whitespace, so that splitting a passage's text gives back its words."""
    return "".join(text.split())


def union_bbox(boxes: Iterable[BBox]) -> BBox:
    listed = list(boxes)
    if not listed:
        return (0.0, 0.0, 0.0, 0.0)
    x0s, y0s, x1s, y1s = zip(*listed, strict=True)
    return (min(x0s), min(y0s), max(x1s), max(y1s))


def _segments(words: list[Word]) -> list[list[Word]]:
    """Words grouped by their (block, line) as the parser gave them, keeping first-seen order."""
    groups: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        if clean_word(w.text):
            groups.setdefault((w.block, w.line), []).append(w)
    return list(groups.values())


def _v_overlap(a: BBox, b: BBox) -> float:
    inter = min(a[3], b[3]) - max(a[1], b[1])
    smaller = max(1e-6, min(a[3] - a[1], b[3] - b[1]))
    return inter / smaller


def page_rows(page: Page) -> list[Row]:
    """Visual lines of a page, top to bottom.

    Parser lines are merged sideways when they sit on the same baseline and one side is short (a table
    cell), so "Total revenue | $ | 1,234 | $ | 1,100" becomes one row; two long prose lines side by side
    (a two-column layout) stay apart.
    """
    segs = [sorted(s, key=lambda w: w.bbox[0]) for s in _segments(page.words)]
    segs.sort(key=lambda s: (union_bbox(w.bbox for w in s)[1], s[0].bbox[0]))
    rows: list[list[Word]] = []
    row_boxes: list[BBox] = []
    for seg in segs:
        box = union_bbox(w.bbox for w in seg)
        placed = False
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            if _v_overlap(box, row_boxes[i]) >= 0.6 and (len(seg) <= 6 or len(rows[i]) <= 6):
                rows[i].extend(seg)
                row_boxes[i] = union_bbox([row_boxes[i], box])
                placed = True
                break
        if not placed:
            rows.append(list(seg))
            row_boxes.append(box)
    out = [Row(sorted(r, key=lambda w: w.bbox[0])) for r in rows]
    out.sort(key=lambda r: r.bbox[1])
    return out


def _year_columns(row: Row) -> list[tuple[int, float]]:
    cols = []
    for w in row.words:
        m = _YEAR_RE.match(w.text)
        if m:
            cols.append((int(m.group(1)), (w.bbox[0] + w.bbox[2]) / 2))
    return cols


def period_of(text: str) -> str | None:
    """'q4' for 'Q4', '4Q' or 'Q4-2023'; 'h1' for 'H1'; None for anything else."""
    m = _PERIOD_RE.match(text.strip())
    if m is None:
        return None
    letter = (m.group(1) or m.group(4)).lower()
    digit = m.group(2) or m.group(3)
    if letter == "h" and digit not in ("1", "2"):
        return None
    return f"{letter}{digit}"


def _period_columns(row: Row) -> list[tuple[str, float]]:
    cols = []
    for w in row.words:
        if len(w.text) > 12 or w.text[:1] not in "QqHh1234":
            continue  # most words are not period names: skip the regex
        period = period_of(w.text)
        if period:
            cols.append((period, (w.bbox[0] + w.bbox[2]) / 2))
    return cols


def _period_header(row: Row) -> list[tuple[str, float]]:
    """The row's period columns when it is a header of quarters or halves, else []."""
    cols = _period_columns(row)
    if len({p for p, _ in cols}) >= 2 and len(row.words) <= len(cols) * 3 + 8:
        return cols
    return []


def _is_year_header(row: Row) -> bool:
    """A row of column years ("2023 2022 % Change"); not a data row that names a span of years and
    then its amounts ("2027 to 2031 5,097 4,139" of a payment schedule)."""
    cols = _year_columns(row)
    if len(cols) < 2 or len({y for y, _ in cols}) < 2 or len(row.words) > len(cols) * 4 + 8:
        return False
    return not any(_AMOUNT_RE.match(w.text) for w in row.words)


def _make(doc: Document, page: Page, rows: list[Row], kind: str, context: str, **kw: object) -> Passage:
    words = [w for r in rows for w in r.words]
    return Passage(
        doc_id=doc.sha256,
        doc_name=doc.name,
        page_no=page.page_no,
        text="\n".join(r.text for r in rows),
        bbox=union_bbox(w.bbox for w in words),
        word_boxes=[w.bbox for w in words],
        kind=kind,
        context=context,
        **kw,  # type: ignore[arg-type]
    )


def _blocks(rows: list[Row]) -> list[list[Row]]:
    """Consecutive rows of the same kind (prose or table) without a large vertical gap."""
    blocks: list[list[Row]] = []
    prev: Row | None = None
    for r in rows:
        if prev is not None and blocks:
            height = max(4.0, prev.bbox[3] - prev.bbox[1])
            gap = r.bbox[1] - prev.bbox[3]
            same_kind = r.is_tabular == prev.is_tabular
            if gap <= 1.2 * height and same_kind:
                blocks[-1].append(r)
                prev = r
                continue
        blocks.append([r])
        prev = r
    return blocks


def _prose_windows(rows: list[Row]) -> Iterator[list[Row]]:
    total = sum(len(r.words) for r in rows)
    if total <= MAX_PARAGRAPH_WORDS:
        yield rows
        return
    start = 0
    while start < len(rows):
        count, end = 0, start
        while end < len(rows) and count < WINDOW_WORDS:
            count += len(rows[end].words)
            end += 1
        yield rows[start:end]
        if end >= len(rows):
            return
        # slide: the next window repeats about the last third of this one
        back, kept = end, 0
        while back > start + 1 and kept < WINDOW_WORDS // 3:
            back -= 1
            kept += len(rows[back].words)
        start = max(back, start + 1)


def _heading(rows: list[Row]) -> str:
    """The first lines of the page (title, statement name), skipping a 'Table of Contents' link line."""
    words: list[str] = []
    for r in rows[:4]:
        if r.text.lower().strip() in ("table of contents", "index"):
            continue
        words.extend(r.text.split())
        if len(words) >= 12:
            break
    return " ".join(words[:25])


def _caption(block: list[Row]) -> str:
    """The last words of a prose block, kept as the lead-in of the table rows below it (a schedule's
    rows often name only years: what they count is said in the sentence above)."""
    words = " ".join(r.text for r in block[-CAPTION_ROWS:]).split()
    return " ".join(words[-CAPTION_WORDS:])


def _unit_currency(page_text: str, unit: re.Match[str]) -> str | None:
    """The currency named on the unit's own line ("(Dollars in millions)", "in millions of euros")."""
    start = page_text.rfind("\n", 0, unit.start()) + 1
    end = page_text.find("\n", unit.end())
    line = page_text[start : end if end >= 0 else len(page_text)]
    return next((cur for pattern, cur in _UNIT_CURRENCIES if pattern.search(line)), None)


def page_passages(doc: Document, page: Page) -> list[Passage]:
    """Passages of one page, with the page heading as context and table header years per row group."""
    rows = page_rows(page)
    if not rows:
        return []
    heading = _heading(rows)
    page_text = "\n".join(r.text for r in rows)
    m = _UNIT_RE.search(page_text)
    unit = (m.group(1) or m.group(2)).lower() if m else None
    currency = _unit_currency(page_text, m) if m else None
    active: dict[int, list[tuple[int, float]]] = {}
    active_periods: dict[int, list[tuple[str, float]]] = {}
    current: list[tuple[int, float]] = []
    periods: list[tuple[str, float]] = []
    for r in rows:
        if _is_year_header(r):
            current = _year_columns(r)
        periods = _period_header(r) or periods
        active[id(r)] = current
        active_periods[id(r)] = periods
    out: list[Passage] = []
    pending: list[Row] = []
    caption = ""
    for block in _blocks(rows):
        if sum(len(r.words) for r in block) < SHORT_BLOCK_WORDS and not _is_year_header(block[-1]):
            pending.extend(block)
            continue
        block = pending + block
        pending = []
        if block[-1].is_tabular:
            for start in range(0, len(block), TABLE_ROWS_PER_PASSAGE):
                group = block[start : start + TABLE_ROWS_PER_PASSAGE]
                cols, pers = active[id(group[-1])], active_periods[id(group[-1])]
                kw = {"columns": list(cols), "unit": unit, "periods": list(pers), "currency": currency}
                out.append(_make(doc, page, group, "table", heading, caption=caption, **kw))
        else:
            for rows_w in _prose_windows(block):
                out.append(_make(doc, page, rows_w, "text", heading, unit=unit))
            caption = _caption(block)
    if pending and any(c.isalpha() for r in pending for c in r.text):
        out.append(_make(doc, page, pending, "text", heading, unit=unit))
    return out


def document_passages(doc: Document) -> Iterator[Passage]:
    """Passages of every selected page of `doc`, one page loaded at a time."""
    for page in doc.pages():
        yield from page_passages(doc, page)
