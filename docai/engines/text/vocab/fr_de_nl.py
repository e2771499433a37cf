"""French, German and Dutch label vocabulary.

Fitted on: the French, German and Dutch invoices of the invoice2data set, and the usual wording of
invoices in those languages.
"""

from __future__ import annotations

SYNONYMS: dict[str, dict[str, str]] = {
    "fr": {
        "invoice_number": "facture n°|facture numéro|numéro de facture|n° de facture|facture",
        "date": "date de facture|date d'émission|date facture|facture du",
        "total": "total ttc|montant ttc|somme à payer|net à payer|total à payer|montant total|total facture",
        "subtotal": "total ht|montant ht|sous total",
        "tax": "tva|montant tva|total tva",
        "due_date": "date d'échéance|échéance|date limite de paiement",
        "quantity": "quantité|qté|nombre",
        "unit_price": "prix unitaire|p.u. ht|pu ht|prix",
        "description": "désignation|description|libellé",
    },
    "de": {
        "invoice_number": "rechnungsnr|rechnungsnummer|rechnung nr|belegnummer|rechnung",
        "date": "rechnungsdatum|datum|belegdatum",
        "total": "gesamtbetrag|rechnungsbetrag|endbetrag|summe|gesamt|zu zahlen|gesamtsumme",
        "subtotal": "zwischensumme|nettobetrag|netto",
        "tax": "mwst|ust|mehrwertsteuer|umsatzsteuer",
        "due_date": "fällig am|fälligkeitsdatum|zahlbar bis",
        "quantity": "menge|anzahl",
        "unit_price": "einzelpreis|preis",
        "description": "bezeichnung|beschreibung|artikel",
    },
    "nl": {
        "invoice_number": "factuurnummer|factuurnr|factuur nummer|factuur",
        "date": "factuurdatum|factuur datum|datum",
        "total": "totaal|factuur totaal|te betalen|totaalbedrag|totaal incl btw",
        "subtotal": "subtotaal|exclusief btw|totaal excl btw",
        "tax": "btw|btw bedrag",
        "due_date": "vervaldatum",
        "quantity": "aantal|hoeveelheid",
        "unit_price": "prijs|stukprijs",
        "description": "omschrijving|artikel",
    },
}

# abbreviations: 'N°', TTC (toutes taxes comprises), HT (hors taxes), 'Nummer'
ABBREVIATIONS: dict[str, str] = {"n°": "number", "ttc": "including", "ht": "excluding", "nummer": "number"}
