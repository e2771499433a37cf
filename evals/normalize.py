"""Value normalization for comparing predictions with ground truth: text, dates, numbers.

Pure functions. Text compares case-, whitespace- and punctuation-insensitively; dates become ISO
strings; money and plain numbers become floats (with `1,234.50`, `1.234,56`, `(12.00)`, `$ 12`,
`1.2 billion` all understood).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import date
from typing import Any

_log = logging.getLogger(__name__)

MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _n in _names:
        MONTHS[_n] = _i

SCALES: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mn": 1e6,
    "mm": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}

_CURRENCY = r"(?:[$€£¥₹]|US\$|RM|USD|EUR|GBP|JPY|CNY|RMB|INR|MYR|PLN|CHF|SGD|AUD|CAD|元|Rs\.?)"
_NUMBER_RE = re.compile(
    r"^\s*(?P<neg1>[-−(])?\s*(?:" + _CURRENCY + r")?\s*(?P<neg2>[-−])?\s*"
    r"(?P<num>\d[\d\s.,'’]*\d|\d)\s*(?P<pct>%)?\s*"
    r"(?P<scale>thousand|millions?|billions?|trillion|mn|mm|bn|tn|[kmb])?\.?\s*"
    r"(?:" + _CURRENCY + r")?\s*(?P<neg3>[)-])?\s*$",
    re.IGNORECASE,
)


def norm_text(value: Any) -> str:
    """Casefolded NFKC text without punctuation, whitespace collapsed to single spaces."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value)).casefold()
    s = "".join(" " if unicodedata.category(ch)[0] in "PZ" or ch in "\t\n\r" else ch for ch in s)
    return " ".join(s.split())


def is_empty(value: Any) -> bool:
    """None, empty or blank strings, and empty lists/dicts count as 'no value'."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False


def _digits_to_float(num: str) -> float | None:
    """'1,234.56' / '1.234,56' / '1 234' / '12,5' -> float; the last separator decides decimals."""
    s = re.sub(r"[\s'’]", "", num)
    if not s:
        return None
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        dec = "." if last_dot > last_comma else ","
        other = "," if dec == "." else "."
        s = s.replace(other, "")
        if s.count(dec) > 1:
            return None
        s = s.replace(dec, ".")
    elif last_comma >= 0:
        parts = s.split(",")
        if len(parts) > 2 or (len(parts[-1]) == 3 and parts[0] != "0"):
            if not all(len(p) == 3 for p in parts[1:]):
                return None
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif s.count(".") > 1:
        parts = s.split(".")
        if not all(len(p) == 3 for p in parts[1:]):
            return None
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None


def parse_number(value: Any) -> float | None:
    """A number from an int/float or a money-like string; None when the string is not one number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    m = _NUMBER_RE.match(value)
    if not m:
        return None
    number = _digits_to_float(m.group("num"))
    if number is None:
        return None
    scale = m.group("scale")
    if scale:
        number *= SCALES[scale.lower()]
    negative = m.group("neg2") or (m.group("neg1") == "(" and m.group("neg3") == ")")
    negative = negative or (m.group("neg1") in ("-", "−") and not m.group("neg3"))
    negative = negative or (m.group("neg3") == "-" and not m.group("neg1"))
    if m.group("neg1") == "(" and m.group("neg3") != ")":
        return None
    return -number if negative else number


def _valid(y: int, mo: int, d: int) -> str | None:
    if y < 100:
        y += 2000 if y < 70 else 1900
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


_ISO_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_DMY_WORD_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-./]*([a-z]+)\.?[\s\-./,]*(\d{2,4})$")
_MDY_WORD_RE = re.compile(r"^([a-z]+)\.?[\s\-./]*(\d{1,2})(?:st|nd|rd|th)?[\s,\-./]+(\d{2,4})$")


def parse_date(value: Any, *, dayfirst: bool = True) -> str | None:
    """ISO `YYYY-MM-DD` from common date spellings; None when the value is not a date.

    Numeric dates are read day-first unless impossible (`25/12/2018`, `12.01.19`), or month-first
    with `dayfirst=False`.
    """
    if not isinstance(value, str):
        return None
    s = unicodedata.normalize("NFKC", value).strip().lower()
    s = re.sub(r"\s+", " ", s)
    m = _ISO_RE.match(s)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC_RE.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        first = (b, a) if dayfirst else (a, b)
        return _valid(y, first[0], first[1]) or _valid(y, first[1], first[0])
    m = _DMY_WORD_RE.match(s)
    if m and m.group(2) in MONTHS:
        return _valid(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    m = _MDY_WORD_RE.match(s)
    if m and m.group(1) in MONTHS:
        return _valid(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
    return None


def normalize_value(value: Any, kind: str | None = None) -> Any:
    """A comparable form: None for empty, float for numbers, ISO for dates, normalized text otherwise.

    `kind` ("number", "date", "string") forces a reading; without it numbers and dates are detected.
    """
    if is_empty(value):
        return None
    if kind in ("number", "integer"):
        n = parse_number(value)
        return n if n is not None else norm_text(value)
    if kind == "date":
        d = parse_date(value) if isinstance(value, str) else None
        return d if d is not None else norm_text(value)
    if kind == "string":
        return norm_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        d = parse_date(value)
        if d is not None:
            return d
        n = parse_number(value)
        if n is not None:
            return n
        return norm_text(value)
    return value


def values_equal(pred: Any, truth: Any, kind: str | None = None, *, abs_tol: float = 0.005) -> bool:
    """Whether two scalar values are the same after normalization (numbers within `abs_tol`)."""
    a, b = normalize_value(pred, kind), normalize_value(truth, kind)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= abs_tol + 1e-9 * max(abs(a), abs(b))
    if isinstance(a, float) != isinstance(b, float):
        # One side parsed as a number and the other not: compare their text forms.
        return norm_text(pred) == norm_text(truth)
    return a == b
