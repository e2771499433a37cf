"""Amounts asked as a sum of statement lines: "EBITDA less capex", "free cash flow", "EBITDA".

"What is the FY2022 unadjusted EBITDA less capex? Define unadjusted EBITDA as unadjusted operating
income + depreciation and amortization" asks for one amount built from three lines. The expression is
split at "less", "minus", "plus" (and " + ", " - "); each piece is a measure the question defines
("Define X as ...", "X is defined as ..."), one with a textbook definition (AMOUNT_DEFINITIONS), or a
line looked up as it is. A line subtracted counts by its size (capex is printed "(5,207)" in a
statement of cash flows and "5,207" in a note). An adjusted (non-GAAP) measure is the company's own
figure, not a sum of statement lines: it is never computed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docai.engines.text.qa_arith import POSSESSIVE, _measure
from docai.engines.text.qa_metrics import ABBREVIATIONS, Part, Term

AMOUNT_DEFINITIONS: dict[str, list[tuple[float, str]]] = {
    "ebitda": [(1.0, "operating income"), (1.0, "depreciation and amortization")],
    "free cash flow": [(1.0, "net cash provided by operating activities"), (-1.0, "capital expenditures")],
    "working capital": [(1.0, "total current assets"), (-1.0, "total current liabilities")],
    "net working capital": [(1.0, "total current assets"), (-1.0, "total current liabilities")],
}
"""Textbook definitions (not fitted to a dataset), used when the question states none."""
REPORTED_AS_IS = {"ebitda"}
"""Measures a company often prints in its own way (EBITDA from net income, with its adjustments): the
textbook sum stands in only when the question says "unadjusted"; otherwise the printed line is read."""
_UNADJUSTED_RE = re.compile(r"\bunadjusted\b", re.I)

_YEAR_RE = re.compile(r"\b(?:FY\s?'?)?((?:19|20)\d{2})\b", re.I)
_ASKED_RE = re.compile(
    rf"\bwhat\s+(?:is|was|were)\s+(?:the\s+)?(?:{POSSESSIVE}\s+)?(?:(?:FY\s?'?)?(?:19|20)\d{{2}}\s+)?"
    r"(?P<e>[a-z][\w\s&+-]*?)(?=\s+(?:for|of|in|at|during|from)\b|\s*[?.,;(\[]|$)",
    re.I,
)
_OPS_RE = re.compile(r"\s+(?:less|minus|net\s+of)\s+|\s+-\s+", re.I)
_PLUS_RE = re.compile(r"\s+(?:plus|\+)\s+", re.I)
_DEFINE_RES = [
    re.compile(r"\bdefine\s+(?P<n>[\w\s&-]+?)\s+as:?\s+(?P<f>[^.?\[]+)", re.I),
    re.compile(r"\b(?P<n>[\w&-]+(?:\s+[\w&-]+){0,3})\s+is\s+defined\s+as:?\s+(?P<f>[^.?\[]+)", re.I),
]
_ADJUSTED_RE = re.compile(r"(?<!un)adjusted|non-?gaap", re.I)
_QUALIFIER_RE = re.compile(r"\b(?:unadjusted|reported|gaap)\s+", re.I)


@dataclass
class AmountQuestion:
    """A signed sum of statement lines for one year."""

    term: Term
    year: int
    name: str


def _key(name: str) -> str:
    return " ".join(_QUALIFIER_RE.sub("", name.lower()).split())


def _definitions(question: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pattern in _DEFINE_RES:
        for m in pattern.finditer(question):
            formula = m.group("f").strip()
            if " / " not in formula:
                out.setdefault(_key(m.group("n")), formula)
    return out


def _signed_pieces(text: str) -> list[tuple[float, str]]:
    """'ebitda less capex' -> [(1, 'ebitda'), (-1, 'capex')]."""
    minus = _OPS_RE.split(text)
    out: list[tuple[float, str]] = []
    for i, piece in enumerate(minus):
        for j, chunk in enumerate(_PLUS_RE.split(piece)):
            out.append((-1.0 if i > 0 and j == 0 else 1.0, chunk.strip()))
    return out


def _expand(sign: float, chunk: str, defined: dict[str, str]) -> list[tuple[float, str]] | None:
    """A piece of the expression as signed statement lines."""
    key = _key(chunk)
    if key in defined:
        pieces = [(sign * s, c) for s, c in _signed_pieces(_QUALIFIER_RE.sub("", defined[key]))]
        if any(_key(c) in defined or _key(c) in AMOUNT_DEFINITIONS for _, c in pieces):
            return None  # nothing nested
        return [(s, _line(c)) for s, c in pieces]
    if key in AMOUNT_DEFINITIONS and (key not in REPORTED_AS_IS or _UNADJUSTED_RE.search(chunk)):
        return [(sign * s, m) for s, m in AMOUNT_DEFINITIONS[key]]
    return [(sign, _line(chunk))]


def _line(chunk: str) -> str:
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", chunk)
    measure = _measure(_QUALIFIER_RE.sub("", text))
    return ABBREVIATIONS.get(measure.lower(), measure)


def _asked(question: str) -> tuple[str, int] | None:
    """(the expression asked for, its one year), or None (a ratio, an adjusted measure, no one year)."""
    head = question.split("?")[0]
    m = _ASKED_RE.search(head)
    if m is None or " / " in m.group("e"):
        return None
    years = list(dict.fromkeys(int(y.group(1)) for y in _YEAR_RE.finditer(head)))
    if len(years) != 1 or _ADJUSTED_RE.search(m.group("e")):
        return None
    return m.group("e"), years[0]


def parse_line(question: str) -> tuple[str, int] | None:
    """(the one statement line, its year) a plain value question asks for ("What is Acme's FY2021 net
    income attributable to Acme Inc. common shareholders in USD millions?"), or None."""
    asked = _asked(question)
    if asked is None or len(_signed_pieces(asked[0])) != 1 or _key(asked[0]) in _definitions(question):
        return None
    line = _line(asked[0])
    return (line, asked[1]) if line else None


def parse_amount(question: str) -> AmountQuestion | None:
    """The sum a question asks for, or None (one plain line, a ratio, an adjusted measure, no one year)."""
    asked = _asked(question)
    if asked is None:
        return None
    expression, year = asked
    years = [year]
    defined = _definitions(question)
    lines: list[tuple[float, str]] = []
    for sign, chunk in _signed_pieces(expression):
        expanded = _expand(sign, chunk, defined)
        if expanded is None or any(not line for _, line in expanded):
            return None
        lines.extend(expanded)
    if len(lines) < 2:
        return None
    name = " ".join(expression.split())
    parts = [Part(line, [years[0]], "value", s, size=s < 0) for s, line in lines]
    return AmountQuestion(Term(parts), years[0], name)
