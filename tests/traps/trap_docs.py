"""Trap documents in layouts and wordings the synthetic generator does not make (issue 13).

Each trap is (name, schema, pages, truth): pages are lists of (x, y, text, font size[, font name]) that
`build_pdf` prints with PyMuPDF, born-digital or rendered to an image-only scan that Tesseract reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docai

_EXAMPLES = Path(docai.__file__).parent / "schema" / "examples"
INV: dict[str, Any] = json.loads((_EXAMPLES / "invoice.json").read_text())
INV["properties"].pop("items")
RCPT: dict[str, Any] = json.loads((_EXAMPLES / "receipt.json").read_text())

Trap = tuple[str, dict[str, Any], list[list[tuple]], dict[str, Any]]
TRAPS: list[Trap] = []


def add(name: str, schema: dict[str, Any], pages: list[list[tuple]], truth: dict[str, Any]) -> None:
    TRAPS.append((name, schema, pages, truth))


# 1 two-column header, buyer block first (left), seller on the right
add(
    "buyer_first",
    INV,
    [
        [
            (60, 60, "BILL TO", 9),
            (60, 75, "Meridian Health Partners LLC", 11),
            (60, 90, "400 Elm Avenue, Denver CO 80202", 9),
            (330, 60, "Ashgrove Supply Co.", 15),
            (330, 78, "77 Quarry Lane, Austin TX 78701", 9),
            (330, 92, "billing@ashgrovesupply.com", 9),
            (60, 150, "INVOICE", 18),
            (60, 175, "Invoice #: AS-55910", 10),
            (60, 190, "Invoice Date: March 14, 2024", 10),
            (60, 205, "Due Date: April 13, 2024", 10),
            (60, 250, "Description                    Qty      Rate        Amount", 10),
            (60, 268, "Nitrile gloves (box)           40      12.50        500.00", 10),
            (60, 286, "Face shields                   25       8.00        200.00", 10),
            (330, 330, "Subtotal          700.00", 10),
            (330, 346, "Sales Tax 8.25%    57.75", 10),
            (330, 362, "Total            $757.75", 11),
        ]
    ],
    {
        "vendor": "Ashgrove Supply Co.",
        "customer": "Meridian Health Partners LLC",
        "invoice_number": "AS-55910",
        "issue_date": "2024-03-14",
        "due_date": "2024-04-13",
        "subtotal": 700.0,
        "tax": 57.75,
        "total": 757.75,
    },
)

# 2 total / paid / balance 0
add(
    "paid_balance",
    INV,
    [
        [
            (60, 60, "Brightline Studio Ltd", 15),
            (60, 78, "12 Canal Street, Manchester M1 3HE", 9),
            (60, 130, "INVOICE", 18),
            (60, 155, "Invoice No. 3091", 10),
            (60, 170, "Date: 2024-06-02", 10),
            (60, 200, "Customer: Oakridge Books", 10),
            (60, 250, "Design work                                  1,250.00", 10),
            (330, 300, "Subtotal             1,250.00", 10),
            (330, 316, "VAT (20%)              250.00", 10),
            (330, 332, "Total                1,500.00", 10),
            (330, 348, "Amount paid          1,500.00", 10),
            (330, 364, "Balance due              0.00", 10),
        ]
    ],
    {
        "vendor": "Brightline Studio Ltd",
        "customer": "Oakridge Books",
        "invoice_number": "3091",
        "issue_date": "2024-06-02",
        "subtotal": 1250.0,
        "tax": 250.0,
        "total": 1500.0,
    },
)

# 3 credit note, negative total in parentheses
add(
    "credit_note",
    INV,
    [
        [
            (60, 60, "Halcyon Office Furniture Ltd", 15),
            (60, 78, "5 Mill Road, Bristol BS1 5AA", 9),
            (60, 130, "CREDIT NOTE", 18),
            (60, 155, "Credit Note No: CN-0042", 10),
            (60, 170, "Date: 2024-02-19", 10),
            (60, 200, "Customer: Redwood Dental Clinic", 10),
            (60, 250, "Returned desk chair                           -200.00", 10),
            (330, 300, "Subtotal             -200.00", 10),
            (330, 316, "VAT 20%               -40.00", 10),
            (330, 332, "Total credit         -240.00", 10),
        ]
    ],
    {
        "vendor": "Halcyon Office Furniture Ltd",
        "customer": "Redwood Dental Clinic",
        "issue_date": "2024-02-19",
        "subtotal": -200.0,
        "tax": -40.0,
        "total": -240.0,
    },
)

# 4 German locale 1.234,56
add(
    "german",
    INV,
    [
        [
            (60, 60, "Müller & Söhne GmbH", 15),
            (60, 78, "Hauptstraße 12, 10115 Berlin", 9),
            (60, 130, "RECHNUNG", 18),
            (60, 155, "Rechnungsnummer: RE-2024-0815", 10),
            (60, 170, "Rechnungsdatum: 05.03.2024", 10),
            (60, 185, "Fällig am: 04.04.2024", 10),
            (60, 215, "Kunde: Bäckerei Schmidt KG", 10),
            (60, 260, "Beratung                   8 Std.     120,00      960,00", 10),
            (60, 278, "Reisekosten                1          77,44        77,44", 10),
            (330, 320, "Nettobetrag           1.037,44 €", 10),
            (330, 336, "MwSt. 19%               197,11 €", 10),
            (330, 352, "Gesamtbetrag          1.234,55 €", 10),
        ]
    ],
    {
        "vendor": "Müller & Söhne GmbH",
        "customer": "Bäckerei Schmidt KG",
        "invoice_number": "RE-2024-0815",
        "issue_date": "2024-03-05",
        "due_date": "2024-04-04",
        "currency": "EUR",
        "subtotal": 1037.44,
        "tax": 197.11,
        "total": 1234.55,
    },
)

# 5 French locale 1 234,56
add(
    "french",
    INV,
    [
        [
            (60, 60, "Atelier Lumière SARL", 15),
            (60, 78, "8 rue des Lilas, 69003 Lyon", 9),
            (60, 130, "FACTURE", 18),
            (60, 155, "Facture n° F-2024-117", 10),
            (60, 170, "Date : 07/02/2024", 10),
            (60, 185, "Échéance : 08/03/2024", 10),
            (60, 215, "Client : Librairie du Parc", 10),
            (60, 260, "Éclairage scène                               2 450,00", 10),
            (330, 320, "Total HT              2 450,00 €", 10),
            (330, 336, "TVA 20 %                490,00 €", 10),
            (330, 352, "Total TTC             2 940,00 €", 10),
        ]
    ],
    {
        "vendor": "Atelier Lumière SARL",
        "customer": "Librairie du Parc",
        "invoice_number": "F-2024-117",
        "issue_date": "2024-02-07",
        "due_date": "2024-03-08",
        "currency": "EUR",
        "subtotal": 2450.0,
        "tax": 490.0,
        "total": 2940.0,
    },
)

# 6 Swiss 1'234.55
add(
    "swiss",
    INV,
    [
        [
            (60, 60, "Alpenblick Treuhand AG", 15),
            (60, 78, "Bahnhofstrasse 3, 8001 Zürich", 9),
            (60, 130, "RECHNUNG", 18),
            (60, 155, "Rechnung Nr. 24-0331", 10),
            (60, 170, "Datum: 11.01.2024", 10),
            (60, 215, "Kunde: Uhrenhaus Keller", 10),
            (60, 260, "Buchhaltung Q4                              3'600.00", 10),
            (330, 320, "Zwischensumme         CHF 3'600.00", 10),
            (330, 336, "MWST 8.1%             CHF   291.60", 10),
            (330, 352, "Total                 CHF 3'891.60", 10),
        ]
    ],
    {
        "vendor": "Alpenblick Treuhand AG",
        "customer": "Uhrenhaus Keller",
        "invoice_number": "24-0331",
        "issue_date": "2024-01-11",
        "currency": "CHF",
        "subtotal": 3600.0,
        "tax": 291.6,
        "total": 3891.6,
    },
)

# 7 d/m order: UK invoice, ambiguous issue date, due date disambiguates
add(
    "dm_order",
    INV,
    [
        [
            (60, 60, "Thistle & Co Ltd", 15),
            (60, 78, "3 George Street, Edinburgh EH2 2HT", 9),
            (60, 130, "INVOICE", 18),
            (60, 155, "Invoice No: TC-1183", 10),
            (60, 170, "Invoice date: 03/04/2024", 10),
            (60, 185, "Due date: 25/04/2024", 10),
            (60, 215, "Bill to: Cairn Outdoor Ltd", 10),
            (60, 260, "Tents                                        900.00", 10),
            (330, 320, "Subtotal              £900.00", 10),
            (330, 336, "VAT 20%               £180.00", 10),
            (330, 352, "Total               £1,080.00", 10),
        ]
    ],
    {
        "vendor": "Thistle & Co Ltd",
        "customer": "Cairn Outdoor Ltd",
        "invoice_number": "TC-1183",
        "issue_date": "2024-04-03",
        "due_date": "2024-04-25",
        "currency": "GBP",
        "subtotal": 900.0,
        "tax": 180.0,
        "total": 1080.0,
    },
)

# 8 tax rate on its own line above the amount; page number and invoice number beside the total
add(
    "rate_and_pageno",
    INV,
    [
        [
            (60, 60, "Kestrel Logistics Inc.", 15),
            (60, 78, "900 Harbor Blvd, Oakland CA 94607", 9),
            (60, 130, "INVOICE", 18),
            (60, 155, "Invoice Number: 20240577", 10),
            (60, 170, "Invoice Date: 01/15/2024", 10),
            (60, 200, "Sold To: Pinecrest Grocers", 10),
            (60, 260, "Freight LA to SF                              2,000.00", 10),
            (330, 320, "Subtotal                2,000.00", 10),
            (330, 336, "Tax rate                  9.50%", 10),
            (330, 352, "Tax                       190.00", 10),
            (330, 368, "Total                   2,190.00", 10),
            (60, 800, "Invoice 20240577                     Page 1 of 1", 8),
        ]
    ],
    {
        "vendor": "Kestrel Logistics Inc.",
        "customer": "Pinecrest Grocers",
        "invoice_number": "20240577",
        "issue_date": "2024-01-15",
        "subtotal": 2000.0,
        "tax": 190.0,
        "total": 2190.0,
    },
)

# 9 label above the value (form layout)
add(
    "label_above",
    INV,
    [
        [
            (60, 60, "Cobalt Print Works Pty Ltd", 15),
            (60, 78, "21 Wharf St, Brisbane QLD 4000", 9),
            (60, 130, "TAX INVOICE", 18),
            (60, 160, "Invoice Number", 8),
            (200, 160, "Issue Date", 8),
            (340, 160, "Due Date", 8),
            (60, 175, "CP-7730", 11),
            (200, 175, "12 Aug 2024", 11),
            (340, 175, "11 Sep 2024", 11),
            (60, 210, "Customer", 8),
            (60, 225, "Harbourside Cafe", 11),
            (60, 270, "Menus printed                                  800.00", 10),
            (330, 320, "Subtotal                  800.00", 10),
            (330, 336, "GST                        80.00", 10),
            (330, 360, "Amount Due (AUD)", 8),
            (330, 375, "$880.00", 14),
        ]
    ],
    {
        "vendor": "Cobalt Print Works Pty Ltd",
        "customer": "Harbourside Cafe",
        "invoice_number": "CP-7730",
        "issue_date": "2024-08-12",
        "due_date": "2024-09-11",
        "currency": "AUD",
        "subtotal": 800.0,
        "tax": 80.0,
        "total": 880.0,
    },
)

# 10 multi-page: total on page 2
add(
    "total_page2",
    INV,
    [
        [
            (60, 60, "Granite Peak Engineering Ltd", 15),
            (60, 78, "44 King Street, Toronto ON M5H 1J8", 9),
            (60, 130, "INVOICE", 18),
            (60, 155, "Invoice No: GP-2208", 10),
            (60, 170, "Date: 2024-09-30", 10),
            (60, 200, "Bill To: Lakeshore Developments", 10),
        ]
        + [
            (60, 250 + 18 * i, f"Site inspection day {i + 1:<2}                       450.00", 10)
            for i in range(20)
        ]
        + [(330, 640, "Carried forward        9,000.00", 10), (450, 800, "Page 1 of 2", 8)],
        [
            (60, 60, "Invoice No: GP-2208 (continued)", 10),
            (60, 100, "Report preparation                            1,000.00", 10),
            (330, 150, "Subtotal              10,000.00", 10),
            (330, 166, "HST 13%                1,300.00", 10),
            (330, 182, "Total                 11,300.00", 10),
            (450, 800, "Page 2 of 2", 8),
        ],
    ],
    {
        "vendor": "Granite Peak Engineering Ltd",
        "customer": "Lakeshore Developments",
        "invoice_number": "GP-2208",
        "issue_date": "2024-09-30",
        "subtotal": 10000.0,
        "tax": 1300.0,
        "total": 11300.0,
    },
)

# 11 receipt with CASH / CHANGE
add(
    "receipt_cash",
    RCPT,
    [
        [
            (200, 60, "CORNER MART", 14),
            (170, 76, "215 Baker St, Portland OR 97201", 9),
            (200, 92, "Tel 503-555-0199", 9),
            (150, 120, "Date: 06/21/2024   Time: 14:32", 9),
            (150, 150, "MILK 2L                   3.49", 9),
            (150, 164, "BREAD                     2.99", 9),
            (150, 178, "COFFEE BEANS             12.99", 9),
            (150, 200, "SUBTOTAL                 19.47", 9),
            (150, 214, "TAX                       1.56", 9),
            (150, 228, "TOTAL                    21.03", 10),
            (150, 250, "CASH                     50.00", 9),
            (150, 264, "CHANGE                   28.97", 9),
            (150, 290, "ITEMS SOLD 3", 9),
        ]
    ],
    {"company": "CORNER MART", "date": "2024-06-21", "total": 21.03, "tax": 1.56},
)

# 12 Chinese invoice with full-width digits and 元
add(
    "chinese_fullwidth",
    INV,
    [
        [
            (60, 60, "杭州明远科技有限公司", 15, "china-s"),
            (60, 80, "地址：杭州市西湖区文三路１２号", 9, "china-s"),
            (60, 130, "销售发票", 18, "china-s"),
            (60, 160, "发票号码：ＮＯ．２０２４０３１８", 10, "china-s"),
            (60, 178, "开票日期：２０２４年３月１８日", 10, "china-s"),
            (60, 200, "购买方：上海华晨贸易有限公司", 10, "china-s"),
            (60, 250, "服务器维护　　　　　　　　　　　　４，０００．００", 10, "china-s"),
            (330, 300, "金额合计：４，０００．００元", 10, "china-s"),
            (330, 318, "税额（６％）：２４０．００元", 10, "china-s"),
            (330, 336, "价税合计：４，２４０．００元", 10, "china-s"),
        ]
    ],
    {
        "vendor": "杭州明远科技有限公司",
        "customer": "上海华晨贸易有限公司",
        "issue_date": "2024-03-18",
        "currency": "CNY",
        "subtotal": 4000.0,
        "tax": 240.0,
        "total": 4240.0,
    },
)

# 13 discount and shipping lines
add(
    "discount_shipping",
    INV,
    [
        [
            (60, 60, "Willow & Pine Goods LLC", 15),
            (60, 78, "18 Orchard Way, Burlington VT 05401", 9),
            (60, 130, "INVOICE", 18),
            (60, 155, "Invoice #: WP-4410", 10),
            (60, 170, "Date: 2024-05-09", 10),
            (60, 200, "Ship To: Fernwood Inn", 10),
            (60, 260, "Candles (case)           10       30.00        300.00", 10),
            (330, 320, "Subtotal                 300.00", 10),
            (330, 336, "Discount 10%             -30.00", 10),
            (330, 352, "Shipping                  15.00", 10),
            (330, 368, "Sales tax 6%              17.10", 10),
            (330, 384, "Total                    302.10", 10),
        ]
    ],
    {
        "vendor": "Willow & Pine Goods LLC",
        "customer": "Fernwood Inn",
        "invoice_number": "WP-4410",
        "issue_date": "2024-05-09",
        "subtotal": 300.0,
        "tax": 17.1,
        "total": 302.1,
    },
)

# 14 customer/PO/invoice numbers side by side
add(
    "numbers_row",
    INV,
    [
        [
            (60, 60, "Summit Valve Corporation", 15),
            (60, 78, "1200 Industrial Pkwy, Houston TX 77002", 9),
            (60, 130, "INVOICE", 18),
            (60, 160, "Customer No.: 55012     PO Number: PO-7781     Invoice No.: 118-2024", 9),
            (60, 176, "Order Date: 02/01/2024     Invoice Date: 02/20/2024", 9),
            (60, 200, "Bill To: Gulf Coast Refining", 10),
            (60, 260, "Gate valve 4in            12      150.00      1,800.00", 10),
            (330, 320, "Subtotal                1,800.00", 10),
            (330, 336, "Tax                       148.50", 10),
            (330, 352, "Invoice Total           1,948.50", 10),
        ]
    ],
    {
        "vendor": "Summit Valve Corporation",
        "customer": "Gulf Coast Refining",
        "invoice_number": "118-2024",
        "issue_date": "2024-02-20",
        "subtotal": 1800.0,
        "tax": 148.5,
        "total": 1948.5,
    },
)


# 15 spaces between thousands and no tax rate printed: '450,00' + '490,00' = '940,00' all add up
add(
    "french_no_rate",
    INV,
    [
        [
            (60, 60, "Atelier Lumière SARL", 15),
            (60, 78, "8 rue des Lilas, 69003 Lyon", 9),
            (60, 130, "FACTURE", 18),
            (60, 155, "Facture n° F-2024-117", 10),
            (60, 170, "Date : 07/02/2024", 10),
            (60, 215, "Client : Librairie du Parc", 10),
            (60, 260, "Éclairage scène                               2 450,00", 10),
            (330, 320, "Total HT              2 450,00 €", 10),
            (330, 336, "TVA                     490,00 €", 10),
            (330, 352, "Total TTC             2 940,00 €", 10),
        ]
    ],
    {
        "vendor": "Atelier Lumière SARL",
        "customer": "Librairie du Parc",
        "invoice_number": "F-2024-117",
        "issue_date": "2024-02-07",
        "subtotal": 2450.0,
        "tax": 490.0,
        "total": 2940.0,
    },
)


# second round: credit notes, lakhs, amounts in words, dates, a vendor only in the footer
def inv(name: str, head: list[tuple], body: list[tuple], truth: dict[str, Any]) -> None:
    """A one-page invoice under the vendor's name and address."""
    top = [(60, 60, truth.get("vendor", "Acme Widgets Ltd"), 15), (60, 78, "1 High Street, Leeds LS1 1AA", 9)]
    add(name, INV, [top + head + body], truth)


