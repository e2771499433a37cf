"""A number joined to a word by a hyphen ("364-day", "10-K", "five-year" written "5-year") is no amount."""

from __future__ import annotations

import pytest

from docai.engines.text.qa_values import values_in_line


@pytest.mark.parametrize(
    ("line", "amounts"),
    [
        ("entered into a 364-day credit agreement of $4,600,000,000", ["$4,600,000,000"]),
        ("as reported in our Form 10-K for fiscal 2022", []),
        ("a 5-year term loan at 7.5%", ["7.5%"]),
        ("Net sales 1,577 -3 (12)", ["1,577", "-3", "(12)"]),
    ],
)
def test_amounts_in_line(line: str, amounts: list[str]) -> None:
    assert [m.group(0) for m in values_in_line(line, "number")] == amounts
