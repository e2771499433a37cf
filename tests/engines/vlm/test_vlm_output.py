"""Reply parsing, normalization and validation: the shapes models really produce."""

from __future__ import annotations

import pytest

from docai.engines.vlm.output import (
    find_json,
    missing_required,
    normalize_path,
    normalize_value,
    split_reasoning,
    truncate_repetition,
    validation_errors,
)

SCHEMA = {
    "type": "object",
    "properties": {
        "total": {"type": "number"},
        "count": {"type": "integer"},
        "paid": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
        "ref": {"type": "string"},
        "lines": {"type": "array", "items": {"type": "object", "properties": {"amount": {"type": "number"}}}},
    },
    "required": ["total"],
}


@pytest.mark.parametrize(
    ("content", "reasoning", "answer", "thought"),
    [
        ('<think>hmm</think>\n{"a": 1}', None, '{"a": 1}', "hmm"),
        ('plan first\n</think>\n\n{"a": 1}', None, '{"a": 1}', "plan first"),  # <think> was in the prompt
        ('{"a": 1}', "server split it", '{"a": 1}', "server split it"),
        ("", 'thinking... final: {"a": 1}', 'thinking... final: {"a": 1}', 'thinking... final: {"a": 1}'),
        ("<think>never closed because of the token cap", None, "", "never closed because of the token cap"),
        ('{"a": 1}', None, '{"a": 1}', None),
    ],
)
def test_split_reasoning(content, reasoning, answer, thought):
    assert split_reasoning(content, reasoning) == (answer, thought)


def test_find_json_in_the_shapes_models_write():
    assert find_json('{"a": 1}') == {"a": 1}
    assert find_json('Sure!\n```json\n{"a": [1, 2]}\n```\nAnything else?') == {"a": [1, 2]}
    assert find_json('The answer is {"a": "x}y"} as requested.') == {"a": "x}y"}
    assert find_json('{"a": 1, "b": [1, 2,],}') == {"a": 1, "b": [1, 2]}  # trailing commas
    # an example object in the reasoning and the real answer later: the larger (later) one wins
    assert find_json('e.g. {"a": 0} ... final answer: {"a": 1, "b": 2}') == {"a": 1, "b": 2}
    with pytest.raises(ValueError, match="no JSON"):
        find_json("I could not read the page.")
    with pytest.raises(ValueError, match="no text"):
        find_json("   ")


def test_truncate_repetition():
    text = '{"items": [' + '{"a": 1}, ' * 50
    cut, did = truncate_repetition(text)
    assert did and cut.count('{"a": 1}') == 1 and len(cut) < 40
    normal = '{"total": 1000000, "note": "ok ok ok"}'
    assert truncate_repetition(normal) == (normal, False)
    assert truncate_repetition("x" * 12) == ("x" * 12, False)  # too short to call runaway


def test_normalize_values_by_schema():
    data = {
        "total": "1.234,56 €",
        "count": "12",
        "paid": "yes",
        "date": "03/04/2024",
        "ref": 1234,
        "lines": {"amount": "(12.00)"},
    }
    out = normalize_value(data, SCHEMA)
    assert out == {
        "total": 1234.56,
        "count": 12,
        "paid": True,
        "date": "2024-04-03",
        "ref": "1234",
        "lines": [{"amount": -12.0}],
    }
    assert validation_errors(out, SCHEMA) == []
    kept = normalize_value({"total": "N/A", "date": "not a date"}, SCHEMA)
    assert kept == {"total": None, "date": "not a date"}


def test_validation_allows_nulls_but_not_wrong_types():
    assert validation_errors({"total": None, "lines": None}, SCHEMA) == []
    assert validation_errors({}, SCHEMA) == []  # absent required: partial, not invalid
    errors = validation_errors({"total": "lots", "lines": [{"amount": "x"}]}, SCHEMA)
    assert any(e.startswith("total:") for e in errors)
    assert any(e.startswith("lines[0].amount:") for e in errors)


def test_missing_required_and_paths():
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "rows": {"type": "array", "items": SCHEMA}},
        "required": ["a"],
    }
    data = {"a": None, "rows": [{"total": 1}, {"total": None}]}
    assert missing_required(data, schema) == ["a", "rows[1].total"]
    assert normalize_path("$.items.0.amount") == "items[0].amount"
    assert normalize_path("items[2].x") == "items[2].x"


def test_nulls_allowed_through_refs():
    money = {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]}
    schema = {
        "type": "object",
        "$defs": {"money": money},
        "properties": {"total": {"$ref": "#/$defs/money"}},
    }
    assert validation_errors({"total": {"amount": None}}, schema) == []
    assert validation_errors({"total": {"amount": "x"}}, schema) != []
