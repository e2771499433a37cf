"""Tables on a page: from word alignment (works on scans and ruling-free PDFs), or PyMuPDF's ruled tables.

Alignment: consecutive lines with several gap-separated segments form a table region; columns are the
x-ranges that some word covers with whitespace 'rivers' between them; each word goes to the column holding
its centre, each line is a row (a line that only continues the text cells of the row above is merged
into it: wrapped descriptions).
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from docai.document import BBox, Page, Word
from docai.engines.text.layout import Line, group_lines, union

_log = logging.getLogger(__name__)

TABLE_GAP = 1.0  # a narrower segment gap than for key/value: table cells sit closer than label and value
MAX_ROW_GAP = 2.2  # rows further apart than this many line heights end the table


@dataclass
class Table:
    """A table: `header` is the first row; `cell_boxes` has one row per header+rows (None: empty cell)."""

    page_no: int
    bbox: BBox
    header: list[str]
    rows: list[list[str]]
    cell_boxes: list[list[BBox | None]] = field(default_factory=list)

    @property
    def cells(self) -> list[list[str]]:
        return [self.header, *self.rows]

    @property
    def n_cols(self) -> int:
        return len(self.header)


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+(]?[$€£¥₹%]?\s?[\d.,'’ ]*\d[\d.,%)]*\s?[A-Za-z%]{0,3}", text.strip()))


def find_tables(page: Page, pdf: str | Path | None = None) -> list[Table]:
    """Tables on `page`. With `pdf` (the file the page came from) ruled tables come from PyMuPDF first."""
    found: list[Table] = []
    if pdf is not None and page.text_source == "layer" and page.rotation == 0:
        found = _ruled_tables(page, Path(pdf))
    words = [w for w in page.words if not any(_inside(w.bbox, t.bbox) for t in found)]
    found.extend(aligned_tables(words, page.page_no))
    found.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return found


def _inside(b: BBox, outer: BBox) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return outer[0] - 1 <= cx <= outer[2] + 1 and outer[1] - 1 <= cy <= outer[3] + 1


def aligned_tables(words: list[Word], page_no: int = 1) -> list[Table]:
    """Tables found from word positions alone."""
    lines = group_lines(words, page_no, gap=TABLE_GAP)
    out: list[Table] = []
    for region in _regions(lines):
        region = _trim(region)
        if len(region) < 2:
            continue
        t = _grid(_with_group_headers(region, lines), page_no)
        if t is not None:
            out.append(t)
    return out


_CAPTION = re.compile(
    r"(table|tab\.|figure|fig\.|exhibit|chart)\s*[\dIVXivx]+[a-z]?(\.\d+)*\s*[.:\-–—]?", re.I
)
_NOTE = re.compile(r"(sources?|notes?|n\.b\.)\s*[:.]|\(?[*†‡§¹²³]|\([:a-z0-9]\)\s|[a-z0-9]\)\s", re.I)


def _trim(region: list[Line]) -> list[Line]:
    """The region without a caption above it and notes below it.

    A caption line starts 'Table 3:' (or Figure, Exhibit); the single-segment lines right under it
    continue its paragraph. Below the table, a line opening with 'Source:', 'Note:' or a footnote mark
    ('(a) ', '* ') ends it.
    """
    start = 0
    if _CAPTION.match(region[0].text):
        start = 1
        while start < len(region) and len(region[start].segments) < 2:
            start += 1
    out = region[start:]
    for i, ln in enumerate(out):
        if i >= 2 and _NOTE.match(ln.text) and not _data_line(ln):
            return out[:i]
    return out


def _regions(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive multi-segment lines (single-segment lines allowed inside), close together.

    Single-segment lines after the last multi-segment one stay only when set tight under it (the
    wrapped end of the last row's label or description).
    """
    regions: list[list[Line]] = []
    cur: list[Line] = []
    pending: list[Line] = []

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
                cur, pending = [], []
        if _row_like(ln, cur):
            if cur:
                cur.extend(pending)
            pending = []
            cur.append(ln)
        elif cur:
            pending.append(ln)
            # labels are only tolerated under a row of values: in columns of prose any short line is one
            labels = sum(_stub_label(p, cur) for p in pending) if _data_line(cur[-1]) else 0
            right = max(c.bbox[2] for c in cur)
            # a line running on well past the table's right edge is prose beside or under it
            overhang = ln.bbox[2] > right + 2 * ln.height
            if len(pending) - labels > 2 or len(pending) > 6 or overhang:
                close()
                cur, pending = [], []
    if cur:
        close()
    return [r for r in regions if sum(len(ln.segments) >= 2 for ln in r) >= 2]


