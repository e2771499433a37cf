"""Financial ratios asked by name or by definition: margins, "X as a % of Y", averages over years.

"What is the FY2022 operating margin?", "three year average of cost of goods sold as a % of revenue
from FY2016 to FY2018", "asset turnover ratio is defined as: FY2020 revenue / (average total assets
between FY2019 and FY2020)". Each is a numerator over a denominator, per year, optionally averaged over
a range of years. A margin's numerator is the textbook one (gross profit, operating income, net income;
EBITDA as operating income plus depreciation and amortization) over revenue. Every value is looked up
on its own, as the change and growth answers do (qa_compute), and the answer shows its working and
cites every value; when any value is missing, or scales cannot be reconciled, there is no answer here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docai.engines.text.qa_arith import POSSESSIVE, _measure, _scale, split_printed

_YEAR = r"(?:FY\s?'?)?((?:19|20)\d{2})"
_RANGE_RES = [
    re.compile(rf"\b(?:from|between)\s+{_YEAR}\s+(?:to|and|through|-)\s+{_YEAR}", re.I),
    re.compile(rf"{_YEAR}\s*[-–]\s*{_YEAR}", re.I),
]
_YEARS_RE = re.compile(rf"\b{_YEAR}\b", re.I)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_AVERAGE_RE = re.compile(r"\b(?:(two|three|four|five|[2-5])[- ]year\s+)?average\b", re.I)
_MARGIN_RE = re.compile(
    r"\b(gross|operating|net\s+profit|net|ebitda|ebit|pre-?tax)\s+(?:(?:income|profit)\s+)?"
    r"(?:%\s*|percent(?:age)?\s+)?margin\b",
    re.I,
)
MARGIN_NUMERATORS: dict[str, list[str]] = {
    "gross": ["gross profit"],
    "operating": ["operating income"],
    "ebit": ["operating income"],
    "net": ["net income"],
    "net profit": ["net income"],
    "pretax": ["income before income taxes"],
    "ebitda": ["operating income", "depreciation and amortization"],
}
"""Textbook definitions (not fitted to a dataset): the numerator of each margin, over revenue."""
MARGIN_COMPLEMENTS: dict[str, str] = {"gross": "cost of sales"}
"""A margin that is 1 - this line over revenue, for statements that do not print its numerator."""
ABBREVIATIONS: dict[str, str] = {
    "cogs": "cost of goods sold",
    "d&a": "depreciation and amortization",
    "capex": "capital expenditures",
    "sg&a": "selling general and administrative expenses",
    "pp&e": "property plant and equipment",
    "ppne": "property plant and equipment",
    "r&d": "research and development",
}
"""Accounting shorthand in a formula -> the words a statement prints, so the value is looked up by them."""
_SHARE_RE = re.compile(
    rf"(?:average\s+of|what\s+(?:is|was|were)|what's)\s+(?:the\s+)?(?:{POSSESSIVE}\s+)?(?:FY\s?'?\d{{2,4}}\s+)?"
    r"(?P<m>[a-z][\w\s&,-]*?)\s+as\s+an?\s+(?:%|percent(?:age)?|share|proportion)\s+of\s+(?:the\s+)?"
    r"(?P<o>[a-z][\w\s&-]*?)(?=\s+(?:from|for|in|between|over|during|at)\b|\s*[?.,;(]|$)",
    re.I,
)
_AVERAGE_OF_RE = re.compile(r"^(?:(?:two|three|four|five|[2-5])[- ]year\s+)?average\s+of\s+", re.I)
_LEADING_RANGE_RE = re.compile(rf"^{_YEAR}\s*(?:[-–]|to|through)\s*{_YEAR}\s+", re.I)
_DEFINED_RE = re.compile(
    r"(?:\bdefined\s+as|\bdefine\s+(?P<n>[\w\s&%-]{1,60}?)\s+as):?\s*(?P<f>[^?]+?)(?:\.\s|\.?$|\?)", re.I
)
_CHANGE_RE = re.compile(
    r"\bchange\s+(?:in|of)\b|\b(?:increase|decrease|difference)\s+in\b|\bhow\s+(?:did|has)\b.*\bchange", re.I
)
_PART_RE = re.compile(
    rf"^(?P<how>average|change\s+in)\s+(?P<m>.+?)\s+between\s+{_YEAR}\s+and\s+{_YEAR}$", re.I
)


@dataclass
class Part:
    """One measure of a term: its value in a year, its mean over years, or its change between two."""

    measure: str
    years: list[int] = field(default_factory=list)
    """[] takes the year the ratio is computed for."""
    how: str = "value"  # "value", "average" or "change" (last year's value less the first's)
    sign: float = 1.0
    size: bool = False
    """Take the value's size, whatever sign the statement prints it with (an outflow subtracted)."""


