"""English label vocabulary: how invoices and receipts name their fields.

Fitted on: general invoice and receipt wording, extended while developing on the synthetic invoices and
receipts of seeds 1, 5, 7 and 11 (`docai.evals.synth`), the English invoices of invoice2data and the
SROIE receipts (Malaysia; their English labels: 'Total Sales Inclusive', 'Nett Total', 'Rounded Total').
"""

from __future__ import annotations

# concept -> label phrases people print for it
SYNONYMS: dict[str, str] = {
    "total": (
        "total|grand total|amount due|balance due|total due|total amount|amount payable|"
        "total payable|net total|nett total|rounded total|total including tax|"
        "invoice total|total to pay|amount to pay|total incl|please pay|"
        "total sales inclusive|total value"
    ),
    "subtotal": (
        "subtotal|sub total|net amount|amount before tax|total excluding tax|"
        "untaxed amount|total excl|total before tax|net|amount untaxed|total excluding"
    ),
    "tax": "tax|vat|gst|sales tax|tax amount|total tax|total gst|total vat|amount tax",
    "invoice_number": (
        "invoice number|invoice no|invoice|invoice id|bill number|receipt number|"
        "document number|doc number|inv number|tax invoice number|invoice reference"
    ),
    "date": (
        "date|invoice date|date of issue|issue date|issued|bill date|receipt date|dated|"
        "issued on|date issued|transaction date|order date"
    ),
    "due_date": "due date|payment due|due|pay by|date due|payment due date",
    "customer": "bill to|billed to|sold to|customer|client|buyer|invoice to|recipient",
    "vendor": "vendor|seller|supplier|from|issuer|merchant|company|sold by|store",
    "currency": "currency",
    "quantity": "quantity|qty|units|pcs|count|hours|hrs",
    "unit_price": "unit price|price|rate|unit cost|price per unit|each|unit amount",
    "amount": "amount|line total|total|ext price|extended price|value|net amount",
    "description": "description|item|product|service|details|article|name|particulars",
    "email": "email|e mail|mail",
    "phone": "phone|telephone|mobile|contact number|phone number",
    "address": "address",
    "order_number": "order number|purchase order|po number|order id|order",
    "reference": "reference|ref|your reference|our reference",
}

# the first word of a totals row under a table of items
SUMMARY_WORDS = frozenset(
    {"total", "subtotal", "sub", "tax", "balance", "due", "discount", "shipping", "rounding"}
)

# abbreviations printed in labels -> the word they stand for
ABBREVIATIONS: dict[str, str] = {
    "no": "number", "nr": "number", "num": "number", "#": "number", "nbr": "number",
    "amt": "amount", "qty": "quantity", "ref": "reference", "inv": "invoice", "tel": "phone",
    "ph": "phone", "dt": "date", "desc": "description", "incl": "including", "excl": "excluding",
    "inclusive": "including", "exclusive": "excluding", "pcs": "quantity", "cust": "customer",
    "addr": "address", "tot": "total", "vat": "tax", "gst": "tax", "ttl": "total",
    "e-mail": "email", "telephone": "phone", "mobile": "phone", "nett": "net",
}  # fmt: skip

# words of a document's title ('TAX INVOICE', 'Official Receipt'): a line of only these is no name
TITLE_WORDS = frozenset({
    "invoice", "tax", "receipt", "bill", "statement", "quotation", "quote", "order", "simplified", "cash",
    "original", "copy", "duplicate", "page", "credit", "note", "delivery", "welcome", "to", "official",
    "sales", "purchase", "proforma", "pro", "forma", "account",
})  # fmt: skip

# field-name words that evoke a concept even where the field is not named exactly like it
CONCEPT_CUES: dict[str, set[str]] = {
    "total": {"total", "grand", "payable", "due"},
    "vendor": {"vendor", "seller", "supplier", "issuer", "merchant", "company", "store", "shop"},
    "customer": {"customer", "client", "buyer", "billed", "recipient", "partner"},
    "invoice_number": {"invoice", "bill", "receipt"},
}

# words that change what a total-like label means; a label carrying one the field lacks is another field
DISCRIMINATORS = frozenset({
    "sub", "subtotal", "tax", "quantity", "change", "cash", "tendered", "discount", "rounding", "adjustment",
    "adj", "excluding", "before", "saving", "savings", "paid", "deposit", "items", "item", "service",
    "charge", "tip", "credit", "card", "balance", "previous", "unit", "due", "shipping", "freight",
    "number", "date", "code", "id", "points", "qty",
})  # fmt: skip

# words a label may carry that say nothing
STOP_WORDS = frozenset(
    {"the", "of", "a", "an", "in", "on", "at", "and", "or", "your", "our", "is", "this", "as"}
)

# the names of a sales tax printed on receipts (GST in Singapore, Australia, India, Malaysia until 2018)
TAX_WORDS = ("gst", "tax", "vat")
