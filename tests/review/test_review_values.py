"""Field paths, typed checking of a reviewer's value, and picking words under a click or a box."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.document import Word
from docai.errors import InputError
from docai.review_values import (
    coerce_value,
    get_path,
    path_parts,
    schema_at,
    set_path,
    word_at,
    words_in_box,
    words_text,
)

SCHEMA = {
    "type": "object",
    "properties": {
        "total": {"type": "number", "minimum": 0},
        "count": {"type": ["integer", "null"]},
        "issue_date": {"type": "string", "format": "date"},
        "paid": {"type": "boolean"},
        "currency": {"type": "string", "enum": ["USD", "EUR"]},
        "vendor": {"type": "object", "properties": {"name": {"type": "string"}}},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"amount": {"anyOf": [{"type": "number"}, {"type": "null"}]}},
            },
        },
    },
}


def test_paths_parse_get_and_set_without_touching_the_original() -> None:
    assert path_parts("items[2].amount") == ["items", 2, "amount"]
    data = {"vendor": {"name": "A"}, "items": [{"amount": 1.0}]}
    assert get_path(data, "items[0].amount") == 1.0 and get_path(data, "items[5].amount") is None
    new = set_path(data, "items[1].amount", 2.5)
    assert new["items"] == [{"amount": 1.0}, {"amount": 2.5}] and data["items"] == [{"amount": 1.0}]
    assert set_path({}, "vendor.name", "B") == {"vendor": {"name": "B"}}
    for bad in ("", "[0]", "a..b", "a[x]"):
        with pytest.raises(InputError):
            path_parts(bad)


def test_schema_at_follows_objects_arrays_and_nullable_types() -> None:
    assert schema_at(SCHEMA, "items[3].amount") == {"type": "number"}
    assert schema_at(SCHEMA, "vendor.name") == {"type": "string"}
    assert schema_at(SCHEMA, "count")["type"] == "integer"
    assert schema_at(SCHEMA, "nope") is None and schema_at(SCHEMA, "vendor.nope") is None


@pytest.mark.parametrize(
    ("path", "typed", "expected"),
    [
        ("total", "$1,234.50", 1234.5),
        ("total", "1.234,50 EUR", 1234.5),
        ("total", 12, 12.0),
        ("count", "7", 7),
        ("issue_date", "5 March 2024", "2024-03-05"),
        ("issue_date", "2024-03-05", "2024-03-05"),
        ("paid", "yes", True),
        ("currency", "EUR", "EUR"),
        ("items[0].amount", "3", 3.0),
        ("vendor.name", "  ACME  ", "ACME"),
        ("total", "", None),
    ],
)
def test_values_typed_as_the_schema_says(path: str, typed: object, expected: object) -> None:
    assert coerce_value(schema_at(SCHEMA, path), typed) == expected


@pytest.mark.parametrize(
    ("path", "typed", "reason"),
    [
        ("total", "12,x", "is not a number"),
        ("total", "about 12", "is not a number"),
        ("total", "-5", "below the minimum"),
        ("count", "7.5", "not a whole number"),
        ("issue_date", "2024-13-45", "is not a date"),
        ("issue_date", "soon", "is not a date"),
        ("paid", "maybe", "yes/no"),
        ("currency", "GBP", "not one of: USD, EUR"),
        ("items", "[1,", "must be JSON"),
    ],
)
def test_bad_values_are_refused_with_the_reason(path: str, typed: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        coerce_value(schema_at(SCHEMA, path), typed)


WORDS = [
    Word("Invoice", (72, 100, 110, 112), block=0, line=0),
    Word("No:", (112, 100, 128, 112), block=0, line=0),
    Word("INV-1001", (130, 100, 176, 112), block=0, line=0),
    Word("Total:", (72, 290, 100, 302), block=1, line=0),
    Word("$1,234.50", (102, 290, 151, 302), block=1, line=0),
]


def test_a_click_takes_the_word_under_it_and_nothing_off_the_words() -> None:
    assert word_at(WORDS, 150, 106).text == "INV-1001"
    assert word_at(WORDS, 129, 106).text in ("No:", "INV-1001")  # the gap between two words: the nearer
    assert word_at(WORDS, 300, 500) is None


def test_a_box_takes_the_words_mostly_inside_it_in_reading_order() -> None:
    picked = words_in_box(WORDS, (180, 95, 108, 115))  # drawn right to left
    assert words_text(picked) == "No: INV-1001"  # 'Invoice' is only a twentieth inside
    assert words_in_box(WORDS, (0, 400, 10, 410)) == []


def test_a_batch_is_its_out_file_or_its_folder(tmp_path: Path) -> None:
    import json

    from docai.parsers import file_sha256
    from docai.review import batch_members
    from tests.review.conftest import make_invoice

    folder = tmp_path / "in"
    folder.mkdir()
    pdf = make_invoice(folder / "a.pdf")
    assert batch_members(folder) == (set(), {file_sha256(pdf)})
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"file": "a.pdf", "run_id": 7, "sha256": "ab"}) + "\n\n", encoding="utf-8")
    assert batch_members(out) == ({7}, {"ab"})
    out.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"out\.jsonl:1: not a batch output line"):
        batch_members(out)
