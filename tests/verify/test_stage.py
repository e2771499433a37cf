"""The verification stage on engine output built in the test: checks, confidence, status and reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

from docai.document import Page, Word
from docai.results import Evidence, Extraction
from docai.verify import Pages, verify

INVOICE = {
    "type": "object",
    "properties": {
        "vendor": {"type": "string"},
        "customer": {"type": "string"},
        "issue_date": {"type": "string", "format": "date"},
        "due_date": {"type": "string", "format": "date"},
        "subtotal": {"type": "number"},
        "tax": {"type": "number", "minimum": 0},
        "total": {"type": "number"},
        "status": {"type": "string", "enum": ["paid", "open"]},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "quantity": {"type": "number"},
                    "unit_price": {"type": "number"},
                    "amount": {"type": "number"},
                },
            },
        },
    },
}
LINES = [
    "Northwind Traders Ltd",
    "Bill to: Contoso Pharmacy",
    "Invoice date: 2024-03-01 Due date: 2024-03-31",
    "Widget 2 x 50.00 100.00",
    "Subtotal 100.00",
    "VAT 20% 20.00",
    "Total 120.00",
    "VAT No. GB 123 4567 89",
]


def _pages(lines: list[str] = LINES) -> Pages:
    words = []
    for li, text in enumerate(lines):
        x = 40.0
        for t in text.split():
            words.append(Word(t, (x, 60.0 + 18 * li, x + 6 * len(t), 70.0 + 18 * li), None, 0, li))
            x += 6 * len(t) + 6
    page = Page(1, 595, 842, 0, words, "layer", lambda dpi: None)
    return Pages(lambda n: page, [1])


def _good() -> dict[str, Any]:
    return {
        "vendor": "Northwind Traders Ltd",
        "customer": "Contoso Pharmacy",
        "issue_date": "2024-03-01",
        "due_date": "2024-03-31",
        "subtotal": 100.0,
        "tax": 20.0,
        "total": 120.0,
        "items": [{"description": "Widget", "quantity": 2, "unit_price": 50.0, "amount": 100.0}],
    }


def _run(data: dict[str, Any], schema: dict[str, Any] = INVOICE, **kw: Any) -> Extraction:
    evidence = {k: Evidence(1, None, "", 0.9) for k in data}
    ex = Extraction(data=data, status="ok", evidence=evidence, engine="test")
    return verify(ex, _pages(), schema, today=date(2024, 6, 1), **kw)


def _failed(ex: Extraction) -> dict[str, list[str]]:
    return {p: [c.name for c in r.failed_checks] for p, r in ex.fields.items() if r.failed_checks}


def test_a_consistent_grounded_invoice_is_ok_with_boxes_and_checks() -> None:
    ex = _run(_good(), min_confidence=0.0)
    assert ex.status == "ok" and ex.review == [] and _failed(ex) == {}
    assert set(ex.fields) >= {"total", "items[0].amount", "vendor"}
    total = ex.fields["total"]
    assert total.grounded is True and {c.name for c in total.checks} >= {"type", "sum_of_parts"}
    assert ex.evidence["total"].bbox is not None and ex.evidence["total"].text == "120.00"
    assert ex.evidence["total"].confidence == total.confidence


def test_a_total_that_disagrees_with_its_parts_is_review_with_the_sum() -> None:
    data = _good() | {"total": 130.0}
    ex = _run(data, min_confidence=0.0)
    assert ex.status == "review"
    assert "sum_of_parts" in _failed(ex)["total"]
    assert any("100.00" in r or "120.00" in r for r in ex.review if r.startswith("total"))
    assert ex.fields["total"].grounded is False  # 130.00 is not printed either


def test_tax_read_from_the_vat_number_fails_role_sanity() -> None:
    ex = _run(_good() | {"tax": 89.0}, min_confidence=0.0)
    assert ex.status == "review"
    assert "not_in_identifier" in _failed(ex)["tax"]
    assert any("VAT No" in r for r in ex.review)


def test_line_arithmetic_party_and_date_checks() -> None:
    data = _good()
    data["items"] = [{"description": "Widget", "quantity": 3, "unit_price": 50.0, "amount": 100.0}]
    data["customer"] = "Northwind Traders Ltd"
    data["due_date"] = "2024-02-01"
    ex = _run(data, min_confidence=0.0)
    failed = _failed(ex)
    assert "quantity_x_price" in failed["items[0].amount"]
    assert "issuer_not_recipient" in failed["customer"]
    assert "due_after_issue" in failed["due_date"]
    assert ex.status == "review"


def test_an_issuer_read_from_the_bill_to_block_is_not_the_recipient() -> None:
    ex = _run(_good() | {"vendor": "Contoso Pharmacy", "customer": None}, min_confidence=0.0)
    assert "not_the_recipient" in _failed(ex)["vendor"]
    assert any("Bill to" in r for r in ex.review)


def test_a_tax_larger_than_any_rate_and_a_stub_identifier_fail() -> None:
    schema = {"type": "object", "properties": INVOICE["properties"] | {"vat_number": {"type": "string"}}}
    ex = _run(_good() | {"tax": 89.0, "total": 189.0, "vat_number": "89"}, schema, min_confidence=0.0)
    failed = _failed(ex)
    assert "plausible_tax_rate" in failed["tax"] and "identifier_shape" in failed["vat_number"]
    fine = _run(_good() | {"vat_number": "GB 123 4567 89"}, schema, min_confidence=0.0)
    assert _failed(fine) == {} and fine.status == "ok"


def test_schema_constraints_are_checks() -> None:
    ex = _run(_good() | {"tax": -20.0, "status": "maybe"}, min_confidence=0.0)
    failed = _failed(ex)
    assert "minimum" in failed["tax"] and "enum" in failed["status"]


def test_partial_only_for_a_missing_required_field() -> None:
    data = _good() | {"total": None}
    assert _run(data, min_confidence=0.0).status == "ok"  # no `required` list: never partial
    required = INVOICE | {"required": ["total"]}
    ex = _run(data, required, min_confidence=0.0)
    assert ex.status == "partial" and ex.review == ["total: required but not found"]


def test_low_confidence_is_review_and_says_so() -> None:
    ex = _run(_good(), min_confidence=0.9999)
    assert ex.status == "review" and any("below 1.00" in r for r in ex.review)


def test_a_value_not_on_the_page_is_ungrounded_and_review() -> None:
    ex = _run(_good() | {"vendor": "Globex Corporation"}, min_confidence=0.0)
    assert ex.fields["vendor"].grounded is False
    assert ex.status == "review" and any(r.startswith("vendor: ungrounded") for r in ex.review)
    assert ex.fields["vendor"].confidence < ex.fields["customer"].confidence


def test_disagreement_with_a_second_reading_is_a_failed_check_with_both_values() -> None:
    other = Extraction(data=_good() | {"total": 121.0}, status="ok", engine="text")
    ex = _run(_good(), reference=other, min_confidence=0.0)
    check = next(c for c in ex.fields["total"].checks if c.name == "agrees_with_text")
    assert not check.passed and "120.0" in check.reason and "121.0" in check.reason
    agreed = next(c for c in ex.fields["vendor"].checks if c.name == "agrees_with_text")
    assert agreed.passed and ex.status == "review"


def test_invalid_and_failed_keep_their_status() -> None:
    ex = Extraction(data=_good(), status="invalid", engine="test")
    assert verify(ex, _pages(), INVOICE).status == "invalid"
    failed = Extraction(data={}, status="failed", errors=["boom"], engine="test")
    assert verify(failed, _pages(), INVOICE).status == "failed"


def test_token_logprobs_become_a_signal() -> None:
    ex = Extraction(data=_good(), status="ok", evidence={}, engine="openai", field_logprobs={"total": -2.0})
    trace: dict = {}
    verify(ex, _pages(), INVOICE, trace=trace)
    assert abs(trace["total"].logprob - 0.1353) < 1e-3 and trace["vendor"].logprob is None
    assert trace["total"].engine_conf is None  # no evidence score: the model without it applies