_BULLET = re.compile(r"[•·▪◦○■►*–—-]|\(?(\d{1,2}|[a-z])[.)]")


def _row_like(ln: Line, cur: list[Line]) -> bool:
    """A line that can be a table row: several segments, unless a list item (a bullet, then a sentence)
    would start the table, or, inside a table, a lone value right of the stub column (set between the
    lines of a wrapped row label)."""
    segs = ln.segments
    if len(segs) >= 2:
        bullet = len(segs) == 2 and _BULLET.fullmatch(segs[0].text) and len(segs[1].words) >= 5
        # a list item starts no table; inside one it is a cell's bulleted text
        return bool(cur) or not (bullet and not _numeric(segs[1].text))
    multi = [c for c in cur if len(c.segments) >= 2]
    return bool(multi) and _value(ln.text) and ln.bbox[0] > min(c.segments[1].bbox[0] for c in multi) - 1


def _stub_label(ln: Line, cur: list[Line]) -> bool:
    """A lone line inside the stub (first) column of the table so far: a label over a block of rows or a
    row label wrapped over several lines. Such lines do not end the table, unlike runs of prose."""
    multi = [c for c in cur if len(c.segments) >= 2]
    if not multi or _CAPTION.match(ln.text):
        return False
    x0 = min(c.bbox[0] for c in multi)
    stub_end = min(c.segments[1].bbox[0] for c in multi)
    return x0 - ln.height <= ln.bbox[0] and ln.bbox[2] < stub_end


def _with_group_headers(region: list[Line], lines: list[Line]) -> list[Line]:
    """The region with the lines just above it that head groups of its data columns.

    Such a line sits close above, inside the table's width, clear of the stub (first) column and over
    some of the data columns; a caption or title starts at the left edge, runs wider or is centred on the
    whole table, so it stays out.
    """
    cols = _columns(region)
    if len(cols) < 2:
        return region
    left, right = cols[0][1], max(b for _, b in cols)
    width = right - cols[0][0]

    def close(upper: Line, lower: Line) -> bool:
        return lower.bbox[1] - upper.bbox[3] <= 1.0 * max(upper.height, lower.height)

    def heads(ln: Line) -> bool:
        segs = ln.segments or [ln]
        centred = abs((ln.bbox[0] + ln.bbox[2]) / 2 - (cols[0][0] + right) / 2) < 0.1 * width
        return (
            ln.bbox[0] > left
            and ln.bbox[2] <= right + 2
            and not centred
            and all(s.bbox[2] - s.bbox[0] <= 0.6 * width for s in segs)
        )

    out = list(region)
    i = region[0].index - 1
    while i >= 0 and len(out) - len(region) < 2 and close(lines[i], out[0]) and heads(lines[i]):
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
    """Whether `lower` continues the paragraph of `upper`: it starts where `upper` does, or both are centred
    on one axis."""
    tol = 2 * max(upper.height, lower.height)
    centre = abs((upper.bbox[0] + upper.bbox[2]) - (lower.bbox[0] + lower.bbox[2])) / 2
    return abs(upper.bbox[0] - lower.bbox[0]) <= tol or centre <= tol


def _merge_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    cols: list[list[float]] = []
    for a, b in sorted(spans):
        if cols and a <= cols[-1][1] + 1.0:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    return [(a, b) for a, b in cols]


def _value(text: str) -> bool:
    """A number, or a placeholder standing for one in a data row ('-', 'NA', 'n/a')."""
    return _numeric(text) or text.strip().casefold() in _PLACEHOLDERS


_PLACEHOLDERS = {"-", "–", "—", "--", "na", "n/a", "n.a.", "..", "...", "x", "*", "nil", "none"}


def _data_line(ln: Line) -> bool:
    """A line of values: most of its segments after the first are numbers or placeholders."""
    vals = [s.text for s in ln.segments[1:]]
    return len(vals) >= 1 and sum(map(_value, vals)) * 2 >= len(vals)


