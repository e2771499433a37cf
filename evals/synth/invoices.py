"""Synthetic invoices (with line items) and shop receipts, in several layouts, English and Chinese."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from typing import Any

from docai.evals.synth import values as v
from docai.evals.synth.draw import Canvas

_log = logging.getLogger(__name__)

INVOICE_LAYOUTS = ("label_value", "label_above", "two_column", "boxed")


@dataclass
class Sample:
    """One generated document's truth: canonical `fields`, the strings shown for them, and questions."""

    fields: dict[str, Any]
    shown: dict[str, str] = field(default_factory=dict)
    questions: list[dict[str, Any]] = field(default_factory=list)
    layout: str = ""
    lang: str = "en"
    pages: dict[str, int] = field(default_factory=dict)
    """1-based page where each top-level field is printed; fields not listed are on page 1."""


def _items(rng: random.Random, zh: bool) -> list[dict[str, Any]]:
    picks = rng.sample(v.ITEMS, rng.randint(2, 6))
    rows = []
    for k, (name, low, high) in enumerate(picks):
        qty = rng.randint(1, 12) if high < 100 else rng.randint(1, 4)
        price = v.money(rng, low, high)
        desc = v.ZH_ITEMS[k % len(v.ZH_ITEMS)] if zh else name
        rows.append(
            {"description": desc, "quantity": qty, "unit_price": price, "amount": round(qty * price, 2)}
        )
    return rows


def _meta_block(c: Canvas, layout: str, pairs: list[tuple[str, str]], x: float, y: float) -> float:
    """Invoice number / dates in the chosen layout; returns the y below the block."""
    if layout == "label_value":
        for label, value in pairs:
            c.text(x, y, f"{label}: {value}")
            y += 16
    elif layout == "label_above":
        for label, value in pairs:
            c.text(x, y, label.upper(), size=7.5, color=(0.35, 0.35, 0.35))
            c.text(x, y + 12, value, bold=True)
            y += 30
    elif layout == "two_column":
        for label, value in pairs:
            c.text(x, y, label, bold=True)
            c.text(c.width - c.margin, y, value, align="right")
            y += 16
    else:  # boxed
        w = (c.width - c.margin - x) / len(pairs)
        for i, (label, value) in enumerate(pairs):
            x0 = x + i * w
            c.box(x0, y - 10, x0 + w, y + 26)
            c.text(x0 + 4, y, label, size=7.5)
            c.text(x0 + 4, y + 17, value, size=9.5)
        y += 40
    return y


def draw_invoice(
    page: Any,
    rng: random.Random,
    zh: bool = False,
    *,
    layout: str | None = None,
    currency: tuple[str, str, str] | None = None,
    font: str | None = None,
    date_style: str | None = None,
    common_labels: bool = False,
) -> Sample:
    """An invoice on `page`: vendor header, meta block, bill-to, line items, totals.

    Layout, currency (code, symbol, number style), font and date style are random unless given;
    `common_labels` uses the most usual wording of each label ("Invoice No.", "Bill To", "Total Due").
    """
    font = font or ("helv" if zh else rng.choice(["helv", "helv", "tiro", "cour"]))
    c = Canvas(page, font=font, size=9.5 if font != "cour" else 8.5)
    layout = layout or rng.choice(INVOICE_LAYOUTS)
    code, symbol, style = currency or (("CNY", "¥", "us") if zh else rng.choice(v.CURRENCIES))
    date_style = date_style or rng.choice(v.DATE_STYLES)
    issued = v.some_date(rng)
    due = v.shift(issued, rng.choice([14, 30, 45]))
    vendor, customer = v.company(rng, zh), v.company(rng, zh)
    number = v.ref_number(rng, issued.year)
    items = _items(rng, zh)
    subtotal = round(sum(i["amount"] for i in items), 2)
    rate = rng.choice([0.05, 0.06, 0.08, 0.1, 0.2])
    tax = round(subtotal * rate, 2)
    total = round(subtotal + tax, 2)
    if zh:
        label = lambda k: v.ZH_LABELS[k]  # noqa: E731
    elif common_labels:
        label = lambda k: v.LABELS[k][0]  # noqa: E731
    else:
        label = lambda k: rng.choice(v.LABELS[k])  # noqa: E731
    shown = {
        "invoice_number": number,
        "issue_date": v.format_date(issued, date_style, zh),
        "due_date": v.format_date(due, date_style, zh),
        "vendor": vendor,
        "customer": customer,
        "subtotal": v.format_number(subtotal, style),
        "tax": v.format_number(tax, style),
        "total": v.format_number(total, style),
    }
    # header
    c.text(c.margin, 70, vendor, size=16, bold=True)
    c.text(c.margin, 88, v.address(rng, zh), size=8.5)
    c.text(
        c.width - c.margin,
        70,
        "发票" if zh else rng.choice(["INVOICE", "Invoice", "TAX INVOICE"]),
        size=20,
        bold=True,
        align="right",
    )
    pairs = [
        (label("invoice_number"), shown["invoice_number"]),
        (label("issue_date"), shown["issue_date"]),
        (label("due_date"), shown["due_date"]),
    ]
    meta_x = c.margin if layout == "boxed" else c.width / 2 + 20
    meta_y = 130 if layout != "boxed" else 125
    y = _meta_block(c, layout, pairs, meta_x, meta_y)
    bill_y = max(y, 130) + 10 if layout == "boxed" else 130
    c.text(c.margin, bill_y, label("customer") + ("：" if zh else ":"), bold=True)
    c.text(c.margin, bill_y + 15, customer)
    c.text(c.margin, bill_y + 28, v.address(rng, zh), size=8.5)
    c.y = max(y, bill_y + 50) + 20
    # items
    heads = (
        ("项目", "数量", "单价", "金额")
        if zh
        else rng.choice(
            [
                ("Description", "Qty", "Unit Price", "Amount"),
                ("Item", "Quantity", "Rate", "Total"),
                ("Description", "Units", "Price", "Line Total"),
            ]
        )
    )
    inner = c.width - 2 * c.margin
    cols = [
        (heads[0], inner * 0.5, "left"),
        (heads[1], inner * 0.12, "right"),
        (heads[2], inner * 0.19, "right"),
        (heads[3], inner * 0.19, "right"),
    ]
    rows = [
        [
            i["description"],
            str(i["quantity"]),
            v.format_number(i["unit_price"], style),
            v.format_number(i["amount"], style),
        ]
        for i in items
    ]
    c.table(c.margin, cols, rows, rulings=rng.random() < 0.6)
    # totals
    right = c.width - c.margin
    lx = right - inner * 0.42
    y = c.y
    tax_label = label("tax") + ("" if zh else f" {round(rate * 100)}%")
    for key, text in (("subtotal", label("subtotal")), ("tax", tax_label), ("total", label("total"))):
        bold = key == "total"
        amount = shown[key]
        if key == "total":
            amount = v.format_money(total, code, symbol, style)
        c.text(lx, y, text + ("" if zh else ":"), bold=bold)
        c.text(right - 4, y, amount, bold=bold, align="right")
        y += 17
    note = (
        "付款方式：银行转账　币种：人民币"
        if zh
        else rng.choice(
            [
                "Payment terms: 30 days net. Thank you for your business.",
                "Please pay by bank transfer.",
                "Thank you for your order!",
            ]
        )
    )
    c.text(c.margin, min(c.height - 50, y + 40), note, size=8)
    fields = {
        "invoice_number": number,
        "issue_date": issued.isoformat(),
        "due_date": due.isoformat(),
        "vendor": vendor,
        "customer": customer,
        "currency": code,
        "subtotal": subtotal,
        "tax": tax,
        "total": total,
        "items": items,
    }
    questions = [
        {
            "question": "What is the total amount due?" if not zh else "合计金额是多少？",
            "answer": v.format_money(total, code, symbol, style),
            "pages": [page.number + 1],
        },
        {"question": "What is the invoice number?", "answer": number, "pages": [page.number + 1]},
    ]
    return Sample(fields, shown, questions, layout, "zh" if zh else "en")


