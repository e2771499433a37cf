"""Arithmetic questions over two retrieved values: change, growth, difference and ratio.

"How did net income change?" over two files, "What was the growth in revenue from 2022 to 2023?" or
"What is the ratio of net income to revenue?" each need two values. Each value is looked up on its own
(one file each, one year or quarter each, or one measure each) with the ordinary value finder, checked
to sit in a row or sentence that names the measure, and the answer states the result with its working
and cites both places. When either value cannot be found, or the two disagree in currency or scale, the
question goes on to ordinary retrieval: a computed answer is never made from a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docai.engines.text.qa_values import question_periods
from docai.engines.text.retrieval import tokenize

_YEAR_RE = re.compile(r"\b(?:FY\s?'?)?((?:19|20)\d{2})\b|\bFY\s?'?(\d{2})\b", re.IGNORECASE)
_VERB = (
    r"(?:change|changed|evolve|evolved|develop|move|grow|grew|increase|increased|decrease|decreased|"
    r"decline|fall|rise|drop)"
)
# words between "the" and "change": a possessive ("Amazon's"), "year-over-year", "percentage"
POSSESSIVE = r"(?:[\w&.-]+\s+){0,3}[\w&.-]+(?:['’]s|(?<=s)['’])"
"""A company's possessive of up to four words: "Amazon's", "Lockheed Martin's", "General Mills'"."""
# ... or the years it is between ("the FY2019 - FY2020 change in total assets")
_MODIFIERS = (
    r"(?:(?:[\w&.-]+(?:['’]s|(?<=s)['’])|year[- ]over[- ]year|yoy|annual|absolute|percentage|percent|%|"
    r"(?:FY\s?'?)?(?:19|20)\d{2}\s*[-–]\s*(?:FY\s?'?)?(?:19|20)\d{2})\s+)*"
)
_IN_PERCENT_RE = re.compile(r"\bin\s+(?:units\s+of\s+)?(?:percents?|percentage(?:\s+terms)?)\b", re.I)
_PERCENT_RE = re.compile(r"percent|%|\bpercentage\b", re.IGNORECASE)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ratio",
        re.compile(
            r"\bratio\s+(?:of|between)\s+(?:the\s+)?(?P<m>.+?)\s+(?:to|and|over)\s+(?:the\s+)?(?P<o>.+?)"
            r"(?P<rest>\s+(?:in|for|at|during|of)\b.*)?[?？.]*\s*$",
            re.IGNORECASE,
        ),
    ),
    (
        "ratio",
        re.compile(
            r"\b(?:what|how\s+much)\s+(?:is|was|were|are)\s+(?:the\s+)?(?P<m>.+?)\s+as\s+an?\s+"
            r"(?:percentage|percent|share|proportion|fraction)\s+of\s+(?:the\s+)?(?P<o>.+?)"
            r"(?P<rest>\s+(?:in|for|at|during)\b.*)?[?？.]*\s*$",
            re.IGNORECASE,
        ),
    ),
    (
        "growth",
        re.compile(
            r"\b(?:what|how\s+much)\s+(?:is|was|were)\s+(?:the\s+)?"
            + _MODIFIERS
            + r"(?:growth(?:\s+rate)?|percentage\s+change|%\s*change|change\s+in\s+percent)"
            r"\s+(?:of|in)\s+(?:the\s+)?(?P<m>.+?)(?P<rest>\s+(?:from|between|in|for|over|during)\b.*)?[?？.]*\s*$",
            re.IGNORECASE,
        ),
    ),
    (
        "change",
        re.compile(
            r"\b(?:what|how\s+much)\s+(?:is|was|were)\s+(?:the\s+)?"
            + _MODIFIERS
            + r"(?:change|difference|increase|decrease|decline|rise|drop)\s+(?:in|of)\s+(?:the\s+)?(?P<m>.+?)"
            r"(?P<rest>\s+(?:from|between|in|for|over|during)\b.*)?[?？.]*\s*$",
            re.IGNORECASE,
        ),
    ),
    (
        # "By how much did Acme increase its revenue from 2022 to 2023?": the measure follows "its"
        "change",
        re.compile(
            rf"\b(?:how|by\s+how\s+much)\s+(?:did|has|have|does|do)\s+(?:[\w&.'-]+\s+){{1,3}}?{_VERB}\s+"
            r"(?:its|their)\s+(?P<m>.+?)(?P<rest>\s+(?:from|between|in|for|over|during|since|on|at|as\s+of)\b.*)?"
            r"[?？.]*\s*$",
            re.IGNORECASE,
        ),
    ),
    (
        "change",
        re.compile(
            rf"\b(?:how|by\s+how\s+much)\s+(?:did|has|have|does|do)\s+(?:the\s+)?(?P<m>.+?)\s+{_VERB}"
            r"(?P<rest>\b.*)?[?？.]*\s*$",
            re.IGNORECASE,
        ),
    ),
]
_POSSESSIVE_RE = re.compile(rf"^{POSSESSIVE}\s+", re.IGNORECASE)


@dataclass
class ArithQuestion:
    """`op` is change, growth or ratio; `metric` (and `other`, the ratio's denominator) are measures."""

    op: str
    metric: str
    other: str | None = None
    years: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)


def _years(text: str) -> list[int]:
    out = []
    for m in _YEAR_RE.finditer(text):
        out.append(int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)))
    return list(dict.fromkeys(out))


