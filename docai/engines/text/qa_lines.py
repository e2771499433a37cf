"""The captions a statement prints for a line a formula names, and picking the row that prints one.

A formula says "capital expenditures"; a cash flow statement prints "Capital spending", "Purchases of
property and equipment" or "Additions to property, plant and equipment". Looking the measure up by its
formula name alone finds whichever row shares most words with the name's expansion ("Sales of
property, plant and equipment" shares three of four), so each name below is looked up in turn and
the row whose label prints most of one name's own words is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from docai.engines.text.qa_find import Candidate
from docai.engines.text.qa_metrics import ABBREVIATIONS
from docai.engines.text.retrieval import tokenize

LINE_NAMES: dict[str, list[str]] = {
    "capital expenditures": [
        "capital expenditures",
        "capital spending",
        "purchases of property plant and equipment",
        "additions to property plant and equipment",
        "payments for property plant and equipment",
    ],
    "depreciation and amortization": [
        "depreciation and amortization",
        "depreciation depletion and amortization",
    ],
    "net cash provided by operating activities": [
        "net cash provided by operating activities",
        "cash provided by operations",
        "net cash from operating activities",
        "cash flows from operating activities",
    ],
    "operating income": [
        "operating income",
        "income from operations",
        "earnings from operations",
        "operating profit",
    ],
    "property plant and equipment": [
        "property plant and equipment",
        "property and equipment",
        "land buildings and equipment",
    ],
    "dividends paid": [
        "dividends paid",
        "cash dividends paid",
        "dividends paid to shareholders",
    ],
}
"""Common US GAAP captions (general accounting usage, not read off any evaluation set), best first."""
SAME_LINE: dict[str, str] = {
    "cash from operations": "net cash provided by operating activities",
    "cash flow from operations": "net cash provided by operating activities",
    "cash flows from operations": "net cash provided by operating activities",
    "operating cash flow": "net cash provided by operating activities",
    "operating cash flows": "net cash provided by operating activities",
    "cash from operating activities": "net cash provided by operating activities",
    "cash provided by operating activities": "net cash provided by operating activities",
    "cash dividends": "dividends paid",
    "dividends": "dividends paid",
}
"""Other names a formula gives a line of LINE_NAMES (a leading "total" aside: "total cash dividends paid")."""
MIN_LABEL_SHARE = 0.6
"""Share of a name's words the row label must print for the row to stand for the line."""


def _label(c: Candidate) -> str:
    text = c.passage.text
    start = text.rfind("\n", 0, c.start) + 1 if c.passage.kind == "table" else max(0, c.start - 120)
    return text[start : c.start]


def _label_precision(c: Candidate, name: str) -> float:
    """Share of the row label's words that are `name`'s: on a tie of label_share, "Earnings from
    operations" (all of it the name) beats "Income from operating investments, net" for operating income."""
    label = [t for t in tokenize(_label(c)) if not t[0].isdigit()]
    words = set(tokenize(name))
    return sum(t in words for t in label) / len(label) if label else 0.0


def label_share(c: Candidate, name: str) -> float:
    """Share of `name`'s words printed in the label of the candidate's row (its text before the value)."""
    text = c.passage.text
    start = text.rfind("\n", 0, c.start) + 1 if c.passage.kind == "table" else max(0, c.start - 120)
    label = set(tokenize(text[start : c.start]))
    words = [t for t in tokenize(name) if not t[0].isdigit()]
    return sum(t in label for t in words) / len(words) if words else 0.0


def _names(spelled: str) -> list[str] | None:
    """The captions of the line `spelled` names (a caption, a LINE_NAMES key or a SAME_LINE name)."""
    words = tokenize(spelled)
    for key, names in LINE_NAMES.items():
        if any(tokenize(n) == words for n in [key, *names]):
            return names
    key = next((k for k in SAME_LINE if tokenize(k) == words), None)
    return LINE_NAMES[SAME_LINE[key]] if key else None


def read_line(measure: str, lookup: Callable[[str], Candidate | None]) -> Candidate | None:
    """The row for `measure`: by each of its printed names when it has several (the row printing most
    of a name's words wins, the earlier name on a tie), else by `lookup(measure)` alone."""
    spelled = ABBREVIATIONS.get(measure.lower(), measure.lower())
    names = _names(spelled) or _names(re.sub(r"^total\s+", "", spelled))
    if not names:
        return lookup(measure)
    best: tuple[tuple[float, float], Candidate] | None = None
    for name in names:
        c = lookup(name)
        if c is None:
            continue
        share = label_share(c, name)
        key = (share, _label_precision(c, name))
        if share >= MIN_LABEL_SHARE and (best is None or key > best[0]):
            best = (key, c)
    return best[1] if best else None
