"""Company legal forms of every region, as the one pattern that marks a company's name.

Fitted on: the usual legal forms of English-speaking, European and Chinese companies, and (through
`my_sg`) the SROIE receipts of Malaysia.
"""

from __future__ import annotations

import re

from docai.engines.text.vocab import my_sg

# whole-word forms
WORD_FORMS = (
    *my_sg.LEGAL_FORMS,
    "LTD", "LIMITED", "INC", "LLC", "LLP", "PLC", "CORP(ORATION)?", "COMPANY", "PTY",  # English
    "GMBH", "AG", "KG", "BV", "SA", "S\\.?A\\.?S", "SRL", "SPA",  # German, Dutch, French, Italian
)  # fmt: skip
# abbreviations whose final dot ends the name ('Foods Co.', 'S.A.'): no word boundary after it
DOTTED_FORMS = ("CO", "S\\.A", "B\\.V")
CJK_FORMS = ("有限公司", "公司")


def suffix_pattern(word_forms: tuple[str, ...]) -> re.Pattern[str]:
    """A legal form anywhere in a line: one of `word_forms` as a word, a dotted form, a Chinese form."""
    return re.compile(
        rf"\b({'|'.join(word_forms)})\b|\b({'|'.join(DOTTED_FORMS)})\.(?!\w)|{'|'.join(CJK_FORMS)}",
        re.IGNORECASE,
    )


# a company's name carries its legal form (the issuer rule: a suffixed line is the name)
COMPANY_SUFFIX = suffix_pattern(WORD_FORMS)
# the same on a receipt header, with the short and misread forms receipts print
HEADER_SUFFIX = suffix_pattern((*my_sg.RECEIPT_FORMS, *WORD_FORMS))
# a line that is only a legal form ('SDN BHD', 'Ltd.'): the name it ends is on the line above
SUFFIX_ONLY = re.compile(
    r"\W*(S[DO0]N\.?,?\s*BH?D\.?|BHD|LTD\.?|LIMITED|INC\.?|LLC|CO\.|PLC)\W*", re.IGNORECASE
)
