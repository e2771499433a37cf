"""Signals that tell a right party name (vendor, company, customer, party) from a wrong one.

Engine-independent: they read where the name was found on the page (its words and boxes) and the name
itself, never how an engine chose it. Each signal is a number in 0..1 that the confidence model weighs
(fitted per kind of field by evals/calibrate.py); none of them fails a check on its own.
"""

from __future__ import annotations

import re

from docai.document import BBox
from docai.verify.grounding import Match
from docai.verify.pageindex import PageIndex, normalize
from docai.verify.sanity import found
from docai.verify.vocab import COMPANY_SUFFIX, ISSUER_LABEL, RECIPIENT_LABEL

PARTY_FEATURES: tuple[str, ...] = (
    "p_header",
    "p_font",
    "p_largest",
    "p_own_label",
    "p_other_label",
    "p_suffix",
    "p_domain",
    "p_whole_line",
    "p_repeated",
)
"""The party signals, in the order the confidence model lists them."""

HEADER_SHARE = 0.25
"""A name in the top quarter of the first page sits in the header block, where an issuer prints its own."""

LABEL_LINES_ABOVE = 3.5
"""How far above a name (in its own line heights) a 'Bill to' / 'From' label still heads its block."""

_WEB = re.compile(r"@|www\.|https?:|\.(com|net|org|co|biz|io|de|fr|nl|my|sg|uk|cn|hk)\b", re.IGNORECASE)
_STOP = {"the", "and", "for", "of", "ltd", "limited", "inc", "llc", "corp", "company", "group", "sdn", "bhd"}


def party_signals(
    value: str, role: str | None, match: Match | None, index: PageIndex | None, first_page: bool, count: int
) -> dict[str, float]:
    """The party signals of one name; `role` is issuer, recipient or None (a party of a contract)."""
    out = dict.fromkeys(PARTY_FEATURES, 0.0)
    out["p_suffix"] = 1.0 if found(COMPANY_SUFFIX, value) else 0.0
    if match is None or index is None:
        return out
    box = match.bbox
    height = index.height or max((b[3] for b in index.line_boxes), default=0.0)
    out["p_header"] = 1.0 if first_page and height > 0 and box[1] < HEADER_SHARE * height else 0.0
    out["p_font"] = _font(box, index)
    out["p_largest"] = 1.0 if first_page and _largest_near_top(match, index, height) else 0.0
    own, other = _labels(match, index, role)
    out["p_own_label"], out["p_other_label"] = own, other
    out["p_domain"] = 1.0 if _in_web_address(value, index) else 0.0
    out["p_whole_line"] = _line_share(match, index)
    out["p_repeated"] = 1.0 if count >= 2 else 0.0
    return out


def _font(box: BBox, index: PageIndex) -> float:
    """How much taller the name's words are than the page's body text: 0 (same or smaller) .. 1 (twice)."""
    body = index.median_height
    if body <= 0:
        return 0.0
    return round(max(0.0, min(1.0, (box[3] - box[1]) / body - 1.0)), 3)


def _largest_near_top(match: Match, index: PageIndex, height: float) -> bool:
    """Whether the name's line is the tallest of the lines in the page's top 40%."""
    if height <= 0:
        return False
    mine = max(index.line_boxes[s.line][3] - index.line_boxes[s.line][1] for s in match.spans)
    tallest = index.memo(f"party.tallest_top.{height!r}", lambda: _tallest_above(index, 0.4 * height))
    return tallest is not None and mine >= 0.95 * tallest


def _tallest_above(index: PageIndex, y: float) -> float | None:
    """The height of the page's tallest line that starts above `y` (None when none does)."""
    return max((b[3] - b[1] for b in index.line_boxes if b[1] < y), default=None)


def _labels(match: Match, index: PageIndex, role: str | None) -> tuple[float, float]:
    """(a label of the field's own role heads the name's block, a label of the other role does)."""
    if role not in ("issuer", "recipient"):
        return 0.0, 0.0
    texts = _heading_texts(match, index)
    issuer = any(found(ISSUER_LABEL, t) for t in texts)
    recipient = any(found(RECIPIENT_LABEL, t) for t in texts)
    if role == "issuer":
        return float(issuer and not recipient), float(recipient)
    return float(recipient and not issuer), float(issuer)


def _heading_texts(match: Match, index: PageIndex) -> list[str]:
    """The words before the name on its line, and the lines just above it that overlap it across."""
    span = match.spans[0]
    before = " ".join(w.text for w in index.lines[span.line][: span.start])
    x0, y0, x1, _ = match.bbox
    h = max(1.0, index.line_boxes[span.line][3] - index.line_boxes[span.line][1])
    above: list[tuple[float, str]] = []
    for li, b in enumerate(index.line_boxes):
        if li == span.line or b[3] > y0 + 0.3 * h or b[3] < y0 - LABEL_LINES_ABOVE * h:
            continue
        if b[2] < x0 - 2 * h or b[0] > x1:
            continue
        above.append((y0 - b[3], " ".join(w.text for w in index.lines[li])))
    return [before] + [t for _, t in sorted(above)[:3]]


def _in_web_address(value: str, index: PageIndex) -> bool:
    """Whether the name's most telling word is part of an e-mail or web address on the page."""
    tokens = [normalize(t) for t in re.split(r"\W+", value)]
    key = max((t for t in tokens if len(t) >= 4 and t not in _STOP), key=len, default="")
    if not key:
        return False
    return any(
        _WEB.search(w.text) and key in normalize(w.text)
        for i in index.lines_matching(_WEB)
        for w in index.lines[i]
    )


def _line_share(match: Match, index: PageIndex) -> float:
    """The share of its line's letters the name covers (1.0: the name stands alone on its line)."""
    span = match.spans[0]
    line = "".join(normalize(w.text) for w in index.lines[span.line])
    got = "".join(normalize(w.text) for w in index.words_of(span))
    return round(min(1.0, len(got) / len(line)), 3) if line else 0.0
