"""Page layout from word boxes: lines, gap-separated segments, blocks and reading order.

Built only from geometry, so it works the same on a PDF text layer (whose own block/line ids are
often wrong) and on Tesseract words (whose boxes jitter by a few points).
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from docai.document import BBox, Page, Word

_log = logging.getLogger(__name__)

SEGMENT_GAP = 1.3  # a gap wider than this many line heights starts a new segment (a column, a value)


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a space OCR put between two Han characters, or between a Han date unit and its number (2020 年 2 月)
_CJK_SPACE = re.compile(f"(?<=[{_HAN}]) +(?=[{_HAN}])|(?<=[年月]) +(?=\\d)|(?<=\\d) +(?=[年月日号])")


def tidy_cjk(text: str) -> str:
    """Chinese is set without spaces, so a space OCR prints between Han characters is a word-split
    artefact ('有 限 公司'): drop it, and the ones inside a written date ('2020 年 2 月 24 日')."""
    return _CJK_SPACE.sub("", text) if text.isascii() is False else text


def join_words(texts: Iterable[str]) -> str:
    """Words of one run as text: spaces between them, none between Han characters."""
    return tidy_cjk(" ".join(texts))


def union(boxes: Iterable[BBox]) -> BBox:
    bs = list(boxes)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def _h(b: BBox) -> float:
    return max(b[3] - b[1], 0.1)


def x_overlap(a: BBox, b: BBox) -> float:
    """Horizontal overlap in points (negative: the gap between them)."""
    return min(a[2], b[2]) - max(a[0], b[0])


def y_overlap(a: BBox, b: BBox) -> float:
    return min(a[3], b[3]) - max(a[1], b[1])


@dataclass
class Run:
    """Words in reading order on one line: a whole line or a gap-separated segment of one."""

    page_no: int
    words: list[Word]

    @property
    def bbox(self) -> BBox:
        return union(w.bbox for w in self.words)

    @property
    def text(self) -> str:
        return join_words(w.text for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(_h(w.bbox) for w in self.words)

    @property
    def conf(self) -> float | None:
        confs = [w.conf for w in self.words if w.conf is not None]
        return sum(confs) / len(confs) if confs else None


@dataclass
class Line(Run):
    """A visual line; `segments` split it where the gap between words is wide (columns, label/value)."""

    segments: list[Run] = field(default_factory=list)
    index: int = 0


@dataclass
class Block:
    """Lines that belong together (a paragraph, an address, a table cell column), in reading order."""

    page_no: int
    runs: list[Run]

    @property
    def bbox(self) -> BBox:
        return union(r.bbox for r in self.runs)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.runs)


def group_lines(words: Sequence[Word], page_no: int = 1, gap: float = SEGMENT_GAP) -> list[Line]:
    """Words -> lines by vertical overlap of their boxes, top to bottom; each line split into segments."""
    items = [w for w in words if w.text.strip()]
    slope = skew(items)
    # boxes with the page's skew taken out, so a label and its far-right value stay one line on a tilted scan
    adj = {id(w): level(w.bbox, slope) for w in items}
    items.sort(key=lambda w: ((adj[id(w)][1] + adj[id(w)][3]) / 2, w.bbox[0]))
    rows: list[list[Word]] = []
    row_boxes: list[BBox] = []
    for w in items:
        wb = adj[id(w)]
        cy = (wb[1] + wb[3]) / 2
        best, best_d = -1, 1e9
        # Only recent rows can still take a word: the list is sorted by centre.
        for i in range(len(rows) - 1, max(-1, len(rows) - 6), -1):
            rb = row_boxes[i]
            rcy = (rb[1] + rb[3]) / 2
            tol = 0.5 * min(_h(rb), _h(wb)) + 0.5
            d = abs(cy - rcy)
            if d > tol:
                continue
            if any(_stacked(adj[id(o)], wb, o.conf is not None or w.conf is not None) for o in rows[i]):
                continue
            if d < best_d:
                best, best_d = i, d
        if best < 0:
            rows.append([w])
            row_boxes.append(wb)
        else:
            rows[best].append(w)
            rb = row_boxes[best]
            # keep the row's box at its median band so tall words do not swallow neighbours (nor does
            # the first word placed, when it is a small glyph such as '24' beside taller Chinese ones)
            top, bottom = rb[1], rb[3]
            if w.conf is not None:  # OCR boxes hug each glyph; a text layer's share the font's height
                top = statistics.median(adj[id(o)][1] for o in rows[best])
                bottom = statistics.median(adj[id(o)][3] for o in rows[best])
            row_boxes[best] = (min(rb[0], wb[0]), top, max(rb[2], wb[2]), bottom)
    rows = _keep_phrases_together(rows, adj)
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w.bbox[0])
        line = Line(page_no, row)
        line.segments = split_segments(row, page_no, gap)
        lines.append(line)
    lines.sort(key=lambda ln: statistics.median((adj[id(w)][1] + adj[id(w)][3]) / 2 for w in ln.words))
    for i, ln in enumerate(lines):
        ln.index = i
    return lines


def _phrases(words: list[Word], adj: dict[int, BBox]) -> list[list[Word]]:
    """OCR words set a word space apart on one baseline ('Due' 'Date', 'February' '7,' '2019'): chains
    of them, by their levelled boxes."""
    parent = {id(w): id(w) for w in words}

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    by_x = sorted(words, key=lambda w: adj[id(w)][0])
    for i, w in enumerate(by_x):
        a = adj[id(w)]
        space = max(0.8 * _h(a), 1.5 * (a[2] - a[0]) / max(1, len(w.text)))
        for v in by_x[i + 1 :]:
            b = adj[id(v)]
            if b[0] - a[2] > space:
                break
            if b[0] >= a[2] - 1 and y_overlap(a, b) >= 0.6 * min(_h(a), _h(b)):
                parent[find(id(v))] = find(id(w))
                break
    chains: dict[int, list[Word]] = {}
    for w in words:
        chains.setdefault(find(id(w)), []).append(w)
    return [c for c in chains.values() if len(c) > 1]


def _keep_phrases_together(rows: list[list[Word]], adj: dict[int, BBox]) -> list[list[Word]]:
    """Rows with no phrase split between them.

    Two columns set half a line apart on a tilted scan put a row's band between them, and the centre
    rule then parts words a word space apart ('Due' on one line, 'Date' on the other). The rows a
    phrase spans are one line when none of their words sit over each other (the two columns' halves of
    one visual line); otherwise the phrase goes whole to the row holding most of it.
    """
    ocr = [w for row in rows for w in row if w.conf is not None]
    if not ocr:
        return rows
    where = {id(w): i for i, row in enumerate(rows) for w in row}
    moved = False
    for chain in _phrases(ocr, adj):
        held = sorted({where[id(w)] for w in chain})
        if len(held) == 1:
            continue
        moved = True
        others = [w for i in held[1:] for w in rows[i]]
        if not any(_stacked(adj[id(a)], adj[id(b)], False) for a in rows[held[0]] for b in others):
            for w in others:
                where[id(w)] = held[0]
            rows[held[0]].extend(others)
            for i in held[1:]:
                rows[i] = []
            continue
        counts = [where[id(w)] for w in chain]
        target = max(held, key=counts.count)
        for w in chain:
            if where[id(w)] != target:
                rows[where[id(w)]].remove(w)
                rows[target].append(w)
                where[id(w)] = target
    return [r for r in rows if r] if moved else rows


def _stacked(a: BBox, b: BBox, ocr: bool) -> bool:
    """Two words over each other (lines set close), not beside each other: they share most of their
    width (and, for OCR words, their centres differ). Tesseract's boxes for Chinese glyphs often overlap
    their neighbours on the same line, so there overlap alone does not mean stacked; in a text layer it
    does (a word drawn twice for fake bold stays out of its line)."""
    wide = x_overlap(a, b) > 0.5 * min(a[2] - a[0], b[2] - b[0])
    if not wide or not ocr:
        return wide
    ca, cb = (a[1] + a[3]) / 2, (b[1] + b[3]) / 2
    if abs(ca - cb) <= 0.3 * min(_h(a), _h(b)):
        return False
    # a glyph box inside a line-high box ('付款' under the tall box of '期'): each centre within the other
    return not (b[1] <= ca <= b[3] and a[1] <= cb <= a[3])


MIN_SKEW = 0.002  # below this slope (about 0.1 degree) lines are level enough


def skew(words: Sequence[Word]) -> float:
    """The page's text slope (dy/dx) from OCR's own lines: the median slope of word centres along each
    line of three or more words; 0 for text layers (no confidences) or level pages."""
    groups: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        if w.conf is not None:
            groups.setdefault((w.block, w.line), []).append(w)
    slopes: list[float] = []
    for ws in groups.values():
        if len(ws) < 3:
            continue
        xs = [(w.bbox[0] + w.bbox[2]) / 2 for w in ws]
        ys = [(w.bbox[1] + w.bbox[3]) / 2 for w in ws]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mx) ** 2 for x in xs)
        if var <= 0 or max(xs) - min(xs) < 5 * _h(ws[0].bbox):
            continue
        slopes.append(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var)
    if len(slopes) < 3:
        return 0.0
    slope = statistics.median(slopes)
    return slope if MIN_SKEW <= abs(slope) <= 0.1 else 0.0


def level(b: BBox, slope: float) -> BBox:
    """`b` moved up or down by the page's slope at its centre: where it would sit on a level page."""
    if not slope:
        return b
    dy = slope * (b[0] + b[2]) / 2
    return (b[0], b[1] - dy, b[2], b[3] - dy)