# only a due date printed
inv(
    "due_only",
    [
        (60, 130, "INVOICE", 18),
        (60, 155, "Invoice No: A-100", 10),
        (60, 170, "Payment due: 15 May 2024", 10),
        (60, 200, "Bill to: Beta Stores Ltd", 10),
    ],
    [(60, 260, "Widgets                         100.00", 10), (330, 320, "Total            100.00", 10)],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Beta Stores Ltd",
        "invoice_number": "A-100",
        "due_date": "2024-05-15",
        "total": 100.0,
        "issue_date": "(none printed)",
    },
)
# delivery date before invoice date
inv(
    "delivery_first",
    [
        (60, 130, "INVOICE", 18),
        (60, 155, "Invoice No: A-101", 10),
        (60, 170, "Delivery date: 02 May 2024", 10),
        (60, 185, "Invoice date: 06 May 2024", 10),
        (60, 200, "Bill to: Beta Stores Ltd", 10),
    ],
    [(60, 260, "Widgets                         100.00", 10), (330, 320, "Total            100.00", 10)],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Beta Stores Ltd",
        "invoice_number": "A-101",
        "issue_date": "2024-05-06",
        "total": 100.0,
    },
)
# US m/d ambiguous
inv(
    "us_md",
    [
        (60, 130, "INVOICE", 18),
        (60, 155, "Invoice No: 5521", 10),
        (60, 170, "Date: 03/04/2024", 10),
        (60, 185, "Due: 04/03/2024", 10),
        (60, 200, "Bill to: Gamma Inc.", 10),
    ],
    [(60, 260, "Widgets                         $100.00", 10), (330, 320, "Total            $100.00", 10)],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Gamma Inc.",
        "invoice_number": "5521",
        "total": 100.0,
        "currency": "USD",
    },
)
# Indian lakh
inv(
    "lakh",
    [
        (60, 130, "TAX INVOICE", 18),
        (60, 155, "Invoice No: GST/24/118", 10),
        (60, 170, "Date: 12-06-2024", 10),
        (60, 200, "Bill to: Ravi Traders", 10),
    ],
    [
        (60, 260, "Steel rods                      1,00,000.00", 10),
        (330, 320, "Taxable value   1,00,000.00", 10),
        (330, 336, "IGST 18%          18,000.00", 10),
        (330, 352, "Total (INR)     1,18,000.00", 10),
    ],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Ravi Traders",
        "invoice_number": "GST/24/118",
        "issue_date": "2024-06-12",
        "subtotal": 100000.0,
        "tax": 18000.0,
        "total": 118000.0,
        "currency": "INR",
    },
)
# credit note CR suffix / parentheses
inv(
    "credit_paren",
    [
        (60, 130, "CREDIT NOTE", 18),
        (60, 155, "Credit note No: CN-7", 10),
        (60, 170, "Date: 2024-02-19", 10),
        (60, 200, "Customer: Delta Ltd", 10),
    ],
    [
        (60, 260, "Refund                          (200.00)", 10),
        (330, 320, "Subtotal          (200.00)", 10),
        (330, 336, "VAT                (40.00)", 10),
        (330, 352, "Total              (240.00)", 10),
    ],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Delta Ltd",
        "issue_date": "2024-02-19",
        "subtotal": -200.0,
        "tax": -40.0,
        "total": -240.0,
    },
)
inv(
    "credit_cr",
    [
        (60, 130, "CREDIT NOTE", 18),
        (60, 155, "Credit note No: CN-8", 10),
        (60, 170, "Date: 2024-02-19", 10),
        (60, 200, "Customer: Delta Ltd", 10),
    ],
    [
        (60, 260, "Refund                          200.00 CR", 10),
        (330, 320, "Subtotal          200.00 CR", 10),
        (330, 336, "VAT                40.00 CR", 10),
        (330, 352, "Total             240.00 CR", 10),
    ],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Delta Ltd",
        "issue_date": "2024-02-19",
        "subtotal": -200.0,
        "tax": -40.0,
        "total": -240.0,
    },
)
# total qty and total savings lines
inv(
    "total_qty",
    [
        (60, 130, "INVOICE", 18),
        (60, 155, "Invoice No: A-102", 10),
        (60, 170, "Date: 2024-07-01", 10),
        (60, 200, "Bill to: Beta Stores Ltd", 10),
    ],
    [
        (60, 260, "Widgets       3     40.00    120.00", 10),
        (330, 320, "Total quantity          3", 10),
        (330, 336, "Subtotal           120.00", 10),
        (330, 352, "VAT 20%             24.00", 10),
        (330, 368, "Total              144.00", 10),
        (330, 384, "Total savings        12.00", 10),
        (330, 400, "Total paid          144.00", 10),
    ],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Beta Stores Ltd",
        "invoice_number": "A-102",
        "issue_date": "2024-07-01",
        "subtotal": 120.0,
        "tax": 24.0,
        "total": 144.0,
    },
)
# total with two currencies
inv(
    "two_currencies",
    [
        (60, 130, "INVOICE", 18),
        (60, 155, "Invoice No: A-103", 10),
        (60, 170, "Date: 2024-07-02", 10),
        (60, 200, "Bill to: Beta Stores Ltd", 10),
    ],
    [
        (60, 260, "Consulting                     USD 1,000.00", 10),
        (330, 320, "Total                USD 1,000.00", 10),
        (330, 336, "(for reference: EUR 921.40)", 9),
    ],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Beta Stores Ltd",
        "invoice_number": "A-103",
        "issue_date": "2024-07-02",
        "total": 1000.0,
        "currency": "USD",
    },
)
# balance due after partial payment; Total column header in items table
inv(
    "amount_due_header",
    [
        (60, 130, "INVOICE", 18),
        (60, 155, "Invoice No: A-104", 10),
        (60, 170, "Date: 2024-07-03", 10),
        (60, 200, "Bill to: Beta Stores Ltd", 10),
    ],
    [
        (60, 240, "Item            Qty    Price    Total", 10),
        (60, 258, "Widgets          2    50.00   100.00", 10),
        (60, 276, "Gadgets          1    80.00    80.00", 10),
        (330, 330, "Tax                  18.00", 10),
        (330, 346, "Amount due          198.00", 11),
    ],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Beta Stores Ltd",
        "invoice_number": "A-104",
        "issue_date": "2024-07-03",
        "tax": 18.0,
        "total": 198.0,
    },
)
# vendor only in footer, title at top
add(
    "vendor_footer",
    INV,
    [
        [
            (60, 60, "INVOICE", 22),
            (60, 90, "Invoice No: 7781", 10),
            (60, 105, "Date: 2024-08-08", 10),
            (60, 130, "Bill to:", 10),
            (60, 145, "Epsilon Bakery Ltd", 12),
            (60, 160, "4 Bread Lane, York YO1 1AA", 9),
            (60, 260, "Flour 25kg                      75.00", 10),
            (330, 320, "Total            75.00", 10),
            (60, 780, "Zeta Mills Ltd · 9 River Road, Hull HU1 1AA · VAT GB 999 8888 77", 8),
        ]
    ],
    {
        "vendor": "Zeta Mills Ltd",
        "customer": "Epsilon Bakery Ltd",
        "invoice_number": "7781",
        "issue_date": "2024-08-08",
        "total": 75.0,
    },
)
# Chinese with 小写 and 大写, tax rate column
add(
    "chinese_words",
    INV,
    [
        [
            (60, 60, "北京远航物流有限公司", 15, "china-s"),
            (60, 130, "增值税普通发票", 18, "china-s"),
            (60, 160, "发票号码：08812345", 10, "china-s"),
            (60, 178, "开票日期：2024年05月20日", 10, "china-s"),
            (60, 200, "购买方名称：天津海川商贸有限公司", 10, "china-s"),
            (60, 240, "项目名称      数量   单价      金额      税率   税额", 10, "china-s"),
            (60, 258, "运输服务      1      1000.00   1000.00   9%     90.00", 10, "china-s"),
            (60, 290, "合计                           ¥1000.00         ¥90.00", 10, "china-s"),
            (60, 310, "价税合计（大写）壹仟零玖拾圆整   （小写）¥1090.00", 10, "china-s"),
            (60, 340, "销售方名称：北京远航物流有限公司", 10, "china-s"),
        ]
    ],
    {
        "vendor": "北京远航物流有限公司",
        "customer": "天津海川商贸有限公司",
        "invoice_number": "08812345",
        "issue_date": "2024-05-20",
        "subtotal": 1000.0,
        "tax": 90.0,
        "total": 1090.0,
        "currency": "CNY",
    },
)

