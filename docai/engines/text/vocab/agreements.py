"""Words of English-language agreements: the legal forms that end a party's name, the words an opening
clause uses that are no party's name, and the jurisdictions a governing-law clause names.

Fitted on: the Kleister-NDA agreements (US non-disclosure agreements filed with the SEC), and the usual
legal forms and jurisdictions of English-language contracts.
"""

from __future__ import annotations

# legal forms that end a party's name ('Acme, Inc.', 'Beta Holdings'), as one alternation
PARTY_FORMS = (
    r"Inc|Incorporated|LLC|L\.L\.C|Ltd|Limited|L\.P|LP|LLP|L\.L\.P|Corp|Corporation|Co|Company|N\.V|S\.A|"
    r"AG|GmbH|PLC|plc|B\.V|S\.A\.S|SA|SAS|SE|Pty|Pte|Bancorp|Trust|Partners|Group|Holdings"
)
# words of an opening clause that are no party's name
NOT_NAMES = {
    "the", "this", "that", "each", "such", "any", "company", "party", "parties", "agreement", "employee",
    "recipient", "discloser", "executive", "a", "an", "you", "us", "we", "it", "its", "his", "her",
    "whereas", "recitals", "witnesseth", "section", "exhibit", "schedule", "dated", "effective", "between",
    "ladies", "gentlemen", "dear", "sirs", "i", "me", "my", "your", "their", "undersigned", "employer",
}  # fmt: skip
# the states a US governing-law clause names, and other jurisdictions
US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|"
    "North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|"
    "South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|"
    "District of Columbia"
)
JURISDICTIONS = (
    "England(?: and Wales)?|Ontario|Scotland|Ireland|Israel|Singapore|Hong Kong|"
    "Switzerland|Germany|France|the Netherlands|Japan|Canada"
)
