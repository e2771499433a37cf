"""Typed value parsing shared by every engine: numbers, money, dates, percentages, booleans.

Pure functions. Each returns None when the text does not parse, so callers can reject a candidate.
"""

from __future__ import annotations

import re
from datetime import date

_CURRENCY_SYMBOLS = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "￥": "CNY", "元": "CNY", "RMB": "CNY",
    "人民币": "CNY", "RM": "MYR", "₹": "INR", "₩": "KRW", "₽": "RUB", "CHF": "CHF", "S$": "SGD", "A$": "AUD",
    "C$": "CAD", "HK$": "HKD", "R$": "BRL", "₺": "TRY", "zł": "PLN", "kr": "SEK", "Rs": "INR", "Rs.": "INR",
}  # fmt: skip
_ISO_CODES = {
    "USD", "EUR", "GBP", "JPY", "CNY", "MYR", "INR", "KRW", "RUB", "CHF", "SGD", "AUD", "CAD", "HKD", "BRL",
    "TRY", "PLN", "SEK", "NOK", "DKK", "CZK", "HUF", "MXN", "NZD", "ZAR", "THB", "IDR", "PHP", "VND", "TWD",
}  # fmt: skip

_NUM_RE = re.compile(r"[-+(]?\s*\d[\d\s.,'’]*")
_PARENTHESISED = re.compile(r"^\s*\(.*\)\s*$")
_MINUS = re.compile(r"(^|[\s$€£¥])-\s*\d")
_NOT_DIGITS = re.compile(r"[\s'’()+-]")


def parse_number(text: str) -> float | None:
    """A number from text people write: '1,234.56', '1.234,56', '(12.00)', '-5', '$ 1 200', '12%' -> 12.0."""
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    negative = bool(_PARENTHESISED.search(s) or _MINUS.search(s) or s.endswith("-"))
    m = _NUM_RE.search(s.replace("−", "-"))
    if not m:
        return None
    digits = _NOT_DIGITS.sub("", m.group(0))
    digits = digits.rstrip(".,")
    if not digits or not digits[0].isdigit():
        return None
    last_dot, last_comma = digits.rfind("."), digits.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        dec = "." if last_dot > last_comma else ","
        thou = "," if dec == "." else "."
        digits = digits.replace(thou, "").replace(dec, ".")
    elif last_comma >= 0:
        tail = digits[last_comma + 1 :]
        if digits.count(",") == 1 and len(tail) != 3:
            digits = digits.replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif last_dot >= 0:
        tail = digits[last_dot + 1 :]
        if digits.count(".") > 1 or (len(tail) == 3 and len(digits) > 4 and digits[0] != "0"):
            digits = digits.replace(".", "") if digits.count(".") > 1 or len(tail) == 3 else digits
    try:
        value = float(digits)
    except ValueError:
        return None
    return -value if negative else value


def parse_integer(text: str) -> int | None:
    value = parse_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


def parse_percent(text: str) -> float | None:
    """'12.5%' -> 12.5 (the number as written, not a fraction)."""
    if "%" not in str(text) and "percent" not in str(text).lower():
        return None
    return parse_number(text)


def detect_currency(text: str) -> str | None:
    """ISO 4217 code from a symbol or code in the text: '$12' -> USD, 'RM 9.00' -> MYR, '100 EUR' -> EUR."""
    s = str(text)
    for code in _THREE_CAPITALS.findall(s):
        if code in _ISO_CODES:
            return code
    for sym, code, word in _SYMBOL_TESTS:
        if word.search(s) if word is not None else sym in s:
            return code
    return None


_THREE_CAPITALS = re.compile(r"\b[A-Z]{3}\b")
_SYMBOL_TESTS = [
    (
        sym,
        _CURRENCY_SYMBOLS[sym],
        re.compile(rf"(?<![A-Za-z]){re.escape(sym)}(?![A-Za-z])") if sym.isalpha() else None,
    )
    for sym in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True)
]
"""detect_currency's symbol tests, longest symbol first: a word symbol ('RM', 'kr') must stand apart from
letters (compiled once), any other ('$', 'HK$') need only occur."""
CURRENCY_MENTION = re.compile(
    "|".join(
        [r"\b(?:" + "|".join(sorted(_ISO_CODES)) + r")\b"]
        + [word.pattern if word is not None else re.escape(sym) for sym, _, word in _SYMBOL_TESTS]
    )
)
"""Matches a text exactly when `detect_currency` finds a code in it (its codes and symbol tests as one
pattern): a cheap filter before asking it."""


_TRUE = {"yes", "y", "true", "x", "✓", "✔", "checked", "on", "1", "是"}
_FALSE = {"no", "n", "false", "unchecked", "off", "0", "否"}


def parse_bool(text: str) -> bool | None:
    s = str(text).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12, "januar": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7,
    "okt": 10, "dez": 12, "janv": 1, "févr": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8,
    "déc": 12, "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8, "oktober": 10, "juillet": 7,
    "janvier": 1, "février": 2, "avril": 4, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}  # fmt: skip
