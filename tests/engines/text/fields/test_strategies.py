"""Each filling strategy on its own, on lines built in memory (no PDF, no OCR, no embedding model)."""

from __future__ import annotations

from docai.engines.text.fields import order
from docai.engines.text.fields import strategies as s
from tests.engines.text.fields.pages import context, page, plan_of, props

INVOICE = page(
    [
        (40, [(40, "ACME Supplies Ltd")]),
        (55, [(40, "12 Harbour Road, Springfield")]),
        (90, [(40, "Invoice No: INV-7"), (360, "Date: 2024-03-05")]),
        (110, [(40, "Bill To: Northwind Traders")]),
        (300, [(300, "Subtotal"), (420, "100.00")]),
        (315, [(300, "Tax"), (420, "20.00")]),
        (330, [(300, "Total Due"), (420, "120.00")]),
        (360, [(40, "All amounts in EUR 120.00")]),
    ]
)


def test_best_label_takes_the_labelled_value() -> None:
    plan = plan_of(props(invoice_number="string"), "invoice_number")
    got = s.BestLabel().fill(plan, context([INVOICE]))
    assert [f.value for f in got] == ["INV-7"]
    assert got[0].evidence.page_no == 1 and got[0].evidence.text == "INV-7"


def test_best_label_never_takes_the_rivals_label_for_a_party() -> None:
    plan = plan_of(props(vendor="string"), "vendor")
    assert all(f.value != "Northwind Traders" for f in s.BestLabel().fill(plan, context([INVOICE])))
    customer = s.BestLabel().fill(plan_of(props(customer="string"), "customer"), context([INVOICE]))
    assert [f.value for f in customer] == ["Northwind Traders"]


def test_receipt_total_applies_to_amount_totals_only() -> None:
    total = plan_of(props(total="number"), "total")
    assert s.ReceiptTotal().applies(total)
    assert not s.ReceiptTotal().applies(plan_of(props(total={"type": "string", "format": "date"}), "total"))
    assert not s.ReceiptTotal().applies(plan_of(props(tax="number"), "tax"))
    assert [f.value for f in s.ReceiptTotal().fill(total, context([INVOICE]))] == [120.0]


def test_receipt_total_confirmed_by_cash_minus_change() -> None:
    receipt = page(
        [
            (40, [(40, "KEDAI RUNCIT MAJU")]),
            (100, [(40, "TOTAL"), (200, "RM 9.00")]),
            (115, [(40, "CASH"), (200, "RM 10.00")]),
            (130, [(40, "CHANGE"), (200, "RM 1.00")]),
        ]
    )
    got = s.ReceiptTotal().fill(plan_of(props(total="number"), "total"), context([receipt]))
    assert [f.value for f in got] == [9.0]
    assert got[0].evidence.confidence is not None and got[0].evidence.confidence >= 0.8


def test_layout_issuer_address_date_and_currency() -> None:
    ctx = context([INVOICE])
    vendor = plan_of(props(vendor="string"), "vendor")
    assert [f.value for f in s.Layout("issuer", s.issuer).fill(vendor, ctx)] == ["ACME Supplies Ltd"]
    address = s.Layout("address", s.address).fill(plan_of(props(address="string"), "address"), ctx)
    assert address and "Harbour Road" in address[0].value
    date = plan_of(props(date={"type": "string", "format": "date"}), "date")
    assert [f.value for f in s.Layout("first_date", s.first_date).fill(date, ctx)] == ["2024-03-05"]
    cur = plan_of(props(currency="string"), "currency")
    assert [f.value for f in s.Layout("currency", s.currency).fill(cur, ctx)] == ["EUR"]


def test_layout_rule_applies_only_to_its_own_plans() -> None:
    issuer = s.Layout("issuer", s.issuer)
    assert issuer.applies(plan_of(props(vendor="string"), "vendor"))
    assert not issuer.applies(plan_of(props(address="string"), "address"))
    assert issuer.fill(plan_of(props(vendor="string"), "vendor"), context([])) == []


def test_fiscal_year_from_the_document() -> None:
    report = page([(40, [(40, "Annual Report 2023")]), (60, [(40, "For the year ended 31 December 2023")])])
    plan = plan_of(props(fiscal_year="integer"), "fiscal_year")
    assert [f.value for f in s.Layout("year", s.fiscal_year).fill(plan, context([report]))] == [2023]


def test_yuan_by_script() -> None:
    assert s.yuan_by_script(["北京华信科技有限公司", "深圳市南山区科技园南路15号", "项目 数量 金额"]) == "CNY"
    assert s.yuan_by_script(["Northwind Trading Ltd", "Total 100.00 北京"]) is None


AGREEMENT = page(
    [
        (40, [(40, "This Agreement is made between Acme Corp. and Beta LLC.")]),
        (60, [(40, "This Agreement shall be governed by the laws of the State of Delaware.")]),
    ]
)


def test_sentences_read_parties_and_law_and_are_final() -> None:
    ctx = context([AGREEMENT])
    law = plan_of(props(governing_law="string"), "governing_law")
    got = s.Sentences().fill(law, ctx)
    assert got and "Delaware" in got[0].value
    parties = plan_of(props(parties={"type": "array", "items": {"type": "string"}}), "parties")
    names = [f.value for f in s.Sentences().fill(parties, ctx)]
    assert any("Acme" in n for n in names) and any("Beta" in n for n in names)
    assert s.Sentences().final(law) and not s.Sentences().applies(plan_of(props(total="number"), "total"))


def test_every_label_keeps_distinct_values() -> None:
    two = page(
        [(40, [(40, "Reference: A-1")]), (60, [(40, "Reference: B-2")]), (80, [(40, "Reference: A-1")])]
    )
    plan = plan_of(props(reference={"type": "array", "items": {"type": "string"}}), "reference")
    assert sorted(f.value for f in s.EveryLabel().fill(plan, context([two]))) == ["A-1", "B-2"]


def test_order_stops_at_a_final_strategy_that_found_nothing() -> None:
    # a governing-law field on an invoice: no sentence states it, and no label may stand in for it
    law = plan_of(props(governing_law="string"), "governing_law")
    assert order.run(law, context([INVOICE])) == []


def test_order_falls_through_to_layout_when_no_label_names_the_field() -> None:
    vendor = plan_of(props(vendor="string"), "vendor")
    assert [f.value for f in order.run(vendor, context([INVOICE]))] == ["ACME Supplies Ltd"]
    assert [x.name for x in order.SCALAR][:3] == ["sentences", "receipt_total", "best_label"]
