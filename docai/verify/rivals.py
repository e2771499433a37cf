"""Other values of the same form on a value's page: a date or a length of time the page prints besides it.

An agreement's page often prints several dates (signature, effective date, a statute's year) and several
periods ('two (2) years', 'ninety (90) days'); a value picked from among them is right less often than
the only one. Engine-independent signals for the confidence model, pure functions of the value and the
page's index (docai.verify.pageindex).
"""

from __future__ import annotations

import re

from docai.verify.pageindex import PageIndex

_SMALL = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
_WORD_NUMBERS = {w: i + 1 for i, w in enumerate(_SMALL)} | {
    "thirty": 30,
    "forty": 40,
    "sixty": 60,
    "ninety": 90,
    "a": 1,
}
_WORDS = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_NUMBER = rf"(\d+|(?:{_WORDS})(?:[- ](?:{_WORDS}))?)"
_DURATION = re.compile(
    rf"\b{_NUMBER}\s*(?:\(\s*(\d+)\s*\)\s*)?(?:calendar\s+|business\s+)?(year|month|week|day)s?\b", re.I
)
_UNIT = re.compile(r"year|month|week|day", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def duration(text: str) -> tuple[int, str] | None:
    """'3 years', 'three (3) years', 'twenty-four months' -> (count, unit); None when not one length of
    time (the whole value must be the period, with at most a few words around it)."""
    if not _UNIT.search(text):
        return None  # every length of time names its unit
    found = _durations(text)
    if len(found) != 1 or len(text.split()) > 6:
        return None
    if re.search(r"\d", _DURATION.sub(" ", text)):
        return None  # another number beside it ('99.00 due in thirty days' is an amount)
    return found[0]


def _durations(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for m in _DURATION.finditer(text):
        count = int(m.group(2)) if m.group(2) else _count(m.group(1))
        if count is not None:
            out.append((count, m.group(3).lower()))
    return out


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    parts = re.split(r"[- ]", word.lower())
    if all(p in _WORD_NUMBERS for p in parts) and len(parts) <= 2:
        return sum(_WORD_NUMBERS[p] for p in parts)
    return None


def rival_durations(value: tuple[int, str], index: PageIndex) -> bool:
    """Whether the page prints a length of time other than `value`."""
    return any(d != value for d in index.memo("rivals.durations", lambda: _page_durations(index)))


def _page_durations(index: PageIndex) -> list[tuple[int, str]]:
    """Every length of time the page's lines print, in page order."""
    return [d for text in index.line_texts if _UNIT.search(text) for d in _durations(text)]


def rival_dates(iso: str, index: PageIndex, held: set[str]) -> bool:
    """Whether the page prints a date (of the value's year or any four-digit year on it) that is neither
    `iso` nor a date another field holds (`held`): an invoice's due date is no rival of its issue date."""
    years = index.memo("rivals.years", lambda: _page_years(index))
    readings = index.memo(f"rivals.readings.{iso[:4]}", lambda: _readings(index, years | {iso[:4]}))
    return any(not (isos & ({iso} | held)) for isos in readings)


def _page_years(index: PageIndex) -> frozenset[str]:
    """The four-digit years the page's words print."""
    return frozenset(m.group(1) for line in index.lines for w in line for m in _YEAR.finditer(w.text))


def _readings(index: PageIndex, years: frozenset[str]) -> list[set[str]]:
    """The ISO readings of each place on the page that prints a date of one of `years`."""
    readings: dict[tuple[int, int, int], set[str]] = {}
    for year in sorted(years):
        for found, span, _ in index.dates(year):
            readings.setdefault((span.line, span.start, span.end), set()).add(found)
    return list(readings.values())
