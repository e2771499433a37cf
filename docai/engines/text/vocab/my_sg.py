"""Words of Malaysian and Singaporean receipts: street and state names, registry words, the legal form
'SDN BHD' and OCR's readings of it, the ringgit's marks, the Malay word for total.

Fitted on: the SROIE receipts (scanned Malaysian shop receipts, ICDAR 2019), their train part; nowhere
else. The rules that read these tables are general; only the words are this region's.
"""

from __future__ import annotations

import re

# street, building and district words of Malay addresses ('JALAN', 'TAMAN', 'WISMA')
STREET_WORDS = (
    "jalan|jln|jl|lorong|lrg|taman|tmn|bandar|kawasan|persiaran|lebuh(raya)?|kampung|kg|seksyen|batu|pusat|"
    "perindustrian|tingkat|blok|wisma|menara|kompleks|bangunan"
)
# Malaysian states and territories, and the countries that end an address line
REGIONS = (
    "selangor|johor|kuala\\s+lumpur|melaka|malacca|pahang|perak|kedah|kelantan|terengganu|negeri\\s+sembilan|"
    "penang|pulau\\s+pinang|sabah|sarawak|perlis|putrajaya|labuan|darul\\s+\\w+|wilayah\\s+persekutuan|malaysia|"
    "singapore"
)
# registry and tax words printed on a receipt's header lines (SSM registration, SST, ROC number)
REGISTRY_WORDS = "ssm|sst|roc|hp|h/p"
# the legal forms as printed: Sendirian Berhad, Berhad, the words that end a Malaysian shop's name, and
# PTE (Singapore)
LEGAL_FORMS = ("SDN\\.?\\s*BHD", "BHD", "ENTERPRISE", "TRADING", "PTE")
# short and misread forms on receipt headers: 'S/B', PLT (a limited liability partnership), and OCR's
# 'S0N BHD' / 'SON BD'; they end an address and mark the name line above it
RECEIPT_FORMS = ("S[DO0]N\\.?,?\\s*BH?D", "S/B", "PLT")
# a name line that starts with its legal form continues the name above ('CO. (M) SDN BHD')
CONTINUES = re.compile(
    r"^\W*(CO\.|\(M\)|S[DO0]N\b|BHD\b|S/B\b|ENTERPRISE\b|TRADING\b|LIMITED\b|LTD\b)", re.IGNORECASE
)
# OCR reads the 'D' of 'SDN BHD' as O or 0; only inside that legal form is it corrected
SDN_OCR = re.compile(r"\bS[O0]N(\.?,?\s*BH?D)\b")
SDN_FIXED = r"SDN\1"
# the ringgit as printed and as OCR reads it ('RH', 'RN'), for amounts whose decimal point OCR lost
RINGGIT = "RM|RH|RN|MYR"
TOTAL_WORDS = ("jumlah",)  # Malay: total
TAX_WORDS = ("sst",)  # Malaysia's Sales and Service Tax (since 2018)
ABBREVIATIONS = {"sst": "tax"}
