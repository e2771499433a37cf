"""Table columns: x-ranges split at whitespace rivers, words assigned to them, and what counts as a value."""

from __future__ import annotations

import itertools
import logging
import re

from docai.document import Word
from docai.engines.text.layout import Line, Run

_log = logging.getLogger(__name__)


_NUMBER = re.compile(r"[-+(]?[$€£¥₹%]?\s?[\d.,'’ ]*\d[\d.,%)]*\s?[A-Za-z%]{0,3}")
_WITH_SHARE = re.compile(r"(?P<n>.+?)\s*\((?P<share>[-+]?[\d.,]*\d%?)\)")


def is_numeric(text: str) -> bool:
    """A number, also with its share or interval in brackets after it ('63 (18.5%)')."""
    text = text.strip()
    if _NUMBER.fullmatch(text):
        return True
    m = _WITH_SHARE.fullmatch(text)
    return bool(m) and bool(_NUMBER.fullmatch(m.group("n")))


def is_value(text: str) -> bool:
    """A number, or a placeholder standing for one in a data row ('-', 'NA', 'n/a')."""
    return is_numeric(text) or text.strip().casefold() in _PLACEHOLDERS


_PLACEHOLDERS = {"-", "–", "—", "--", "na", "n/a", "n.a.", "..", "...", "x", "*", "nil", "none"}


def is_data_line(ln: Line) -> bool:
    """A line of values: most of its segments after the first are numbers or placeholders."""
    vals = [s.text for s in ln.segments[1:]]
    return len(vals) >= 1 and sum(map(is_value, vals)) * 2 >= len(vals)


def merge_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    cols: list[list[float]] = []
    for a, b in sorted(spans):
        if cols and a <= cols[-1][1] + 1.0:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    return [(a, b) for a, b in cols]


def value_runs(seg: Run) -> list[Run]:
    """A segment split after each number followed by more than half a line's height of space: values
    set closer than the segment gap ('1,144  193.5') are still cells of their own."""
    runs = [Run(seg.page_no, [seg.words[0]])]
    limit = 0.5 * seg.height
    for prev, w in itertools.pairwise(seg.words):
        if w.bbox[0] - prev.bbox[2] > limit and is_numeric(prev.text):
            runs.append(Run(seg.page_no, [w]))
        else:
            runs[-1].words.append(w)
    return runs


def columns_of(lines: list[Line]) -> list[tuple[float, float]]:
    """X-ranges covered by segments, split at whitespace that runs through (nearly) every row.

    Data lines set the columns when there are a few: a group header over two narrow value columns would
    bridge the whitespace between them. Other text over one column widens it; text clear of all columns
    adds columns of its own.
    """
    data = [ln for ln in lines if is_data_line(ln)]
    base = data if len(data) >= 2 else lines
    segs = sorted((r.bbox[0], r.bbox[2]) for ln in base for s in ln.segments for r in value_runs(s))
    if not segs:
        return []
    # a segment wider than most columns (a title or spanning cell) may cross a river; ignore the widest few
    widths = sorted(b - a for a, b in segs)
    cap = widths[int(len(widths) * 0.9)] if len(segs) >= 10 else widths[-1]
    cols = merge_spans([(a, b) for a, b in segs if b - a <= cap] or segs)
    # a wide segment that crosses no river still makes a column (a stub of years a little wider than
    # the numbers beside it)
    clear = [(a, b) for a, b in segs if b - a > cap and not any(min(b, y) - max(a, x) > 0 for x, y in cols)]
    if clear:
        cols = merge_spans(cols + clear)
    if base is lines:
        return cols
    grown = [list(c) for c in cols]
    rest: list[tuple[float, float]] = []
    # lines nearest the data first, narrow texts first within a line: the column headers claim the
    # whitespace beside their columns; a group header above them then stands over two and widens none
    others = sorted(
        (-ln.bbox[1], s.bbox[2] - s.bbox[0], s.bbox[0], s.bbox[2])
        for ln in lines
        if ln not in data
        for s in ln.segments
    )
    top = min(ln.bbox[1] for ln in data)
    for neg_y, _, a, b in others:
        over = [i for i, c in enumerate(grown) if min(b, c[1]) - max(a, c[0]) > 0]
        between = any(grown[i][1] < a and b < grown[i + 1][0] for i in range(len(grown) - 1))
        if not over and between and -neg_y < top:
            continue  # a group header centred over the whitespace between two columns adds none
        if not over:
            rest.append((a, b))
        elif len(over) == 1:  # a header over one column widens it, up to its neighbours
            i = over[0]
            lo = grown[i - 1][1] + 1.5 if i > 0 else a
            hi = grown[i + 1][0] - 1.5 if i + 1 < len(cols) else b
            grown[i] = [min(grown[i][0], max(a, lo)), max(grown[i][1], min(b, hi))]
    return merge_spans([(a, b) for a, b in grown] + rest)


def column_at(x: float, cols: list[tuple[float, float]]) -> int:
    """The column holding `x`, else the nearest one."""
    return min(
        range(len(cols)),
        key=lambda i: 0 if cols[i][0] <= x <= cols[i][1] else min(abs(x - cols[i][0]), abs(x - cols[i][1])),
    )


def _spans(box: tuple[float, float, float, float], cols: list[tuple[float, float]]) -> bool:
    """Whether text at `box` spans several columns: it stands over the middle of two or more, or it is
    centred on the whitespace between columns it reaches into. A header set a little wider than its
    column's numbers only grazes the next column."""
    over = [c for c in cols if min(box[2], c[1]) - max(box[0], c[0]) > 0]
    if len(over) < 2:
        return False
    mid = (box[0] + box[2]) / 2
    centres = sum(box[0] <= (a + b) / 2 <= box[2] for a, b in over)
    return centres >= 2 or not any(a <= mid <= b for a, b in cols)


def line_cells(
    ln: Line, cols: list[tuple[float, float]], below: Line | None = None
) -> tuple[list[list[Word]], bool]:
    """Words of a line per column, and whether some text spans several columns.

    A gap-separated segment is one cell's text: when it crosses the whitespace between columns it is a
    spanning cell (a group header) and goes whole to the column under its centre, unless its words part
    at a column boundary with more than a word space between them (two cells set close together).
    """
    cells: list[list[Word]] = [[] for _ in cols]
    spanning = False
    below_spans = [(r.bbox[0], r.bbox[2]) for r in below.segments or [below]] if below is not None else []
    for seg in (r for s in ln.segments or [ln] for r in value_runs(s)):
        b = seg.bbox

        ks = [column_at((w.bbox[0] + w.bbox[2]) / 2, cols) for w in seg.words]
        parted = all(
            k1 == k2 or w2.bbox[0] - w1.bbox[2] > 0.6 * seg.height
            for (k1, w1), (k2, w2) in zip(zip(ks, seg.words), zip(ks[1:], seg.words[1:]))  # noqa: B905
        )
        # over two columns it spans when it stands over two cells of the line below (a group header), or
        # see _spans
        crosses = sum(min(b[2], z) - max(b[0], a) > 0 for a, z in cols) >= 2
        heads = crosses and sum(min(b[2], x1) - max(b[0], x0) > 0 for x0, x1 in below_spans) >= 2
        if crosses and (heads or _spans(b, cols)) and not (parted and len(set(ks)) > 1):
            spanning = True
            cells[column_at((b[0] + b[2]) / 2, cols)].extend(seg.words)
            continue
        for k, w in zip(ks, seg.words, strict=True):
            cells[k].append(w)
    return cells, spanning