def _columns(lines: list[Line]) -> list[tuple[float, float]]:
    """X-ranges covered by segments, split at whitespace that runs through (nearly) every row.

    Data lines set the columns when there are a few: a group header over two narrow value columns would
    bridge the whitespace between them. Other text over one column widens it; text clear of all columns
    adds columns of its own.
    """
    data = [ln for ln in lines if _data_line(ln)]
    base = data if len(data) >= 2 else lines
    segs = sorted((s.bbox[0], s.bbox[2]) for ln in base for s in ln.segments)
    if not segs:
        return []
    # a segment wider than most columns (a title or spanning cell) may cross a river; ignore the widest few
    widths = sorted(b - a for a, b in segs)
    cap = widths[int(len(widths) * 0.9)] if len(segs) >= 10 else widths[-1]
    cols = _merge_spans([(a, b) for a, b in segs if b - a <= cap] or segs)
    if base is lines:
        return cols
    grown = [list(c) for c in cols]
    rest: list[tuple[float, float]] = []
    # narrow texts first: a column header claims the whitespace beside its column before a wider group
    # header that reaches into it from the next column does
    others = sorted(
        (s.bbox[2] - s.bbox[0], s.bbox[0], s.bbox[2]) for ln in lines if ln not in data for s in ln.segments
    )
    for _, a, b in others:
        over = [i for i, (x0, x1) in enumerate(cols) if min(b, x1) - max(a, x0) > 0]
        if not over:
            rest.append((a, b))
        elif len(over) == 1:  # a header over one column widens it, up to its neighbours
            i = over[0]
            lo = grown[i - 1][1] + 1.5 if i > 0 else a
            hi = grown[i + 1][0] - 1.5 if i + 1 < len(cols) else b
            grown[i] = [min(grown[i][0], max(a, lo)), max(grown[i][1], min(b, hi))]
    return _merge_spans([(a, b) for a, b in grown] + rest)


def _col_of(x: float, cols: list[tuple[float, float]]) -> int:
    """The column holding `x`, else the nearest one."""
    return min(
        range(len(cols)),
        key=lambda i: 0 if cols[i][0] <= x <= cols[i][1] else min(abs(x - cols[i][0]), abs(x - cols[i][1])),
    )


def _line_cells(ln: Line, cols: list[tuple[float, float]]) -> tuple[list[list[Word]], bool]:
    """Words of a line per column, and whether some text spans several columns.

    A gap-separated segment is one cell's text: when it crosses the whitespace between columns it is a
    spanning cell (a group header) and goes whole to the column under its centre, unless its words part
    at a column boundary with more than a word space between them (two cells set close together).
    """
    cells: list[list[Word]] = [[] for _ in cols]
    spanning = False
    for seg in ln.segments or [ln]:
        b = seg.bbox
        over = [i for i, (a, z) in enumerate(cols) if min(b[2], z) - max(b[0], a) > 0]
        ks = [_col_of((w.bbox[0] + w.bbox[2]) / 2, cols) for w in seg.words]
        parted = all(
            k1 == k2 or w2.bbox[0] - w1.bbox[2] > 0.6 * seg.height
            for (k1, w1), (k2, w2) in zip(zip(ks, seg.words), zip(ks[1:], seg.words[1:]))  # noqa: B905
        )
        if len(over) > 1 and not (parted and len(set(ks)) > 1):
            spanning = True
            cells[_col_of((b[0] + b[2]) / 2, cols)].extend(seg.words)
            continue
        for k, w in zip(ks, seg.words, strict=True):
            cells[k].append(w)
    return cells, spanning


def _is_body(cells: list[list[Word]]) -> bool:
    """A data row: several cells, those after the stub column numeric (half will do with a stub)."""
    vals = [" ".join(w.text for w in c) for c in cells[1:] if c]
    need = 0.5 if cells[0] else 0.75
    return len(vals) >= 1 and sum(1 for c in cells if c) >= 2 and sum(map(_value, vals)) >= need * len(vals)


def _gap(prev: list[list[Word]], ln: Line) -> float:
    return ln.bbox[1] - max(w.bbox[3] for c in prev for w in c)


def _header_rows(lines: list[tuple[Line, list[list[Word]], bool]]) -> list[list[list[Word]]]:
    """Header lines set close together are one row (cells wrapped over lines), except below a line with
    spanning group headers, which is a row of its own."""
    rows: list[list[list[Word]]] = []
    prev_spanning = True
    for ln, cells, spanning in lines:
        if rows and not prev_spanning and not spanning and _gap(rows[-1], ln) < 0.6 * ln.height:
            for i, c in enumerate(cells):
                rows[-1][i].extend(c)
        else:
            rows.append(cells)
        prev_spanning = spanning
    return rows


def _prose(texts: list[list[str]]) -> bool:
    """Text in columns that is no table: every column holds long runs of words, few numbers.

    A table of terms and their descriptions has long text too, but its first column is short labels.
    """
    flat = [t for r in texts for t in r if t]
    if sum(_numeric(t) for t in flat) >= len(flat) * 0.2:
        return False
    if statistics.mean(len(t.split()) for t in flat) <= 7:
        return False
    per_col = [[len(r[k].split()) for r in texts if k < len(r) and r[k]] for k in range(len(texts[0]))]
    return all(statistics.mean(c) > 4 for c in per_col if c)


