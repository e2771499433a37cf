import pytest

from docai.errors import InputError
from docai.parsers.page_ranges import parse_page_ranges


@pytest.mark.parametrize(
    ("spec", "count", "expected"),
    [
        (None, 3, [1, 2, 3]),
        ("", 2, [1, 2]),
        ("  ", 2, [1, 2]),
        ("1-3,7", 10, [1, 2, 3, 7]),
        ("9-", 10, [9, 10]),
        ("-2", 5, [1, 2]),
        ("2,2,1", 3, [1, 2]),
        (" 1 - 2 , 4 ", 5, [1, 2, 4]),
        ("2-99", 4, [2, 3, 4]),
        ("3,1-2,", 5, [1, 2, 3]),
        ("1", 1, [1]),
        ("-", 3, [1, 2, 3]),
    ],
)
def test_ranges(spec: str | None, count: int, expected: list[int]) -> None:
    assert parse_page_ranges(spec, count) == expected


@pytest.mark.parametrize("spec", ["a", "3-1", "0", "11", "1-x", "1--3", ",", "-0", "2.5"])
def test_bad_ranges(spec: str) -> None:
    with pytest.raises(InputError):
        parse_page_ranges(spec, 10)


def test_error_names_the_page_count() -> None:
    with pytest.raises(InputError, match="3 pages"):
        parse_page_ranges("5", 3)