@dataclass
class Term:
    """A signed sum of parts times a constant ("365 * (average accounts payable between ...)")."""

    parts: list[Part]
    factor: float = 1.0

    @classmethod
    def of(cls, measures: list[str]) -> Term:
        return cls([Part(m) for m in measures])

    @property
    def measures(self) -> list[str]:
        return [p.measure for p in self.parts]

    @property
    def years(self) -> list[int]:
        return sorted({y for p in self.parts for y in p.years})


@dataclass
class MetricQuestion:
    numerator: Term
    denominator: Term
    years: list[int]
    """The years the ratio is computed for (averaged when several); terms without years take each."""
    percent: bool
    name: str
    is_margin: bool = False
    change: bool = False
    """The last year's ratio less the first's (in percentage points for a percent), not their mean."""
    complement: bool = False
    """The ratio is 1 - numerator / denominator."""
    complement_of: Term | None = None
    """When the numerator is not found: the term whose share of the denominator is 1 - the ratio."""


def _years(text: str) -> list[int]:
    return list(dict.fromkeys(int(m.group(1)) for m in _YEARS_RE.finditer(text)))


def _year_range(text: str) -> list[int] | None:
    for pattern in _RANGE_RES:
        m = pattern.search(text)
        if m:
            a, b = sorted((int(m.group(1)), int(m.group(2))))
            if 0 < b - a <= 5:
                return list(range(a, b + 1))
    return None


def _ratio_years(question: str) -> list[int] | None:
    """The years to compute for: a stated range when an average is asked, its two ends when a change
    is, else the one year named."""
    if _CHANGE_RE.search(question) and not _AVERAGE_RE.search(question):
        years = _year_range(question)
        return [years[0], years[-1]] if years else None
    avg = _AVERAGE_RE.search(question)
    if avg:
        years = _year_range(question)
        count = _COUNTS.get((avg.group(1) or "").lower())
        if years is None or (count is not None and count != len(years)):
            return None
        return years
    years = _years(question)
    return years if len(years) == 1 else None


def _signed_chunks(text: str) -> list[tuple[float, str]]:
    """'a + b - c' -> [(1, 'a'), (1, 'b'), (-1, 'c')] (only signs with spaces around them)."""
    pieces = re.split(r"\s+([+-])\s+", text)
    out = [(1.0, pieces[0])]
    for sign, chunk in zip(pieces[1::2], pieces[2::2], strict=True):
        out.append((1.0 if sign == "+" else -1.0, chunk))
    return out


def _spelled(measure: str) -> str:
    return ABBREVIATIONS.get(measure.lower(), measure)


def _part(chunk: str, sign: float, default_years: list[int]) -> Part | None:
    m = _PART_RE.match(chunk.strip())
    if m:
        years = sorted({int(m.group(3)), int(m.group(4))})
        how = "average" if m.group("how").lower() == "average" else "change"
        measure = _spelled(_measure(m.group("m")))
        return Part(measure, years, how, sign) if measure and len(years) == 2 else None
    measure = _spelled(_measure(chunk))
    years = _years(chunk)
    if not measure or len(years) > 1:
        return None
    return Part(measure, years or list(default_years), "value", sign)


def _side(text: str, default_years: list[int]) -> Term | None:
    """One side of a stated formula: "FY2020 revenue", "365 * (average accounts payable between FY2016
    and FY2017)", "(FY2017 COGS + change in inventory between FY2016 and FY2017)"; nothing nested."""
    text = " ".join(text.split())
    factor = 1.0
    m = re.match(r"^(\d+(?:\.\d+)?)\s*[*×]\s*", text)
    if m:
        factor, text = float(m.group(1)), text[m.end() :]
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    if "(" in text or ")" in text:
        return None
    parts = [_part(chunk, sign, default_years) for sign, chunk in _signed_chunks(text)]
    if not parts or any(p is None for p in parts):
        return None
    return Term([p for p in parts if p is not None], factor)


def _defined(question: str, years: list[int] | None = None) -> MetricQuestion | None:
    """The first stated formula "X is defined as: A / B"; `years`: the year it is for, when the
    caller knows it (a part of a composite), else the first year named before it or in A."""
    m = _DEFINED_RE.search(question)
    if m is None or m.group("f").count(" / ") != 1:
        return None
    top, bottom = m.group("f").split(" / ")
    years = years or (_years(question[: m.start()]) or _years(top))[:1]
    num, den = _side(top, years), _side(bottom, years)
    if num is None or den is None or not all(p.years for p in num.parts + den.parts):
        return None
    percent = bool(re.search(r"%|percent", question, re.I))
    before = re.sub(r"\s+(?:is|was|are)\s*$", "", question[: m.start()].rstrip(" ,:"), flags=re.I)
    before = re.split(r"[?!]\s|\.\s", before)[-1]  # the sentence that names what is defined
    name = " ".join((m.group("n") or " ".join(before.split()[-4:])).split()).strip(" ,.:") or "ratio"
    return MetricQuestion(num, den, years, percent, name)


