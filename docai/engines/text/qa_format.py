"""How a value found in a passage is printed as an answer: currency, sign, unit and scale.

"EUR 41.9 million" keeps the space a currency code needs ("$41.9 million" takes none); a table value
gets the scale its page states ("(in millions)" -> "$1,577 million"); a number in brackets is negative
("(1,577)" -> "-$1,577 million") unless the question asks for an outflow by name (capital expenditure,
purchases, dividends paid), whose size is the answer.
"""

from __future__ import annotations

import math
import re

from docai.engines.text.passages import Passage
from docai.values import parse_number

_CJK_SUFFIXES = ("亿元", "万元", "元", "亿", "万")
_SCALE_WORDS = {"millions": "million", "thousands": "thousand", "billions": "billion"}
# a question about money that leaves out its currency, named instead in words: "in USD millions"
_QUESTION_DOLLARS_RE = re.compile(r"\busd\b|\$|\bdollars?\b|\bus\$", re.IGNORECASE)
# what a statement of cash flows prints in brackets because it leaves the company
_OUTFLOW_RE = re.compile(
    r"\b(?:capital expenditures?|capex|purchases?|payments?|paid|repurchases?|dividends|spent|spend|"
    r"expenditures?|outflows?|costs?|expenses?|taxes)\b",
    re.IGNORECASE,
)


def currency_text(cur: str, amount: str) -> str:
    """'EUR' + '41.9' -> 'EUR 41.9'; '$' + '41.9' -> '$41.9' (codes and 'RMB' take a space)."""
    cur = cur.strip()
    if not cur:
        return amount
    return f"{cur} {amount}" if cur[-1].isalpha() else f"{cur}{amount}"


def format_amount(
    match: re.Match[str], passage: Passage, kind: str, question: str = "", label: str = ""
) -> str:
    """The answer text for a VALUE_RE match found in `passage` (see the module docstring)."""
    cur = (match.group("cur") or "").strip()
    suf = (match.group("suf") or "").strip()
    raw = match.group("num")
    negative = (raw.startswith("(") and raw.endswith(")")) or raw.startswith("-")
    num = raw.strip("()-")
    scale = ""
    if suf:
        scale = suf if suf in ("%", *_CJK_SUFFIXES) else f" {suf}"
    elif passage.unit and kind == "number" and passage.kind == "table" and parse_number(num):
        scale = f" {_SCALE_WORDS.get(passage.unit, passage.unit)}"
        if not cur:
            cur = passage.currency or ("$" if _QUESTION_DOLLARS_RE.search(question) else "")
    if negative and _OUTFLOW_RE.search(f"{question} {label}"):
        negative = False  # "how much was capital expenditure": its size, not its sign in the statement
    text = currency_text(cur, num) + scale
    return f"-{text}" if negative else text


def number_of(text: str) -> float | None:
    """The first number of an answer text, with its sign ('-$1,577 million' -> -1577)."""
    m = re.search(r"-?\(?\d[\d,]*(?:\.\d+)?\)?", text)
    if m is None:
        return None
    value = parse_number(m.group(0).strip("()"))
    if value is None:
        return None
    return -abs(value) if m.group(0).startswith(("-", "(")) else value


_ASKED_SCALE_RE = re.compile(
    r"\bin\s+(?:(?:usd|us\$|\$|eur|gbp)\s*)?(?P<s>thousands|millions|billions)(?:\s+of\s+(?:usd|dollars|euros))?\b"
    r"|\b(?:usd|us\$|\$)\s*(?P<s2>thousands|millions|billions)\b",
    re.IGNORECASE,
)
_SCALED_RE = re.compile(
    r"^(?P<sign>-?)(?P<cur>[^\d\s-]*\s?)(?P<num>\d[\d,]*(?:\.\d+)?)\s(?P<scale>thousand|million|billion)$"
)
_FACTORS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def asked_scale(question: str) -> str | None:
    """The scale a question wants its amount in ("Answer in USD billions" -> "billion"), or None."""
    m = _ASKED_SCALE_RE.search(question)
    if m is None:
        return None
    return _SCALE_WORDS[(m.group("s") or m.group("s2")).lower()]


def in_asked_scale(text: str, question: str) -> str:
    """An amount printed with a scale ("$8,738 million") restated in the scale the question asks for
    ("$8.738 billion"), with as many decimals as keep its printed precision; other text as it is."""
    want = asked_scale(question)
    m = _SCALED_RE.match(text.strip())
    if want is None or m is None or m.group("scale") == want:
        return text
    value = parse_number(m.group("num"))
    if value is None:
        return text
    digits = m.group("num").split(".")[1] if "." in m.group("num") else ""
    ratio = _FACTORS[m.group("scale")] / _FACTORS[want]
    places = max(0, len(digits) + round(-math.log10(ratio)))
    amount = f"{value * ratio:,.{places}f}"
    return f"{m.group('sign')}{currency_text(m.group('cur'), amount)} {want}"
