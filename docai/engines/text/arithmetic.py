"""The text engine's sums, in one place: total = subtotal + tax (+ service charge), to one tolerance.

Amounts are read with two decimals; two readings of the same amount may differ by float error, and a
printed sum may differ from its printed parts by the cent each was rounded to. `CENT` allows that much.
"""

from __future__ import annotations

from collections.abc import Iterable

CENT = 0.011  # one cent, and a little for float error


def money_sum(parts: Iterable[float]) -> float:
    """The sum of printed amounts, rounded to the cent as it would be printed."""
    return round(sum(parts), 2)


def same_amount(a: float, b: float, tolerance: float = CENT) -> bool:
    """Whether two amounts are the same printed sum (to the cent)."""
    return abs(a - b) <= tolerance


def is_sum_of(total: float, parts: Iterable[float], tolerance: float = CENT) -> bool:
    """Whether `total` is the sum of `parts` (subtotal + tax, or net + tax on a summary row)."""
    return same_amount(total, money_sum(parts), tolerance)
