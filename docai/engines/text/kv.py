"""Label/value candidates in the shapes real documents print them.

Shapes, with a prior that says how sure the shape alone makes us that `label` labels `value`:
- ``colon``:  ``Label: value`` in one segment (or the value in the next segment / the line below);
- ``column``: label and value as separate segments of one line (``TOTAL ...... 9.00``, form columns);
- ``below``:  a label with nothing after it, the value under it (form boxes, table-like headers);
- ``inline``: ``Label value`` in one run of words; every short prefix is tried as a label, so the
  matcher decides (only a strong label match makes such a pair count).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from docai.document import BBox, Word
from docai.engines.text.layout import Line, Run, join_words, runs_below, union
from docai.engines.text.matching import is_label_text
from docai.engines.text.vocab import zh

_log = logging.getLogger(__name__)

SHAPE_PRIOR = {"colon": 1.0, "column": 0.95, "below": 0.85, "inline": 0.8}
MAX_LABEL_WORDS = 6
_COLON = re.compile(r"[:：]")


@dataclass
class Candidate:
    """A label and the value printed for it; `bbox` is the union of the value's words."""

    label: str
    value: str
    page_no: int
    bbox: BBox
    shape: str
    conf: float | None
    line_index: int
    value_words: tuple[Word, ...] = ()
    year: int | None = None  # the year heading the value's column in a multi-year table (see fiscal.py)

    @property
    def prior(self) -> float:
        return SHAPE_PRIOR[self.shape]


# '价税合计（大写）壹仟零玖拾圆整': the note 'in words' and the amount so written follow the label
_AMOUNT_NOTE = re.compile(rf"\s*[（(]\s*(?:{'|'.join(zh.AMOUNT_NOTES)})\s*[)）][\s{zh.NUMERAL_WORDS}]*")


def _cand(label: str, words: Sequence[Word], page_no: int, shape: str, line: int) -> Candidate | None:
    words = [w for w in words if w.text.strip(":：.- ")]
    value = _AMOUNT_NOTE.sub("", join_words(w.text for w in words)).strip(" :：")
    label = _AMOUNT_NOTE.sub("", label).strip(" :：.-#").strip()
    if not words or not value or not label:
        return None
    confs = [w.conf for w in words if w.conf is not None]
    return Candidate(
        label, value, page_no, union(w.bbox for w in words), shape,
        sum(confs) / len(confs) if confs else None, line, tuple(words),
    )  # fmt: skip


def _split_at_colon(seg: Run) -> tuple[str, list[Word]] | None:
    """'Invoice No: 123' -> ('Invoice No', [123]); the colon may end a word or be inside one."""
    for i, w in enumerate(seg.words):
        m = _COLON.search(w.text)
        if not m:
            continue
        before = w.text[: m.start()]
        after = w.text[m.end() :]
        if before and re.fullmatch(r"\d{1,2}", before) and re.match(r"\d{2}", after or ""):
            continue  # a time like 10:30, not a label
        label = join_words([x.text for x in seg.words[:i]] + ([before] if before else []))
        if not label.strip() or i >= MAX_LABEL_WORDS + 1:
            return None
        rest = list(seg.words[i + 1 :])
        if after:
            # keep the value's text but give it the word's box (part of a word still points there)
            rest.insert(0, Word(after, w.bbox, w.conf, w.block, w.line))
        return label, rest
    return None


def _colon_at(word: Word) -> bool:
    """A word that ends a label with its colon ('No.:', 'Date:'), not a time ('10:30')."""
    m = _COLON.search(word.text)
    if not m:
        return False
    before, after = word.text[: m.start()], word.text[m.end() :]
    return not (re.fullmatch(r"\d{1,2}", before) and re.match(r"\d{2}", after or ""))


