"""Where a found value sits among the page's words: after a 'Label:' key, the largest amount printed.

Engine-independent signals for the confidence model (see docai.verify.confidence); pure functions of a
grounding match and the page's index.
"""

from __future__ import annotations

from docai.verify.grounding import Match
from docai.verify.pageindex import PageIndex

_KEY_ENDS = (":", "：", "#")


def keyed(match: Match, index: PageIndex) -> bool:
    """Whether the value follows a 'Key:' label on its line, or starts the line under one ('Bill to:')."""
    span = match.spans[0]
    line = index.lines[span.line]
    if span.start > 0:
        return line[span.start - 1].text.rstrip().endswith(_KEY_ENDS)
    if span.line > 0 and index.lines[span.line - 1]:
        return index.lines[span.line - 1][-1].text.rstrip().endswith(_KEY_ENDS)
    return False


def largest_amount(value: float, index: PageIndex) -> bool:
    """Whether `value` is the largest amount with decimals printed on the page (a receipt's total
    usually is; cash tendered can be larger, which the model weighs)."""
    largest = index.memo("layout.largest_amount", lambda: _largest(index))
    return largest is not None and abs(abs(value) - largest) < 0.005


def _largest(index: PageIndex) -> float | None:
    """The largest magnitude of the page's amounts with decimals (None when it prints none)."""
    return max((abs(t.value) for t in index.numbers if t.has_decimals), default=None)
