"""Table rows: which lines head the columns, and which lines join the row above (wrapped cells) or
start one."""

from __future__ import annotations

import itertools
import logging
import re
import statistics

from docai.document import Word
from docai.engines.text.layout import Line
from docai.engines.text.table_columns import is_data_line, is_numeric, is_value

_log = logging.getLogger(__name__)


def cell_text(cell: list[Word]) -> str:
    return " ".join(w.text for w in cell)


def stub_only(cells: list[list[Word]]) -> bool:
    return bool(cells[0]) and not any(cells[1:])


def is_body_row(cells: list[list[Word]]) -> bool:
    """A data row: several cells, those after the stub column numeric (half will do with a stub)."""
    vals = [" ".join(w.text for w in c) for c in cells[1:] if c]
    need = 0.5 if cells[0] else 0.75
    return len(vals) >= 1 and sum(1 for c in cells if c) >= 2 and sum(map(is_value, vals)) >= need * len(vals)


def row_gap(prev: list[list[Word]], ln: Line) -> float:
    return ln.bbox[1] - max(w.bbox[3] for c in prev for w in c)


def header_rows(lines: list[tuple[Line, list[list[Word]], bool]]) -> list[list[list[Word]]]:
    """Header lines set close together are one row (cells wrapped over lines), except below a line with
    spanning group headers, which is a row of its own, where the type size changes (a cell wraps in
    one size: a larger line above heads the smaller one), and where a text stands over a cell of the
    line below without sharing its left edge, right edge or centre (a group header, not a wrap)."""
    rows: list[list[list[Word]]] = []
    prev: Line | None = None
    prev_cells: list[list[Word]] = []
    prev_spanning = True
    for ln, cells, spanning in lines:
        same_size = prev is not None and abs(ln.height - prev.height) <= 0.2 * max(ln.height, prev.height)
        close = bool(rows) and row_gap(rows[-1], ln) < 0.6 * ln.height
        wraps = same_size and close and _aligned(prev_cells, cells, ln.height)
        if rows and not prev_spanning and not spanning and wraps:
            for i, c in enumerate(cells):
                rows[-1][i].extend(c)
        else:
            rows.append(cells)
        prev, prev_cells, prev_spanning = ln, cells, spanning
    _join_stub_header(rows)
    return rows


def _aligned(upper: list[list[Word]], lower: list[list[Word]], height: float) -> bool:
    """Whether each text of the upper line that stands over one of the lower line shares its left edge,
    right edge or centre (the lines of one wrapped cell are set so)."""
    tol = 0.5 * height
    for a, b in zip(upper, lower, strict=True):
        if not a or not b:
            continue
        x0, x1 = min(w.bbox[0] for w in a), max(w.bbox[2] for w in a)
        y0, y1 = min(w.bbox[0] for w in b), max(w.bbox[2] for w in b)
        if min(abs(x0 - y0), abs(x1 - y1), abs((x0 + x1) - (y0 + y1)) / 2) > tol:
            return False
    return True


def _join_stub_header(rows: list[list[list[Word]]]) -> None:
    """The stub column's header wrapped over header rows ('Age' / 'group' / '(yrs)', beside group headers
    that made rows of their own) is one cell, in the first of those rows."""
    stubs = [i for i, r in enumerate(rows) if r[0]]
    if len(stubs) < 2 or stubs != list(range(stubs[0], stubs[-1] + 1)):
        return
    for a, b in itertools.pairwise(stubs):
        upper, lower = rows[a][0], rows[b][0]
        gap = min(w.bbox[1] for w in lower) - max(w.bbox[3] for w in upper)
        if gap > 0.6 * (lower[0].bbox[3] - lower[0].bbox[1]):
            return
    first = rows[stubs[0]][0]
    for i in stubs[1:]:
        first.extend(rows[i][0])
        rows[i][0] = []


_RUNS_ON = re.compile(r"([,/&(+\-–]|\b(and|or|of|for|in|on|to|the|by|with|per|from))$", re.I)


_MARKS = {"•", "·", "▪", "◦", "○", "■", "►", "‣", "–", "-"}
_SENTENCE_END = re.compile(r"[.:;!?]$")


def _continues_cell(prev: list[Word], cell: list[Word]) -> bool:
    """Whether `cell` reads on from `prev` (same column, line above): it starts in lower case, or `prev`
    breaks off mid-phrase."""
    text = cell_text(cell)
    if text[:1].islower():
        return True
    before = cell_text(prev)
    return bool(before) and bool(_RUNS_ON.search(before))


def row_pitch(lines: list[Line]) -> float | None:
    """The usual top-to-top distance between consecutive lines of values (None: too few to tell)."""
    steps = [
        b.bbox[1] - a.bbox[1]
        for a, b in itertools.pairwise(lines)
        if b.bbox[1] > a.bbox[1] and is_data_line(a) and is_data_line(b)
    ]
    return statistics.median(steps) if steps else None


def joins_row(prev: list[list[Word]], ln: Line, cells: list[list[Word]], pitch: float | None = None) -> bool:
    """Whether line `ln` (split into `cells`) belongs to the row `prev` above it rather than starting one.

    Set close under its row (less than half a line apart) it joins when it only carries text that
    continues the row's cells: a wrapped description, the second line of a row label ('index)') or,
    in a table of text, a line whose every cell reads on. A line of values without a row label joins a
    label standing alone just above it: the label was set on two lines with the values on the second.
    A label alone under a row of values continues that row's label when it reads on or sits closer than
    rows do (`pitch`: the usual distance between rows of values); else it heads the rows below.
    """
    filled = [i for i, c in enumerate(cells) if c]
    if not filled:
        return False
    gap = row_gap(prev, ln)
    close = gap < 0.45 * ln.height
    numeric = [i for i in filled if is_numeric(cell_text(cells[i]))]
    prev_numeric = any(is_numeric(cell_text(c)) for c in prev if c)
    if numeric:
        return close and not cells[0] and stub_only(prev)
    if len(filled) == 1 and filled[0] != 0 and prev[filled[0]] and not prev_numeric:
        return True
    if filled == [0] and prev[0]:
        # under a row of values a lone label is a wrapped stub only if it reads on; else it heads rows
        if not close:
            return False
        if _continues_cell(prev[0], cells[0]):
            return True
        if pitch is not None:  # a wrapped label is set tighter than rows and not left of where it began
            tight = ln.bbox[1] - max(w.bbox[1] for c in prev for w in c) < 0.8 * pitch
            return tight and ln.bbox[0] >= prev[0][0].bbox[0] - 1
        return not prev_numeric
    if not close or prev_numeric or not all(prev[i] for i in filled):
        return False
    if len(filled) < len(cells):
        # two or more cells that all start with a capital begin a row of their own (bullet marks aside)
        texts = [cell_text(cells[i]) for i in filled if cell_text(cells[i]) not in _MARKS]
        return len(texts) < 2 or not all(t[:1].isupper() for t in texts)
    # every cell of a text row filled again: each must read on (a row label may just run on unpunctuated),
    # and one must visibly start mid-sentence
    reads_on = all(
        _continues_cell(prev[i], cells[i]) or (i == 0 and not _SENTENCE_END.search(cell_text(prev[i])))
        for i in filled
    )
    return reads_on and any(cell_text(cells[i])[:1].islower() for i in filled)