_MONTH_RE = r"([A-Za-zäéûè]{3,9})\.?"


def _month(name: str) -> int | None:
    n = name.lower().rstrip(".")
    if n in _MONTHS:
        return _MONTHS[n]
    return _MONTHS.get(n[:3]) if len(n) >= 3 and n[:3] in _MONTHS else None


def _year(y: str) -> int:
    v = int(y)
    if len(y) <= 2:
        v += 2000 if v < 70 else 1900
    return v


def _make(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


_DATE_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_DATE_YMD = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b")
_DATE_DAY_OF = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+day\s+of\s+{_MONTH_RE},?\s+(\d{{4}})\b")
_DATE_D_MONTH_Y = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th|\.)?[\s\-/]+{_MONTH_RE}[\s\-/,]+(\d{{4}}|\d{{2}})\b"
)
_DATE_MONTH_D_Y = re.compile(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(\d{{4}})\b")
_TWO_NUMBERS = re.compile(r"\d\D+\d")
"""What a match of each date pattern holds: a digit, something else, a digit (a day or month and a
year, each group of digits parted by a separator, a space, a month's name or 年)."""


def reads_by_order(text: str) -> bool:
    """Whether `parse_date(text, dayfirst)` can depend on `dayfirst`: only a numeric date ('03/04/2024',
    '3.4.24') is read by it; any other text reads the same day or month first."""
    return _DATE_NUMERIC.search(text) is not None


def parse_date(text: str, dayfirst: bool | None = None) -> str | None:
    """ISO 8601 date from common formats; `dayfirst` settles 03/04/2024 (None: day first)."""
    s = str(text).strip()
    if not s or _TWO_NUMBERS.search(s) is None:  # every pattern reads two digit groups apart (day, year)
        return None
    m = _DATE_CJK.search(s) if "年" in s else None  # each pattern is tried only where its literal is
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    separated = "-" in s or "/" in s or "." in s
    m = _DATE_YMD.search(s) if separated else None
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_NUMERIC.search(s) if separated else None
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        if a > 12 >= b:
            return _make(y, b, a)
        if b > 12 >= a:
            return _make(y, a, b)
        return _make(y, b, a) if dayfirst is not False else _make(y, a, b)
    m = _DATE_DAY_OF.search(s) if "day" in s else None
    if m and _month(m.group(2)):  # 'the 11th day of January, 2012'
        return _make(int(m.group(3)), _month(m.group(2)) or 0, int(m.group(1)))
    m = _DATE_D_MONTH_Y.search(s)
    if m and _month(m.group(2)):
        return _make(_year(m.group(3)), _month(m.group(2)) or 0, int(m.group(1)))
    m = _DATE_MONTH_D_Y.search(s)
    if m and _month(m.group(1)):
        return _make(int(m.group(3)), _month(m.group(1)) or 0, int(m.group(2)))
    return None


def infer_dayfirst(texts: list[str]) -> bool | None:
    """Day/month order from unambiguous dates elsewhere in the document (13/02 says day first)."""
    votes = 0
    for t in texts:
        for a, b in re.findall(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})\b", t):
            ia, ib = int(a), int(b)
            if ia > 12 >= ib:
                votes += 1
            elif ib > 12 >= ia:
                votes -= 1
    return None if votes == 0 else votes > 0


_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_URL_RE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|de|fr|uk|cn|my|in)\b[^\s]*"
)
_PHONE_RE = re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d[\d\s.-]{5,}\d")
_IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?)\b")


def parse_email(text: str) -> str | None:
    m = _EMAIL_RE.search(str(text))
    return m.group(0).rstrip(".") if m else None


def parse_url(text: str) -> str | None:
    m = _URL_RE.search(str(text))
    return m.group(0).rstrip(".,;)") if m else None


def parse_phone(text: str) -> str | None:
    """A phone number as written (at least 7 digits); spacing kept, surrounding words dropped."""
    for m in _PHONE_RE.finditer(str(text)):
        digits = re.sub(r"\D", "", m.group(0))
        if 7 <= len(digits) <= 15:
            return m.group(0).strip()
    return None


def parse_iban(text: str) -> str | None:
    """An IBAN without spaces, checked with its mod-97 check digits."""
    for m in _IBAN_RE.finditer(str(text).upper()):
        iban = m.group(1).replace(" ", "")
        if not 15 <= len(iban) <= 34:
            continue
        moved = iban[4:] + iban[:4]
        number = "".join(str(int(ch, 36)) for ch in moved)
        if int(number) % 97 == 1:
            return iban
    return None


def parse_money(text: str) -> tuple[float, str | None] | None:
    """Amount and currency code (None when the text names none): 'RM 1,200.50' -> (1200.5, 'MYR')."""
    value = parse_number(text)
    if value is None:
        return None
    return value, detect_currency(text)