# a US invoice whose two dates are both ambiguous and agree in either order: no date says which is first
inv(
    "us_md_consistent",
    [
        (60, 130, "INVOICE", 18),
        (60, 155, "Invoice No: 5522", 10),
        (60, 170, "Date: 03/04/2024", 10),
        (60, 185, "Due: 04/05/2024", 10),
        (60, 200, "Bill to: Gamma Inc.", 10),
    ],
    [(60, 260, "Widgets                         $100.00", 10), (330, 320, "Total            $100.00", 10)],
    {
        "vendor": "Acme Widgets Ltd",
        "customer": "Gamma Inc.",
        "invoice_number": "5522",
        "issue_date": "2024-03-04",
        "due_date": "2024-04-05",
        "total": 100.0,
    },
)


def build_pdf(path: Path, pages: list[list[tuple]], scanned: bool = False) -> Path:
    """The trap as a PDF: text drawn with PyMuPDF, or (scanned) each page rendered at 200 dpi and put
    back as a picture only, so the text engine must OCR it."""
    import pymupdf

    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595, height=842)
        for x, y, text, size, *font in lines:
            page.insert_text((x, y), text, fontsize=size, fontname=font[0] if font else "helv")
    if scanned:
        scan = pymupdf.open()
        for p in doc:
            png = p.get_pixmap(dpi=200).tobytes("png")
            scan.new_page(width=595, height=842).insert_image(pymupdf.Rect(0, 0, 595, 842), stream=png)
        doc.close()
        doc = scan
    doc.save(path)
    doc.close()
    return path


def wrong_fields(data: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """Fields of `truth` that `data` fills with another value (a missing field is not wrong)."""

    def same(a: Any, b: Any) -> bool:
        if isinstance(b, float):
            return isinstance(a, int | float) and abs(a - b) < 0.005
        return " ".join(str(a).split()).casefold() == b.casefold()

    return [k for k, v in truth.items() if data.get(k) is not None and not same(data[k], v)]
