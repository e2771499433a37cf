"""The table role: line items read from an aligned table on a page built in memory."""

from __future__ import annotations

from docai.engines.text.line_items import fill_items
from tests.engines.text.fields.pages import context, page, plan_of

SCHEMA = {
    "type": "object",
    "properties": {
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
        }
    },
}

TABLE = page(
    [
        (200, [(40, "Description"), (250, "Qty"), (330, "Unit Price"), (460, "Amount")]),
        (220, [(40, "Widget A"), (250, "2"), (330, "5.00"), (460, "10.00")]),
        (240, [(40, "Gadget B"), (250, "1"), (330, "7.50"), (460, "7.50")]),
        (260, [(40, "Total"), (460, "17.50")]),
    ]
)


def test_rows_under_the_header_are_items_and_the_total_row_is_not() -> None:
    plan = plan_of(SCHEMA, "items")
    rows, evidence = fill_items(plan.spec, context([TABLE]))
    assert [r["description"] for r in rows] == ["Widget A", "Gadget B"]
    assert [r["amount"] for r in rows] == [10.0, 7.5] and rows[0]["quantity"] == 2
    assert evidence["items[1].unit_price"].text == "7.50"