def split_segments(row: Sequence[Word], page_no: int, gap: float = SEGMENT_GAP) -> list[Run]:
    """Split a left-to-right row of words where the gap exceeds `gap` x the row's median word height."""
    if not row:
        return []
    height = statistics.median(_h(w.bbox) for w in row)
    # OCR boxes hug the glyphs, so a monospaced space can exceed the height rule: two characters also count
    char_w = statistics.median((w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in row)
    # for a scan the same holds at a table's narrower gap: a word space measured against glyph-hugging
    # boxes is wide, so 'Software licence (1 yr)' would fall apart into cells
    scanned = any(w.conf is not None for w in row)
    limit = max(gap * height, 2.2 * char_w) if gap >= SEGMENT_GAP or scanned else gap * height
    segments: list[Run] = [Run(page_no, [row[0]])]
    for prev, w in itertools.pairwise(row):
        space = w.bbox[0] - prev.bbox[2]
        # dot leaders ("TOTAL ...... 9.00") are a gap too
        leader = set(prev.text) <= {".", "_", "-", "…"} and len(prev.text) >= 3
        if space > limit or leader:
            segments.append(Run(page_no, [w]))
        else:
            segments[-1].words.append(w)
    out: list[Run] = []
    for s in segments:
        kept = [w for w in s.words if not (set(w.text) <= {".", "_", "…"} and len(w.text) >= 3)]
        if kept:
            out.append(Run(page_no, kept))
    return out


def page_lines(page: Page, gap: float = SEGMENT_GAP) -> list[Line]:
    return group_lines(page.words, page.page_no, gap)


def group_blocks(lines: Sequence[Line]) -> list[Block]:
    """Segments -> blocks (vertically close, horizontally overlapping), in reading order (XY-cut)."""
    segs = [s for ln in lines for s in ln.segments]
    if not segs:
        return []
    blocks: list[list[Run]] = []
    for s in sorted(segs, key=lambda r: (r.bbox[1], r.bbox[0])):
        sb = s.bbox
        placed = False
        for b in reversed(blocks[-12:]):
            last = b[-1].bbox
            vgap = sb[1] - last[3]
            if -0.3 * _h(sb) <= vgap <= 1.3 * max(_h(sb), _h(last)) and x_overlap(last, sb) > 0:
                b.append(s)
                placed = True
                break
        if not placed:
            blocks.append([s])
    found = [Block(segs[0].page_no, b) for b in blocks]
    return reading_order(found)


def reading_order(blocks: list[Block]) -> list[Block]:
    """Order blocks by recursive XY-cut: split at the widest horizontal gap, else at a column gap."""
    if len(blocks) <= 1:
        return list(blocks)
    for axis in (1, 0):  # 1: cut between rows (y), 0: cut between columns (x)
        spans = sorted((b.bbox[axis], b.bbox[axis + 2]) for b in blocks)
        reach = spans[0][1]
        for lo, hi in spans[1:]:
            if lo > reach + 1.0:
                first = [b for b in blocks if b.bbox[axis + 2] <= reach + 1e-6]
                rest = [b for b in blocks if b.bbox[axis + 2] > reach + 1e-6]
                return reading_order(first) + reading_order(rest)
            reach = max(reach, hi)
    return sorted(blocks, key=lambda b: (b.bbox[1], b.bbox[0]))


def runs_right_of(box: BBox, lines: Sequence[Line], max_dx: float | None = None) -> list[Run]:
    """Segments on the same line as `box`, starting right of it, nearest first."""
    out: list[tuple[float, Run]] = []
    for ln in lines:
        if y_overlap(ln.bbox, box) < 0.4 * min(_h(ln.bbox), _h(box)):
            continue
        for s in ln.segments:
            dx = s.bbox[0] - box[2]
            if dx >= -1.0 and (max_dx is None or dx <= max_dx):
                out.append((dx, s))
    out.sort(key=lambda t: t[0])
    return [s for _, s in out]


def runs_below(box: BBox, lines: Sequence[Line], max_lines: int = 1, max_gap: float = 2.0) -> list[Run]:
    """Segments under `box` that overlap it horizontally, within `max_gap` line heights, nearest first."""
    out: list[tuple[float, Run]] = []
    h = _h(box)
    for ln in lines:
        # each segment by its own top: on a tilted scan, or beside a taller column, the line's box
        # starts higher than the segment under the label
        for s in ln.segments:
            dy = s.bbox[1] - box[3]
            if dy < -0.3 * h or dy > max_gap * h + h * (max_lines - 1) * 1.5:
                continue
            if x_overlap(s.bbox, box) > 0:
                out.append((dy, s))
    out.sort(key=lambda t: t[0])
    return [s for _, s in out[:max_lines]]
