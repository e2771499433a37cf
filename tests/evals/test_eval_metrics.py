"""Hand-made cases for the eval metrics: nulls, arrays, dates, numbers, answers, tables, Kleister pairs."""

from __future__ import annotations

import pytest

from docai.evals.metrics import (
    adjacency_relations,
    anls,
    compare_fields,
    hit_at_k,
    kleister_counts,
    match_rows,
    numeric_match,
    table_cell_accuracy,
    table_structure_counts,
)
from docai.evals.normalize import norm_text, parse_date, parse_number, values_equal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", 1234.5),
        ("$ 12", 12.0),
        ("(12.00)", -12.0),
        ("1.234,56", 1234.56),
        ("RM 9.00", 9.0),
        ("€1.234.567", 1234567.0),
        ("12,50", 12.5),
        ("-3.5", -3.5),
        ("1 234,56 EUR", 1234.56),
        ("$1.2 billion", 1.2e9),
        ("¥3,000", 3000.0),
        (42, 42.0),
    ],
)
def test_parse_number_money_formats(text: object, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["INV/2023/03/0008", "abc", "12-01-19", "(12.00", "1,23,4", ""])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-03", "2024-03-03"),
        ("25/12/2018", "2018-12-25"),
        ("12.01.19", "2019-01-12"),
        ("12-01-19", "2019-01-12"),
        ("March 3, 2024", "2024-03-03"),
        ("3 Mar 2024", "2024-03-03"),
        ("3rd March 2024", "2024-03-03"),
        ("Sept. 30, 2021", "2021-09-30"),
        ("2024年3月3日", "2024-03-03"),
        ("12/25/2018", "2018-12-25"),
    ],
)
def test_parse_date_common_spellings(text: str, expected: str) -> None:
    assert parse_date(text) == expected


def test_parse_date_month_first_and_invalid() -> None:
    assert parse_date("03/04/2024", dayfirst=False) == "2024-03-04"
    assert parse_date("31/02/2024") is None
    assert parse_date("hello 2024") is None


def test_text_normalization_ignores_case_space_punctuation() -> None:
    assert norm_text("  MR. D.I.Y.  (Johor) ") == norm_text("mr d i y johor")
    assert values_equal("Acme, Inc.", "ACME INC")
    assert not values_equal("Acme Inc", "Acme Ltd")


def test_nulls_count_as_fp_and_fn() -> None:
    truth = {"a": "x", "b": None, "c": "1.00", "d": None, "e": "same"}
    pred = {"a": None, "b": "y", "c": "2.00", "d": "", "e": "SAME"}
    s = compare_fields(pred, truth)
    assert (s.counts["a"].fn, s.counts["a"].fp) == (1, 0)  # missing value -> FN
    assert (s.counts["b"].fn, s.counts["b"].fp) == (0, 1)  # invented value -> FP
    assert (s.counts["c"].fn, s.counts["c"].fp) == (1, 1)  # wrong value -> both
    assert s.counts["d"].tp + s.counts["d"].fp + s.counts["d"].fn == 0  # both empty -> nothing
    assert s.counts["e"].tp == 1
    total = s.total()
    assert (total.tp, total.fp, total.fn) == (1, 2, 2)
    assert total.precision == pytest.approx(1 / 3)
    assert total.recall == pytest.approx(1 / 3)
    assert s.exact == {"a": False, "b": False, "c": False, "d": True, "e": True}


def test_dates_and_money_match_across_formats_with_schema() -> None:
    schema = {
        "type": "object",
        "properties": {"date": {"type": "string", "format": "date"}, "total": {"type": "number"}},
    }
    s = compare_fields(
        {"date": "25/12/2018", "total": "$1,234.50"}, {"date": "2018-12-25", "total": 1234.5}, schema
    )
    assert s.total().tp == 2 and s.total().f1 == 1.0


def test_array_of_objects_matched_by_overlap_regardless_of_order() -> None:
    truth = {
        "items": [
            {"name": "Pen", "amount": 2.0},
            {"name": "Ink", "amount": 5.0},
            {"name": "Pad", "amount": 3},
        ]
    }
    pred = {"items": [{"name": "ink", "amount": "5.00"}, {"name": "Pen", "amount": "2.50"}]}
    s = compare_fields(pred, truth)
    assert s.counts["items[].name"].tp == 2
    assert (s.counts["items[].amount"].tp, s.counts["items[].amount"].fp) == (1, 1)
    # "Pad" row unmatched: both its leaves are FN; wrong amount on Pen is FN too.
    assert s.counts["items[].name"].fn == 1
    assert s.counts["items[].amount"].fn == 2
    assert s.exact["items"] is False


def test_match_rows_prefers_best_pairing() -> None:
    pred = [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    truth = [{"a": 3, "b": 4}, {"a": 1, "b": 9}]
    assert sorted(match_rows(pred, truth)) == [(0, 1), (1, 0)]


def test_array_of_scalars_is_a_multiset() -> None:
    s = compare_fields({"party": ["B Corp", "C Ltd"]}, {"party": ["A Inc", "b corp."]})
    c = s.counts["party[]"]
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)


def test_anls_threshold() -> None:
    assert anls("Paris", ["paris"]) == 1.0
    assert anls("Pariss", "Paris") == pytest.approx(1 - 1 / 6)
    assert anls("London", "Paris") == 0.0
    assert anls("x", ["nope", "x"]) == 1.0


def test_numeric_match_with_units_and_tolerance() -> None:
    assert numeric_match("$1.2 billion", "1,200 million")
    assert numeric_match("Revenue was 11,588 million dollars", "$11588.00")
    assert numeric_match("30.9%", "30.8%")
    assert not numeric_match("32%", "30.8%")
    assert not numeric_match("no number", "12")
    assert numeric_match(24.3, "24.26")


def test_hit_at_k() -> None:
    assert hit_at_k([5, 3, 9], [3], k=2)
    assert not hit_at_k([5, 3, 9], [9], k=2)
    assert not hit_at_k([], [1], k=3)


def test_table_metrics() -> None:
    truth = [["", "Q1", "Q2"], ["2004", "34.7", "36.2"], ["2005", "58.1", "60"]]
    assert table_cell_accuracy(truth, truth) == 1.0
    shifted = [["Q1", "Q2"], ["34.7", "36.2"], ["58.1", "60"]]
    assert table_cell_accuracy(shifted, truth) < 0.5
    # Adjacency ignores a missing empty column, so structure survives the shift except row headers.
    c = table_structure_counts(shifted, truth)
    assert c.fp == 0 and c.fn == 3 and c.tp == len(adjacency_relations(shifted))


def test_kleister_pairs_normalization() -> None:
    truth = {
        "party": ["Jda_Software_Group_Inc.", "Redprairie_Holding_Inc."],
        "term": ["2_years"],
        "effective_date": ["2012-09-04"],
    }
    pred = {
        "party": ["JDA Software Group, Inc.", "Someone Else"],
        "term": "2 years",
        "effective_date": "September 4, 2012",
    }
    c = kleister_counts(pred, truth)
    assert (c.tp, c.fp, c.fn) == (3, 1, 1)