def split_pairs(seg: Run) -> list[Run]:
    """'Customer No.: 55012  PO Number: PO-7781  Invoice No.: 118' printed as one run (narrow gaps):
    one run per 'Label: value', so no value swallows the labels and values after it. A later colon
    starts a new run only where the words before it read as a label; else the run stays whole."""
    words = seg.words
    colons = [i for i, w in enumerate(words) if _colon_at(w)]
    if len(colons) < 2:
        return [seg]
    cuts: list[int] = []
    for j in colons[1:]:
        low = max((cuts[-1] if cuts else colons[0]) + 2, j - MAX_LABEL_WORDS + 1)
        cut = _label_start(words, low, j)
        if cut is not None:
            cuts.append(cut)
    bounds = [0, *cuts, len(words)]
    return [Run(seg.page_no, list(words[a:b])) for a, b in pairwise(bounds) if b > a]


def _label_start(words: Sequence[Word], low: int, j: int) -> int | None:
    """Where the label ending with the colon word `words[j]` starts (not before `low`): the longest
    known label, else the words without digits that follow a value ending in a digit ('55012 PO No:')."""
    head = _COLON.split(words[j].text, maxsplit=1)[0]
    for k in range(low, j + 1):
        if is_label_text(join_words([w.text for w in words[k:j]] + [head])):
            return k
    k = j
    while k > low and not re.search(r"\d", words[k - 1].text):
        k -= 1
    plain = not re.search(r"\d", head) and re.search(
        r"[^\W\d_]", join_words([w.text for w in words[k:j]] + [head])
    )
    return k if plain and re.search(r"\d", words[k - 1].text) else None


def find_pairs(lines: Sequence[Line]) -> list[Candidate]:
    """Every plausible (label, value) candidate on one page's lines."""
    out: list[Candidate] = []
    for ln in lines:
        segs = [run for seg in ln.segments for run in split_pairs(seg)]
        for si, seg in enumerate(segs):
            colon = _split_at_colon(seg)
            if colon is not None:
                label, rest = colon
                if rest:
                    c = _cand(label, rest, ln.page_no, "colon", ln.index)
                    if c:
                        out.append(c)
                else:
                    out.extend(_after_label(label, seg.bbox, segs[si + 1 :], lines, ln, "colon"))
                continue
            if len(seg.words) <= MAX_LABEL_WORDS and re.search(r"[^\W\d_]", seg.text):
                out.extend(_after_label(seg.text, seg.bbox, segs[si + 1 :], lines, ln, "column"))
            # inline: every short prefix of the run as a label
            n = len(seg.words)
            for k in range(1, min(MAX_LABEL_WORDS, n - 1) + 1):
                label = join_words(w.text for w in seg.words[:k])
                if not re.search(r"[^\W\d_]", label):
                    break
                c = _cand(label, seg.words[k:], ln.page_no, "inline", ln.index)
                if c:
                    out.append(c)
    return out


def _labelish(seg: Run, followed: bool, after_colon: bool) -> bool:
    """A segment that is itself a label: 'Invoice No.: 123', or (after 'Bill To:') a wordy 'Inv. No.' that
    has its own value to its right."""
    if _split_at_colon(seg) is not None or is_label_text(seg.text):
        return True
    return after_colon and followed and len(seg.words) <= 4 and not re.search(r"\d", seg.text)


def _after_label(
    label: str, label_box: BBox, right: Sequence[Run], lines: Sequence[Line], ln: Line, shape: str
) -> list[Candidate]:
    """Values for a label that ends its segment: the next segment(s) on the line, the last one, or below."""
    out: list[Candidate] = []
    if right and _labelish(right[0], len(right) > 1, shape == "colon"):
        # 'Bill To:   Invoice No.: 123' - the next segment is another label (a second column): the
        # value is under this label, as two-column invoice headers print it
        right = []
    if right:
        c = _cand(label, right[0].words, ln.page_no, shape, ln.index)
        if c:
            out.append(c)
        if len(right) > 1:
            # receipts: 'TOTAL   2   9.00' - the value at the right end of the line
            c = _cand(label, right[-1].words, ln.page_no, shape, ln.index)
            if c:
                c.shape = "column"
                out.append(c)
        return out
    for below in runs_below(label_box, [x for x in lines if x.index > ln.index][:3], max_lines=1):
        own = _split_at_colon(below)
        if own is not None and own[1]:
            continue  # 'Customer No.: 55012' under a title: a pair of its own, no value of the title's
        c = _cand(label, below.words, ln.page_no, "below", ln.index)
        if c:
            out.append(c)
    return out