def draw_receipt(page: Any, rng: random.Random, zh: bool = False) -> Sample:
    """A narrow till receipt in a monospace font: shop, address, date, items, tax, total."""
    c = Canvas(page, font="cour", size=8, margin=12)
    code, symbol, style = (
        ("CNY", "¥", "us")
        if zh
        else rng.choice([("MYR", "RM", "us"), ("USD", "$", "us"), ("GBP", "£", "us")])
    )
    shop = v.company(rng, zh).upper()
    addr = v.address(rng, zh).upper()
    d = v.some_date(rng)
    date_style = rng.choice(("dmy_slash", "dmy_dot_short", "iso", "d_mon_y"))
    names = rng.sample(v.RECEIPT_ITEMS, rng.randint(2, 7))
    amounts = [v.money(rng, 1, 60) for _ in names]
    subtotal = round(sum(amounts), 2)
    rate = rng.choice([0.0, 0.06, 0.08])
    tax = round(subtotal * rate, 2)
    total = round(subtotal + tax, 2)
    mid, right = c.width / 2, c.width - c.margin
    y = 30.0
    c.text(mid, y, shop, align="center", bold=True, size=9)
    y += 13
    for part in addr.split(", "):
        c.text(mid, y, part, align="center")
        y += 10
    y += 8
    shown_date = v.format_date(d, date_style, zh)
    c.text(c.margin, y, f"DATE: {shown_date}  {rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}")
    y += 10
    c.text(c.margin, y, f"RECEIPT NO: {rng.randint(10000, 99999)}")
    y += 8
    c.line(c.margin, y, right, y)
    y += 12
    for name, amount in zip(names, amounts, strict=True):
        c.text(c.margin, y, name)
        c.text(right, y, v.format_number(amount, style), align="right")
        y += 11
    c.line(c.margin, y - 4, right, y - 4)
    y += 8
    rows = [("SUBTOTAL", v.format_number(subtotal, style))]
    if rate:
        rows.append(
            (f"{rng.choice(['GST', 'TAX', 'SST'])} {round(rate * 100)}%", v.format_number(tax, style))
        )
    total_label = rng.choice(["TOTAL", f"TOTAL {symbol}", "AMOUNT DUE", "GRAND TOTAL"])
    rows.append((total_label, v.format_number(total, style)))
    for label, amount in rows:
        c.text(c.margin, y, label, bold=label == total_label)
        c.text(right, y, amount, align="right", bold=label == total_label)
        y += 11
    y += 10
    c.text(mid, y, "THANK YOU. PLEASE COME AGAIN", align="center")
    fields = {
        "company": shop,
        "address": addr,
        "date": d.isoformat(),
        "total": total,
        "tax": tax if rate else None,
        "currency": code,
    }
    shown = {"company": shop, "date": shown_date, "total": v.format_number(total, style)}
    q = [
        {
            "question": "What is the total amount on the receipt?",
            "answer": v.format_number(total, style),
            "pages": [1],
        }
    ]
    return Sample(fields, shown, q, "receipt", "zh" if zh else "en")
