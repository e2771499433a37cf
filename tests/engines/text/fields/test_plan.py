"""The field plan: computed once per field from the schema alone."""

from __future__ import annotations

from tests.engines.text.fields.pages import plan_of, props


def test_total_plan_names_its_concept_and_role() -> None:
    plan = plan_of(props(total={"type": "number"}), "total")
    assert plan.role == "scalar" and plan.primary == "total" and plan.is_total
    assert plan.party is None and plan.layout_rule is None and plan.sentence_rule is None
    assert "en" in plan.locales and "zh" in plan.locales


def test_vendor_plan_has_its_rival_and_the_issuer_layout_rule() -> None:
    plan = plan_of(props(vendor="string"), "vendor")
    assert plan.party == "vendor" and plan.rival == "customer"
    assert plan.names_issuer and plan.layout_rule == "issuer"


def test_customer_address_is_not_the_issuers_address() -> None:
    schema = {
        "type": "object",
        "properties": {"customer": {"type": "object", "properties": {"address": {"type": "string"}}}},
    }
    assert plan_of(schema, "customer.address").layout_rule is None
    assert plan_of(props(address="string"), "address").layout_rule == "address"


def test_due_date_gets_no_first_date_rule_but_the_issue_date_does() -> None:
    assert plan_of(props(due_date={"type": "string", "format": "date"}), "due_date").layout_rule is None
    assert plan_of(props(date={"type": "string", "format": "date"}), "date").layout_rule == "first_date"


def test_year_rule_only_for_a_fiscal_year() -> None:
    assert plan_of(props(fiscal_year="integer"), "fiscal_year").layout_rule == "year"
    assert plan_of(props(year_founded="integer"), "year_founded").layout_rule is None


def test_agreement_parties_are_sentence_only_and_arrays_are_lists() -> None:
    plan = plan_of(props(parties={"type": "array", "items": {"type": "string"}}), "parties")
    assert plan.role == "list" and plan.sentence_rule == "party" and plan.sentence_only
    law = plan_of(props(governing_law="string"), "governing_law")
    assert law.sentence_rule == "law" and law.sentence_only


def test_line_items_are_a_table() -> None:
    schema = props(
        items={
            "type": "array",
            "items": {"type": "object", "properties": {"description": {"type": "string"}}},
        }
    )
    assert plan_of(schema, "items").role == "table"