def _text(cell: list[Word]) -> str:
    return " ".join(w.text for w in cell)


def _stub_only(cells: list[list[Word]]) -> bool:
    return bool(cells[0]) and not any(cells[1:])


_RUNS_ON = re.compile(r"([,/&(+\-–]|\b(and|or|of|for|in|on|to|the|by|with|per|from))$", re.I)
_SENTENCE_END = re.compile(r"[.:;!?]$")


def _continues_cell(prev: list[Word], cell: list[Word]) -> bool:
    """Whether `cell` reads on from `prev` (same column, line above): it starts in lower case, or `prev`
    breaks off mid-phrase."""
    text = _text(cell)
    if text[:1].islower():
        return True
    before = _text(prev)
    return bool(before) and bool(_RUNS_ON.search(before))


def _row_pitch(lines: list[Line]) -> float | None:
    """The usual top-to-top distance between consecutive lines of values (None: too few to tell)."""
    steps = [
        b.bbox[1] - a.bbox[1]
        for a, b in itertools.pairwise(lines)
        if b.bbox[1] > a.bbox[1] and _data_line(a) and _data_line(b)
    ]
    return statistics.median(steps) if steps else None


def _joins(prev: list[list[Word]], ln: Line, cells: list[list[Word]], pitch: float | None = None) -> bool:
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
    gap = _gap(prev, ln)
    close = gap < 0.45 * ln.height
    numeric = [i for i in filled if _numeric(_text(cells[i]))]
    prev_numeric = any(_numeric(_text(c)) for c in prev if c)
    if numeric:
        return close and not cells[0] and _stub_only(prev)
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
        return True
    # every cell of a text row filled again: each must read on (a row label may just run on unpunctuated),
    # and one must visibly start mid-sentence
    reads_on = all(
        _continues_cell(prev[i], cells[i]) or (i == 0 and not _SENTENCE_END.search(_text(prev[i])))
        for i in filled
    )
    return reads_on and any(_text(cells[i])[:1].islower() for i in filled)


def _grid(region: list[Line], page_no: int) -> Table | None:
    cols = _columns(region)
    if len(cols) < 2:
        return None
    split = [(ln, *_line_cells(ln, cols)) for ln in region]
    body_at = next((i for i in range(1, len(split)) if _is_body(split[i][1])), 1)
    # a label alone in the stub column just above the first data row heads a block of rows, not columns
    while body_at > 1 and _stub_only(split[body_at - 1][1]) and not _stub_only(split[body_at - 2][1]):
        body_at -= 1
    rows = _header_rows(split[:body_at]) if body_at > 1 else [split[0][1]]
    n_head = len(rows)
    pitch = _row_pitch([ln for ln, _, _ in split[body_at:]])
    for ln, cells, _ in split[body_at:]:
        if len(rows) > n_head and _joins(rows[-1], ln, cells, pitch):
            for i, c in enumerate(cells):
                rows[-1][i].extend(c)
            continue
        rows.append(cells)
    if len(rows) < 2:
        return None
    texts = [[" ".join(w.text for w in c) for c in r] for r in rows]
    if _prose(texts):
        return None
    keep = [i for i in range(len(cols)) if any(texts[r][i] for r in range(len(texts)))]
    texts = [[r[i] for i in keep] for r in texts]
    boxes: list[list[BBox | None]] = [
        [union(w.bbox for w in r[i]) if r[i] else None for i in keep] for r in rows
    ]
    bbox = union(w.bbox for r in rows for c in r for w in c)
    return Table(page_no, bbox, texts[0], texts[1:], boxes)


def _ruled_tables(page: Page, pdf: Path) -> list[Table]:
    """Tables drawn with rulings, through PyMuPDF (text-layer pages only)."""
    import pymupdf

    out: list[Table] = []
    try:
        with pymupdf.open(pdf) as doc:
            fitz_page = doc[page.page_no - 1]
            for t in fitz_page.find_tables().tables:
                grid = t.extract()
                if len(grid) < 2 or t.col_count < 2:
                    continue
                texts = [[" ".join(str(c or "").split()) for c in row] for row in grid]
                boxes: list[list[BBox | None]] = [
                    [tuple(c) if c else None for c in row.cells]  # type: ignore[misc]
                    for row in t.rows
                ]
                out.append(Table(page.page_no, tuple(t.bbox), texts[0], texts[1:], boxes))  # type: ignore[arg-type]
    except Exception as e:  # a malformed page must not stop extraction; alignment still runs
        _log.warning("%s page %d: ruled table detection failed: %s", pdf.name, page.page_no, e)
    return out