def _measure(text: str) -> str:
    """The measure's words: possessives, years and quarters out ("Contoso's 2023 revenue" -> "revenue")."""
    text = _POSSESSIVE_RE.sub("", text.strip())
    text = _YEAR_RE.sub(" ", text)
    text = re.sub(r"\b[QH][1-4]\b|\b(?:first|second|third|fourth)\s+quarter\b", " ", text, flags=re.I)
    text = re.sub(r"\b(?:the|company|total\s+of)\b\s*$", "", text.strip(), flags=re.I)
    return " ".join(text.split()).strip(" ,.;:")


def parse_arith(question: str) -> ArithQuestion | None:
    """The operation and measures of an arithmetic question, or None for any other question."""
    # the question proper: up to its first "?", brackets aside ("(in percents)" is a hint, not the measure)
    head = question.strip().split("?")[0]
    hints = " ".join(re.findall(r"\(([^)]*)\)", head))
    q = " ".join(re.sub(r"\([^)]*\)", " ", head).split()) + "?"
    for op, pattern in _PATTERNS:
        m = pattern.search(q)
        if m is None:
            continue
        metric = _measure(m.group("m"))
        other = _measure(m.group("o")) if "o" in m.groupdict() and m.group("o") else None
        if not [t for t in tokenize(metric) if not t[0].isdigit()]:
            continue
        if other is not None and not [t for t in tokenize(other) if not t[0].isdigit()]:
            continue
        asks_percent = _PERCENT_RE.search(f"{q[: m.start('m')]} {hints}") or _IN_PERCENT_RE.search(q)
        if op == "change" and asks_percent:
            op = "growth"  # "the percentage change in", "(in units of percents)", "... in percents?"
        return ArithQuestion(op, metric, other, _years(q), question_periods(q))
    return None


@dataclass
class Operand:
    """One value of the working: its number, how it is printed, and where it was read."""

    value: float
    text: str
    label: str  # where: "2023.pdf p. 1", "2023"
    prefix: str = ""  # currency as printed before the number
    suffix: str = ""  # scale or percent after it


def split_printed(text: str) -> tuple[str, float, str] | None:
    """'EUR 41.9 million' -> ('EUR ', 41.9, ' million'); '-$1,577' -> ('$', -1577.0, '')."""
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if m is None:
        return None
    try:
        value = float(m.group(0).replace(",", ""))
    except ValueError:
        return None
    head = text[: m.start()]
    negative = head.lstrip().startswith("-") or head.rstrip().endswith("(")
    prefix = head.replace("-", "").replace("(", "").lstrip()
    suffix = text[m.end() :].replace(")", "")
    return prefix, -value if negative else value, suffix


_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9}


def _scale(suffix: str) -> float | None:
    s = suffix.strip().lower()
    if not s:
        return 1.0
    return _SCALES.get(s)


def _decimals(*texts: str) -> int:
    """The most decimals the operands print ('41.9' -> 1), so a difference is stated as precisely."""
    out = 0
    for t in texts:
        m = re.search(r"\d[\d,]*\.(\d+)", t)
        if m:
            out = max(out, len(m.group(1)))
    return out


def _fmt(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def compose(op: str, metric: str, a: Operand, b: Operand) -> tuple[str, str] | None:
    """(answer text, working) for `op` over operands a (earlier, or the numerator) and b; None when
    their currencies or scales do not agree."""
    if a.prefix.strip() and b.prefix.strip() and a.prefix.strip() != b.prefix.strip():
        return None  # two currencies (a statement prints its currency on the first row only: "" agrees)
    currency = a.prefix or b.prefix
    sa, sb = _scale(a.suffix), _scale(b.suffix)
    if a.suffix.strip() == "%" or b.suffix.strip() == "%":
        if a.suffix.strip() != b.suffix.strip():
            return None
        sa = sb = 1.0
    if sa is None or sb is None:
        return None
    name = metric[0].upper() + metric[1:]
    if op == "ratio":
        denominator = b.value * sb
        if denominator == 0:
            return None
        ratio = a.value * sa / denominator
        working = f"{a.text} / {b.text} = {ratio:.4g}"
        return f"{ratio:.2f} ({ratio * 100:.1f}%): {a.text} ({a.label}) / {b.text} ({b.label})", working
    unit, base = b.suffix, sb  # the difference is stated in the later value's scale
    diff = (b.value * sb - a.value * sa) / base
    places = _decimals(a.text, b.text)
    if a.value == 0:
        pct_text, pct_work = "", ""
    else:
        pct = diff * base / abs(a.value * sa) * 100
        pct_text, pct_work = (
            f" ({pct:+.1f}%)",
            f"; {_fmt(diff, places)} / {_fmt(abs(a.value * sa) / base, places)} = {pct:+.1f}%",
        )
    direction = "rose" if diff > 0 else "fell" if diff < 0 else "was unchanged"
    moved = f"{'+' if diff >= 0 else '-'}{currency}{_fmt(abs(diff), places)}{unit}"
    working = f"{b.text} - {a.text} = {moved}{pct_work}"
    if op == "growth" and pct_text:
        head = pct_text.strip(" ()")
        return f"{head}: {name} {direction} from {a.text} ({a.label}) to {b.text} ({b.label})", working
    return f"{moved}{pct_text}: {name} {direction} from {a.text} ({a.label}) to {b.text} ({b.label})", working
