"""Table regions: runs of lines that form a table, without the caption above and notes below, plus
the group-header lines just above them."""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass

from docai.engines.text.layout import Line
from docai.engines.text.table_columns import columns_of, is_data_line, is_numeric, is_value

_log = logging.getLogger(__name__)


MAX_ROW_GAP = 2.2  # rows further apart than this many line heights end the table


_CAPTION = re.compile(
    r"(table|tab\.|figure|fig\.|exhibit|chart)\s*[\dIVXivx]+[a-z]?(\.\d+)*\s*[.:\-–—]?", re.I
)


_NOTE = re.compile(r"(sources?|notes?|n\.b\.)\s*[:.]|\(?[*†‡§¹²³]|\([:a-z0-9]\)\s|[a-z0-9]\)\s", re.I)


def trim_region(region: list[Line]) -> list[Line]:
    """The region without a caption above it and notes below it.

    A caption line starts 'Table 3:' (or Figure, Exhibit); the single-segment lines right under it
    continue its paragraph. Below the table, a line opening with 'Source:', 'Note:' or a footnote mark
    ('(a) ', '* ') ends it, and so does a statement with '=' below the last row of values.
    """
    start = 0
    if _CAPTION.match(region[0].text):
        start = 1
        while start < len(region) and len(region[start].segments) < 2:
            start += 1
    out = region[start:]
    data = [i for i, ln in enumerate(out) if is_data_line(ln)]
    for i, ln in enumerate(out):
        if i >= 2 and _NOTE.match(ln.text) and not is_data_line(ln):
            return out[:i]
        # a test statistic under the table ('χ2 = 6.67, p = 0.08'), with the part of it set a little
        # higher or lower (symbols and numbers apart)
        if i >= 2 and "=" in ln.text and not is_data_line(ln):
            top, bottom = ln.bbox[1] + 0.3 * ln.height, ln.bbox[3] - 0.3 * ln.height
            tied = [k for k, o in enumerate(out) if o.bbox[3] > top and o.bbox[1] < bottom]
            if any(k > i and k not in tied for k in data):
                continue
            return out[: min(k for k in [i, *tied] if k >= 2)]
    return out


@dataclass
class _Extent:
    """Where the table so far lies: its left edge and where its stub column ends (over its multi-segment
    lines), and its right edge (over all its lines)."""

    left: float = float("inf")
    stub_end: float = float("inf")
    right: float = float("-inf")

    def add(self, ln: Line) -> None:
        box = ln.bbox
        self.right = max(self.right, box[2])
        if len(ln.segments) >= 2:
            self.left = min(self.left, box[0])
            self.stub_end = min(self.stub_end, ln.segments[1].bbox[0])

    @property
    def has_rows(self) -> bool:
        return self.stub_end != float("inf")


