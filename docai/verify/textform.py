"""How a string value is written: signs of an OCR slip that no grounding can see (the slip is on the page).

A receipt's 'MR D.I.Y.' read as 'MR O.1.¥.' is found on the page exactly as read, so grounding passes;
a currency sign inside a name, or a word that mixes case like 'SmN', tells that the reading is doubtful.
"""

from __future__ import annotations

import re
import unicodedata

_ODD_PUNCT = set("|~^`_{}[]<>\\=+*«»¢§¬")
_MIXED = re.compile(r"^[A-Z]?[a-z]+[A-Z]+[a-z]*$|^[A-Z]{2,}[a-z]+$|^[a-z]+[A-Z]")


def _odd(ch: str) -> bool:
    return ch in _ODD_PUNCT or unicodedata.category(ch) in ("Sc", "Sm", "Sk", "So")


_ODD_ASCII = frozenset(ch for ch in map(chr, range(128)) if _odd(ch))
"""The ASCII characters `_odd` holds odd ('$', '+', '|', ...): an ASCII value is read with one set test."""


def odd_chars(value: str) -> bool:
    """A symbol (currency, maths, other) or a stray bracket-like sign inside a text value."""
    if value.isascii():
        return not _ODD_ASCII.isdisjoint(value)
    return any(map(_odd, value))


_LETTERS3 = re.compile(r"[A-Za-z]{3,}")
_CASE_TURN = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
"""What a word `_MIXED` matches holds (a small letter then a capital, or two capitals then a small
letter): a value without one anywhere has no such word."""


def odd_case(value: str) -> bool:
    """A word that mixes upper and lower case the way OCR slips do ('SmN', 'pET'); 'McDonald' and
    'iPhone'-like words count too, which the model weighs against the other signals."""
    if _CASE_TURN.search(value) is None:  # 'Crescent Electric Sdn Bhd': no word to read
        return False
    return any(_MIXED.match(w) for w in _LETTERS3.findall(value))
