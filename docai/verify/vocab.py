"""Words the verification stage reads field names and page labels by.

Field-name words are the usual English schema names (those of docai's bundled schemas, SROIE and
invoice2data). Identifier labels are what invoices and receipts print before registration, tax, phone,
bank and document numbers (English, German, French, Dutch, Chinese), from public invoice samples.
"""

from __future__ import annotations

import re

ROLE_WORDS: dict[str, set[str]] = {
    "tax": {"tax", "vat", "gst", "iva", "tva", "mwst", "sst"},
    "subtotal": {"subtotal", "untaxed", "net"},
    "total": {"total", "amount", "gross", "grand", "payable"},
    "quantity": {"qty", "quantity", "count", "units", "quantities"},
    "unit_price": {"price", "rate", "unitprice"},
    "line_amount": {"amount", "total", "sum", "linetotal", "value"},
    "issuer": {"vendor", "issuer", "seller", "supplier", "merchant", "company", "biller", "store", "shop"},
    "recipient": {"customer", "buyer", "client", "recipient", "purchaser", "billed", "consignee", "payer"},
    "due_date": {"due"},
    "issue_date": {"date", "issued", "issue", "invoice"},
}
"""Role -> words of a field's path that give it that role (see roles.role_of for the precedence)."""

NOT_AMOUNT_WORDS = {"id", "number", "no", "rate", "registration", "reg", "code", "percent", "percentage"}
"""A tax field with one of these words names an identifier or a rate, not an amount."""

IDENTIFIER_LABEL = re.compile(
    r"(vat|gst|tax|ust|btw|tva|sst)[\s.\-]*(id|no|nr|num|number|reg|registration|code)\b"
    r"|\b(tin|ein|abn|acn|siret|siren|nif|cif|kvk|uen)\b|registration|reg[\s.]*no|co[\s.]*reg"
    r"|company[\s.]*(no|number|reg)|steuer|handelsregister|\bhrb\b|\biban\b|\bswift\b|\bbic\b"
    r"|\b(tel|tél|phone|fax|mobile|mob|hp|telefon)\b|a/c|account[\s.]*(no|number)|acct"
    r"|(invoice|order|receipt|bill|document|doc|ref|reference|po|customer|client|member|card)[\s.#:]*"
    r"(no|nr|num|number|#|id)\b|postcode|post code|zip|p\.?\s?o\.?\s?box"
    r"|税号|纳税人识别号|电话|账号|发票号码|编号",
    re.IGNORECASE,
)
"""A label that starts an identifier: digits after it up to the next amount label are not amounts."""

ADDRESS_SHAPE = re.compile(
    r"\d.*\b(street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|boulevard|blvd|jalan|jln|lorong|taman"
    r"|strasse|straße|str|rue|via|calle|weg|laan|straat|floor|flr|suite|unit|block|blk)\b"
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b\d{5,6}\b\s+[A-Z][a-z]+|\b(p\.?\s?o\.?\s?box)\b"
    r"|路|街|号|区|市",
    re.IGNORECASE,
)
"""A party name with a house number and a street word, or a postcode before a town, is an address."""

RECIPIENT_LABEL = re.compile(
    r"\b(bill(ed)?\s*to|invoice\s*to|sold\s*to|ship(ped)?\s*to|deliver(ed|y)?\s*to|customer|client"
    r"|attn|attention|recipient|buyer|consignee|factuuradres|afleveradres|rechnungsadresse|lieferadresse"
    r"|kunde|adresse de facturation|factur[ée] [àa]|destinataire|cliente)\b|客户|购买方|购方|收货",
    re.IGNORECASE,
)
"""A label that starts the recipient's block: a name just after it is the customer, not the issuer."""

DOCUMENT_TITLE = re.compile(
    r"^\W*(tax\s*)?(invoice|receipt|bill|statement|quotation|quote|credit note|factuur|rechnung|facture"
    r"|fattura|factura|nota|kwitansi|resit|发票|收据)\W*$",
    re.IGNORECASE,
)
"""A document's title word, which is no party's name."""

AMOUNT_LABEL = re.compile(
    r"\b(total|subtotal|sub-total|amount|sum|due|balance|price|net|gross|paid|cash|change|rounding)\b"
    r"|(vat|gst|tax|tva|mwst|sst)\s*(\(|\d|%|:|$|amount|total)|合计|金额|税额|价税",
    re.IGNORECASE,
)
"""A label that starts an amount again after an identifier on the same line."""

ISSUER_LABEL = re.compile(
    r"\b(from|seller|supplier|vendor|sold\s*by|issued\s*by|bill(ed)?\s*from|remit(tance)?\s*to|payee"
    r"|merchant|lieferant|verk[äa]ufer|absender|fournisseur|[ée]metteur|vendeur|leverancier|afzender"
    r"|proveedor|fornitore)\b|销售方|销方|卖方|开票方|收款方",
    re.IGNORECASE,
)
"""A label that starts the issuer's block (English, German, French, Dutch, Spanish, Italian, Chinese)."""

COMPANY_SUFFIX = re.compile(
    r"\b(ltd|limited|inc|incorporated|llc|l\.l\.c|llp|lp|plc|corp|corporation|co|company|gmbh|ag|kg"
    r"|ug|s\.?a|s\.?a\.?s|sarl|s\.?r\.?l|s\.?p\.?a|b\.?v|n\.?v|oy|ab|as|a/s|aps|pty|pte|sdn\.?\s*bhd|bhd"
    r"|berhad|enterprise|enterprises|trading|holdings|group|industries|restaurant|hotel|services"
    r"|technologies|store|mart|supermarket|pharmacy|bakery|cafe|kedai|syarikat)\b\.?"
    r"|有限公司|公司|商店|超市|集团|股份",
    re.IGNORECASE,
)
"""The legal-form or trade words a business name carries (Ltd, Inc, GmbH, Sdn Bhd, 有限公司, ...): public
lists of company forms, plus the shop words of Malaysian receipts (SROIE)."""
