"""The document total in one place: the printed sum of subtotal and tax, and totals-row labels."""

from __future__ import annotations

from docai.engines.text.arithmetic import CENT, is_sum_of, money_sum, same_amount
from docai.engines.text.fields.plan import plan_field
from docai.engines.text.fields.totals import summary_label, summary_row, total_from_parts
from docai.engines.text.typing_rules import fields_from_schema
from docai.results import Evidence
from tests.engines.text.fields.pages import context, page, props

SCHEMA = props(subtotal="number", tax="number", total="number")


def test_arithmetic_one_tolerance() -> None:
    assert money_sum([0.1, 0.2]) == 0.3 and is_sum_of(120.0, [100.0, 20.0])
    assert is_sum_of(120.01, [100.0, 20.0]) and not is_sum_of(120.02, [100.0, 20.0])
    assert same_amount(1.0, 1.0 + CENT) and not same_amount(1.0, 1.02)


def test_total_from_parts_replaces_a_wrong_total_with_the_printed_sum() -> None:
    scan = page([(300, [(300, "Bi"), (420, "1,250.75")]), (330, [(300, "Total"), (420, "88.00")])])
    plans = [plan_field(s) for s in fields_from_schema(SCHEMA)]
    data = {"subtotal": 1000.60, "tax": 250.15, "total": 88.0}
    evidence: dict[str, Evidence] = {}
    ctx = context([scan])
    total_from_parts(data, evidence, plans, ctx)
    assert data["total"] == 1250.75 and evidence["total"].text == "1,250.75"
    assert ctx.notes == ["total: the printed sum of subtotal and tax"]


def test_total_from_parts_keeps_a_total_that_agrees_or_an_unprinted_sum() -> None:
    plans = [plan_field(s) for s in fields_from_schema(SCHEMA)]
    agree = {"subtotal": 100.0, "tax": 20.0, "total": 120.0}
    total_from_parts(agree, {}, plans, context([page([(300, [(300, "X"), (420, "999.00")])])]))
    assert agree["total"] == 120.0
    unprinted = {"subtotal": 100.0, "tax": 20.0, "total": 88.0}
    total_from_parts(unprinted, {}, plans, context([page([(300, [(300, "Total"), (420, "88.00")])])]))
    assert unprinted["total"] == 88.0


def test_summary_labels_in_english_and_chinese() -> None:
    for label in ("Subtotal", "Net Amount:", "Tax 10%", "合计", "Grand Total"):
        assert summary_label(label), label
    for label in ("Widget A", "Consulting hours"):
        assert not summary_label(label), label
    assert summary_row(["Total", "", "", "120.00"], {"description": 0, "quantity": 1, "amount": 3})
    assert not summary_row(["Widget", "2", "5.00", "10.00"], {"description": 0, "quantity": 1, "amount": 3})
