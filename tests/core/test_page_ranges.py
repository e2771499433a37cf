import pytest
from docai.parsers.page_ranges import parse_page_ranges

from docai.errors import InputError


@pytest.mark.parametrize(
    ("spec", "count", "expected"),
    [
        (None, 3, [1, 2, 3]),
        ("1-3,7", 10, [1, 2, 3, 7]),
        ("9-", 10, [9, 10]),
        ("-2", 5, [1, 2]),
        ("2,2,1", 3, [1, 2]),
    ],
)
def test_ranges(spec: str | None, count: int, expected: list[int]) -> None:
    assert parse_page_ranges(spec, count) == expected


@pytest.mark.parametrize("spec", ["a", "3-1", "0", "11", "1-x"])
def test_bad_ranges(spec: str) -> None:
    with pytest.raises(InputError):
        parse_page_ranges(spec, 10)