def find_regions(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive multi-segment lines (single-segment lines allowed inside), close together.

    Single-segment lines after the last multi-segment one stay only when set tight under it (the
    wrapped end of the last row's label or description).
    """
    regions: list[list[Line]] = []
    cur: list[Line] = []
    pending: list[Line] = []
    ext = _Extent()
    labels = 0

    def close() -> None:
        for ln in pending:
            if ln.bbox[1] - cur[-1].bbox[3] >= 0.45 * ln.height:
                break
            cur.append(ln)
        regions.append(cur)

    for ln in lines:
        if cur:
            last = (pending or cur)[-1]
            if ln.bbox[1] - last.bbox[3] > MAX_ROW_GAP * max(ln.height, last.height):
                close()
                cur, pending, ext = [], [], _Extent()
        if _row_like(ln, bool(cur), ext):
            if cur:
                cur.extend(pending)
                for p in pending:
                    ext.add(p)
            pending, labels = [], 0
            cur.append(ln)
            ext.add(ln)
        elif cur:
            pending.append(ln)
            # labels are only tolerated under a row of values: in columns of prose any short line is one
            labels += _stub_label(ln, ext) and is_data_line(cur[-1])
            # a line running on well past the table's right edge is prose beside or under it
            overhang = ln.bbox[2] > ext.right + 2 * ln.height
            if len(pending) - labels > 2 or len(pending) > 6 or overhang:
                close()
                cur, pending, ext = [], [], _Extent()
    if cur:
        close()
    return [r for r in regions if sum(len(ln.segments) >= 2 for ln in r) >= 2]


def without_prose_column(region: list[Line]) -> list[Line]:
    """The region's lines without a column of running text set beside the table (a two-column page).

    Such a column starts (or ends) most multi-segment lines with a long run of words and few numbers, at
    least a third of the region wide, and no text crosses its edge. The lines are cut at that edge when
    what is left still has two lines of several cells: a table of its own. Else the region comes back as
    is (a table of terms and their long descriptions keeps its description column).
    """
    multi = [ln for ln in region if len(ln.segments) >= 2]
    if len(multi) < 2:
        return region
    width = max(ln.bbox[2] for ln in region) - min(ln.bbox[0] for ln in region)
    for side in (0, -1):
        col = [ln.segments[side] for ln in multi if len(ln.segments[side].words) >= 5]
        if len(col) * 2 < len(multi) or statistics.mean(s.bbox[2] - s.bbox[0] for s in col) < width / 3:
            continue
        if sum(is_numeric(w.text) for s in col for w in s.words) > 0.1 * sum(len(s.words) for s in col):
            continue
        edge = max(s.bbox[2] for s in col) if side == 0 else min(s.bbox[0] for s in col)
        segs = [s for ln in multi for s in ln.segments]
        if any(s.bbox[0] < edge < s.bbox[2] for s in segs):
            continue
        out: list[Line] = []
        for ln in region:
            keep = [s for s in ln.segments or [ln] if (s.bbox[0] > edge if side == 0 else s.bbox[2] < edge)]
            if keep:
                out.append(Line(ln.page_no, [w for s in keep for w in s.words], keep, ln.index))
        # a bullet at the cut belongs to the text: a table of labels and bulleted descriptions stays whole
        bullets = any(_BULLET.fullmatch(ln.segments[-1 if side == -1 else 0].text) for ln in out)
        if sum(len(ln.segments) >= 2 for ln in out) >= 2 and not bullets:
            return out
    return region


_BULLET = re.compile(r"[•·▪◦○■►*–—-]|\(?(\d{1,2}|[a-z])[.)]")


def _row_like(ln: Line, inside: bool, ext: _Extent) -> bool:
    """A line that can be a table row: several segments, unless a list item (a bullet, then a sentence)
    would start the table, or, inside a table, a lone value right of the stub column (set between the
    lines of a wrapped row label)."""
    segs = ln.segments
    if len(segs) >= 2:
        bullet = len(segs) == 2 and _BULLET.fullmatch(segs[0].text) and len(segs[1].words) >= 5
        # a list item starts no table; inside one it is a cell's bulleted text
        return inside or not (bullet and not is_numeric(segs[1].text))
    return ext.has_rows and is_value(ln.text) and ln.bbox[0] > ext.stub_end - 1


def _stub_label(ln: Line, ext: _Extent) -> bool:
    """A lone line inside the stub (first) column of the table so far: a label over a block of rows or a
    row label wrapped over several lines. Such lines do not end the table, unlike runs of prose."""
    if not ext.has_rows or _CAPTION.match(ln.text):
        return False
    return ext.left - ln.height <= ln.bbox[0] and ln.bbox[2] < ext.stub_end


def with_group_headers(region: list[Line], lines: list[Line]) -> list[Line]:
    """The region with the lines just above it that head groups of its data columns.

    Such a line sits close above, inside the table's width, clear of the stub (first) column and over
    some of the data columns; a caption or title starts at the left edge, runs wider or is centred on the
    whole table, so it stays out.
    """
    cols = columns_of(region)
    if len(cols) < 2:
        return region
    left, right = cols[0][1], max(b for _, b in cols)
    width = right - cols[0][0]

    def close(upper: Line, lower: Line) -> bool:
        return lower.bbox[1] - upper.bbox[3] <= 1.0 * max(upper.height, lower.height)

    def heads(ln: Line, below: Line) -> bool:
        segs = ln.segments or [ln]
        centred = abs((ln.bbox[0] + ln.bbox[2]) / 2 - (cols[0][0] + right) / 2) < 0.1 * width
        # a short word centred over the table and set tight above its headers groups all its columns
        tight = below.bbox[1] - ln.bbox[3] < 0.5 * ln.height and ln.bbox[2] - ln.bbox[0] < 0.2 * width
        return (
            ln.bbox[0] > left
            and ln.bbox[2] <= right + 2
            and (not centred or tight)
            and all(s.bbox[2] - s.bbox[0] <= 0.6 * width for s in segs)
        )

    out = list(region)
    i = region[0].index - 1
    while i >= 0 and len(out) - len(region) < 2 and close(lines[i], out[0]) and heads(lines[i], out[0]):
        # the last line of a caption paragraph is no header: the line above it runs on from the left
        above = lines[i - 1] if i > 0 else None
        if (
            above is not None
            and close(above, lines[i])
            and above.bbox[0] <= left
            and _continues(above, lines[i])
        ):
            break
        out.insert(0, lines[i])
        i -= 1
    return out


def _continues(upper: Line, lower: Line) -> bool:
    """Whether `lower` continues the paragraph of `upper`: it starts where `upper` or one of its segments
    does (a caption 'Table 4:  Employment rates' runs on under its text), or both are centred on one axis."""
    tol = 2 * max(upper.height, lower.height)
    centre = abs((upper.bbox[0] + upper.bbox[2]) - (lower.bbox[0] + lower.bbox[2])) / 2
    starts = [s.bbox[0] for s in upper.segments or [upper]]
    return any(abs(x - lower.bbox[0]) <= tol for x in starts) or centre <= tol