TEXTBOOK_RATIOS: dict[str, tuple[list[str], list[str]]] = {
    "current ratio": (["total current assets"], ["total current liabilities"]),
    "working capital ratio": (["total current assets"], ["total current liabilities"]),
}
"""Ratios with one textbook definition (not fitted to a dataset), used when the question states none."""


def _textbook(question: str) -> MetricQuestion | None:
    for name, (num, den) in TEXTBOOK_RATIOS.items():
        if re.search(rf"\b{name}\b", question, re.I):
            years = _ratio_years(question)
            if not years:
                return None
            change = bool(_CHANGE_RE.search(question)) and len(years) == 2
            return MetricQuestion(Term.of(num), Term.of(den), years, False, name, change=change)
    return None


_USING_RE = re.compile(
    r"\b(?P<name>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,3}\s+ratio)\s*\(\s*using\s+(?:the\s+)?(?P<a>[^()]+?)\s+and\s+"
    r"(?:the\s+)?(?P<b>[^()]+?)\s*\)",
    re.I,
)


def _using(question: str) -> MetricQuestion | None:
    """ "the FY2018 dividend payout ratio (using total cash dividends paid and net income)": the first
    named measure over the second, for the one year named."""
    m = _USING_RE.search(question)
    years = _ratio_years(question) if m else None
    if m is None or not years or len(years) != 1:
        return None
    num, den = _spelled(_measure(m.group("a"))), _spelled(_measure(m.group("b")))
    if not num or not den:
        return None
    name = " ".join(m.group("name").split()[-3:])
    return MetricQuestion(Term.of([num]), Term.of([den]), years, False, name)


def parse_metric(question: str) -> MetricQuestion | None:
    """The ratio a question asks for, or None when it asks for none of these."""
    defined = _defined(question) or _textbook(question) or _using(question)
    if defined is not None:
        return defined
    margin = _MARGIN_RE.search(question)
    share = _SHARE_RE.search(question)
    if margin is None and share is None:
        return None
    years = _ratio_years(question)
    if not years:
        return None
    change = bool(_CHANGE_RE.search(question)) and len(years) == 2 and not _AVERAGE_RE.search(question)
    if share is not None:
        # "FY2018 - FY2020 3 year average of capex": the range and "average of" are no part of the measure
        num = _measure(_AVERAGE_OF_RE.sub("", _LEADING_RANGE_RE.sub("", share.group("m"))))
        den = _measure(share.group("o"))
        if not num or not den:
            return None
        return MetricQuestion(
            Term.of([num]), Term.of([den]), years, True, f"{num} as a % of {den}", change=change
        )
    assert margin is not None
    kind = " ".join(margin.group(1).lower().replace("-", "").split())
    name = f"{kind} margin" if kind != "ebitda" else "EBITDA margin"
    numerator = Term.of(MARGIN_NUMERATORS[kind])
    complement = Term.of([MARGIN_COMPLEMENTS[kind]]) if kind in MARGIN_COMPLEMENTS else None
    return MetricQuestion(
        numerator, Term.of(["revenue"]), years, True, name, True, change, complement_of=complement
    )


def absolute(printed: str) -> tuple[float, str] | None:
    """('$1,234 million') -> (1.234e9, '$'); None for a percent or an unknown scale."""
    parts = split_printed(printed)
    if parts is None:
        return None
    prefix, value, suffix = parts
    if suffix.strip() == "%":
        return None
    scale = _scale(suffix)
    return (value * scale, prefix.strip()) if scale is not None else None


def format_result(value: float, percent: bool) -> str:
    return f"{value * 100:.1f}%" if percent else f"{value:.2f}"


_NAMED_DEF_RE = re.compile(
    r"\b(?P<name>[A-Z][A-Za-z&]{1,9})\s+is\s+defined\s+as:?\s*(?P<f>[^?]+?)(?:\.\s|\.?$|\?)"
)


@dataclass
class CompositeQuestion:
    """A metric defined as a signed sum of other defined ratios ("CCC is defined as: DIO + DSO - DPO")."""

    parts: list[tuple[float, str, MetricQuestion]]
    year: int
    name: str


def parse_composite(question: str) -> CompositeQuestion | None:
    """The composite a question defines, each part parsed from its own definition in the question."""
    defs = list(_NAMED_DEF_RE.finditer(question))
    if len(defs) < 2 or " / " in defs[0].group("f"):
        return None
    first = defs[0]
    by_name = {d.group("name").upper(): d for d in defs[1:]}
    years = _years(question[: first.start()])[:1]
    if not years:
        return None
    parts = []
    for sign, chunk in _signed_chunks(first.group("f").strip()):
        d = by_name.get(chunk.strip().upper())
        mq = _defined(d.group(0), years) if d is not None else None
        if mq is None:
            return None
        parts.append((sign, chunk.strip(), mq))
    return CompositeQuestion(parts, years[0], first.group("name"))
