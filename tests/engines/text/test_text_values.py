"""Typed value parsing shared by the engines (docai.values)."""

from __future__ import annotations

import pytest

from docai import values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", 1234.56),
        ("1.234,56", 1234.56),
        ("(12.00)", -12.0),
        ("-5", -5.0),
        ("$ 1 200", 1200.0),
        ("RM9.00", 9.0),
        ("12,5", 12.5),
        ("EUR 3.000,00", 3000.0),
        ("12%", 12.0),
        ("abc", None),
        ("", None),
    ],
)
def test_parse_number(text: str, expected: float | None) -> None:
    assert values.parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("2024-03-03", None, "2024-03-03"),
        ("25/12/2018", None, "2018-12-25"),
        ("12.01.19", None, "2019-01-12"),
        ("03/04/2024", False, "2024-03-04"),
        ("03/04/2024", True, "2024-04-03"),
        ("March 3, 2024", None, "2024-03-03"),
        ("3 Mar 2024", None, "2024-03-03"),
        ("2024年3月5日", None, "2024-03-05"),
        ("31/02/2024", None, None),
        ("no date here", None, None),
    ],
)
def test_parse_date(text: str, dayfirst: bool | None, expected: str | None) -> None:
    assert values.parse_date(text, dayfirst) == expected


def test_infer_dayfirst_votes_on_unambiguous_dates() -> None:
    assert values.infer_dayfirst(["13/02/2024", "01/02/2024"]) is True
    assert values.infer_dayfirst(["02/13/2024"]) is False
    assert values.infer_dayfirst(["01/02/2024"]) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("$12", "USD"), ("RM 9.00", "MYR"), ("100 EUR", "EUR"), ("£5", "GBP"), ("¥300", "JPY"), ("12.00", None)],
)
def test_detect_currency(text: str, code: str | None) -> None:
    assert values.detect_currency(text) == code


def test_contact_values() -> None:
    assert values.parse_email("mail: Jane.Doe@example.co.uk.") == "Jane.Doe@example.co.uk"
    assert values.parse_phone("Tel: +60 7-123 4567 ext") == "+60 7-123 4567"
    assert values.parse_phone("Qty 12") is None
    assert values.parse_url("see www.example.com/pay.") == "www.example.com/pay"
    assert values.parse_iban("IBAN: DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert values.parse_iban("DE89 3704 0044 0532 0130 01") is None  # check digits fail
    assert values.parse_money("RM 1,200.50") == (1200.5, "MYR")


def test_amount_with_ocr_space_after_the_decimal_separator() -> None:
    from docai.engines.text.typing_rules import FieldSpec, coerce

    spec = FieldSpec("subtotal", "subtotal", {"type": "number"}, kind="number")
    got = coerce(spec, "1.461, 64")
    assert got is not None and got.value == 1461.64
    got = coerce(spec, "2 x 4.50 9.00")  # separate amounts stay separate
    assert got is not None and got.value == 9.0
