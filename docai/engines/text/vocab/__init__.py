"""Words per language and region, as data: each module says what it was fitted on.

`en`, `zh`, `fr_de_nl` hold label vocabularies; `my_sg` the words of Malaysian and Singaporean receipts
(street and state names, legal forms, OCR repairs of them); `legal_forms` the company suffixes of every
region, from which the layout rules' patterns are built; `agreements` the words of English contracts.
General modules read these tables and name no words.
"""

from __future__ import annotations

from docai.engines.text.vocab import en, fr_de_nl, my_sg, zh

# language -> concept -> 'phrase|phrase|...' (the order is the order labels are tried in)
SYNONYM_TEXT: dict[str, dict[str, str]] = {"en": en.SYNONYMS, "zh": zh.SYNONYMS, **fr_de_nl.SYNONYMS}
SUMMARY_WORDS: frozenset[str] = en.SUMMARY_WORDS | zh.SUMMARY_WORDS
ABBREVIATIONS: dict[str, str] = {**en.ABBREVIATIONS, **fr_de_nl.ABBREVIATIONS, **my_sg.ABBREVIATIONS}
TITLE_WORDS: frozenset[str] = en.TITLE_WORDS | zh.TITLE_WORDS
TAX_WORDS: tuple[str, ...] = (*en.TAX_WORDS, *my_sg.TAX_WORDS)
