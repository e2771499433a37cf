"""A receipt's header read from its address: the shop's address is the run of street/postcode lines near the
top, and the shop's name is the line printed just above it (past a registration number).

Receipts print name / registration no. / address / phone / tax id in one centred column, but OCR adds logo
noise, handwriting and stamps around it, so "the first prominent line" is often wrong. The address is the
easiest part to recognise (street words, a postcode before the town), so it anchors the header.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from docai.document import Word
from docai.engines.text.layout import Line
from docai.engines.text.vocab import my_sg
from docai.engines.text.vocab.legal_forms import HEADER_SUFFIX

_log = logging.getLogger(__name__)

# '81100 JOHOR BAHRU', '47400 Petaling Jaya', 'SG 408600': a postcode before the town's name
_POSTCODE = re.compile(r"(?<![\d-])\d{5,6}(?![\d-])\s*[,.]?\s*[A-Za-z]{2,}")
_POSTCODE_LAST = re.compile(r"[A-Za-z]{2,}[\s,]+\d{5,6}\s*[,.]?\s*$")  # 'BANDAR BUKIT RAJA, 41050'
_STREET = re.compile(
    rf"\b({my_sg.STREET_WORDS}|plaza|lot|no|level|lvl|floor|flr|block|unit|complex|"
    r"mall|centre|center|building|city|road|rd|street|st|avenue|ave|lane|drive|highway|estate|park|way|close|"
    r"crescent|terrace|place|square|boulevard|blvd|parkway|row|strasse|straße|str|rue|via|calle|suite)\b",
    re.IGNORECASE,
)  # street vocabulary: Malay (vocab.my_sg), English, and a few European words
_REGION = re.compile(rf"\b({my_sg.REGIONS})\b", re.IGNORECASE)  # states and countries ending an address
_STOP = re.compile(
    r"\b(tel|phone|fax|email|e-mail|gst|vat|reg|regn|co\.?\s*no|company\s*no|comp\s*no|www|http|invoice|"
    rf"receipt|date|time|cashier|table|order|bill|tin|website|mobile|tax|id|member|counter|pos|{my_sg.REGISTRY_WORDS})\b|@|"
    r"\b([012]?\d|3[01])[/.-](0?\d|1[0-2])[/.-](\d{2}|\d{4})\b|\b(0?\d|1[0-2])[/.-]([012]?\d|3[01])[/.-]\d{4}\b|"
    r"\d{1,2}:\d{2}",
    re.IGNORECASE,
)
TOP_LINES = 25


def is_reg_line(text: str) -> bool:
    """A company registration or tax number: one token with five digits or more ('JM0328956-V',
    '(.3M0517726)'), a bracketed number ('(001451 637-M)'), or any line with a six-digit run."""
    t = text.strip()
    digits = sum(ch.isdigit() for ch in t)
    if re.search(r"\d{6,}", t):
        return True
    if len(t.split()) == 1 and digits >= 5 and _letters(t) <= 4:
        return True
    return t.startswith("(") and digits >= 4 and _letters(t) <= 6


_NUMBER_COMMA = re.compile(r"\s*\d{1,5}[A-Z]?\s*,\s*[A-Z]")
_REG_TAIL = re.compile(r"\s*[(\[][^()\[\]]*\d[^()\[\]]*[)\]]?\s*$")
# 'NO 43-45-47G,', 'LOT 2685': a house or lot number, mostly digits but plainly an address
_HOUSE_NO = re.compile(r"\s*(no|lot|unit|blk|block)\b\.?\s*:?\s*\d", re.IGNORECASE)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _garbled(text: str) -> bool:
    """OCR noise: few letters, or mixed-case fragments no printer makes ('Ea A', 'nate \"')."""
    if _HOUSE_NO.match(text):
        return False
    words = re.findall(r"[A-Za-z]+", text)
    if _letters(text) < 3:
        return True
    long_words = [w for w in words if len(w) >= 3]
    return not long_words


def _has_postcode(text: str) -> bool:
    return bool(_POSTCODE.search(text) or _POSTCODE_LAST.search(text))


def strong(text: str) -> bool:
    """A line that is surely part of an address: a postcode next to a town, or a street word and a number."""
    if (_STOP.search(text) and not _POSTCODE.search(text)) or is_reg_line(text):
        return False
    if _has_postcode(text):
        return True
    return bool(_STREET.search(text)) and bool(re.search(r"\d", text))


def weak(text: str) -> bool:
    """A line that may continue an address: a street or region word, or a number starting it ('12, ...')."""
    return bool(
        _STREET.search(text)
        or _REGION.search(text)
        or re.match(r"\s*\d{1,5}[A-Za-z]?(\s*[,.]|\s+[A-Za-z]{2,})", text)
    )


def _gap_ok(prev: Line, nxt: Line) -> bool:
    """Lines of one address are close and of similar size (a big gap or a logo's tall text ends it)."""
    h = max(1.0, min(prev.height, nxt.height))
    if max(prev.height, nxt.height) > 3.0 * h:
        return False
    return nxt.bbox[1] - prev.bbox[3] <= 1.6 * h


_POSTCODE_TOWN = re.compile(r"\s*\d{5,6}\s*[,.]?\s*[A-Za-z][A-Za-z .,'-]*")
"""A postcode and its town or country ('049315 SINGAPORE'): six digits here are no registration number."""


def _stop(text: str) -> bool:
    if _POSTCODE_TOWN.fullmatch(text):
        return False
    return bool(_STOP.search(text)) or is_reg_line(text) or bool(HEADER_SUFFIX.search(text))


def address_span(lines: Sequence[Line], page_height: float) -> tuple[int, int] | None:
    """(first, last) positions in `lines` of the shop's address: the first strong address line near the top,
    widened to the address lines just above it and the continuation lines below it."""
    top = [ln for ln in lines[:TOP_LINES] if ln.bbox[1] < 0.6 * page_height and re.search(r"\w", ln.text)]
    anchor = next((k for k, ln in enumerate(top) if strong(ln.text) and not _garbled(ln.text)), None)
    if anchor is None:
        # no street word or postcode read: a house number and a comma ('109, SS21/1A,') starts it
        anchor = next(
            (k for k, ln in enumerate(top) if _NUMBER_COMMA.match(ln.text) and not _stop(ln.text)), None
        )
    if anchor is None:
        return None
    first = anchor
    while first > 0 and anchor - first < 2:
        up = top[first - 1]
        if _stop(up.text) or _garbled(up.text) or not weak(up.text) or not _gap_ok(up, top[first]):
            break
        if not re.search(r"\d", up.text):  # 'LEVEL 6, BANGUNAN TH': a name line above has no number
            break
        first -= 1
    last = anchor
    seen_postcode = _has_postcode(top[anchor].text)
    if not seen_postcode:
        last = _to_postcode(top, anchor)
        seen_postcode = last > anchor
    while last + 1 < len(top) and last - first < 5:
        nxt = top[last + 1]
        text = nxt.text
        lone_postcode = re.fullmatch(r"\s*\d{5,6}[\s,.]*", text) is not None
        if not (lone_postcode or _short_code(text)) and (_stop(text) or _garbled(text)):
            break
        if not _gap_ok(top[last], nxt):
            break
        town_next = bool(_POSTCODE_LAST.search(top[last].text)) and not _REGION.search(top[last].text)
        if seen_postcode and not (_REGION.search(text) or _is_bracketed(text) or town_next):
            break  # after the postcode line only the town it names next, a state, a country or '(branch)'

        if not (strong(text) or weak(text) or lone_postcode or _short_caps(text) or _short_code(text)):
            break
        seen_postcode = seen_postcode or _has_postcode(text)
        last += 1
    return lines.index(top[first]), lines.index(top[last])


def _to_postcode(top: Sequence[Line], anchor: int, reach: int = 4) -> int:
    """The postcode line an address that starts at `anchor` runs to, when only address-like lines lie
    between; else `anchor` (the lines between are the street, building and district names)."""
    for k in range(anchor + 1, min(len(top), anchor + 1 + reach)):
        text = top[k].text
        if _stop(text) or (_garbled(text) and not _short_code(text)) or not _gap_ok(top[k - 1], top[k]):
            return anchor
        if _has_postcode(text) or re.fullmatch(r"\s*\d{5,6}[\s,.]*", text):
            return k
    return anchor


def _short_code(text: str) -> bool:
    """A short bit of an address broken onto its own line ('1C,', 'B-3')."""
    return len(text.strip()) <= 6 and bool(re.search(r"\d", text))


def _is_bracketed(text: str) -> bool:
    return re.fullmatch(r"\s*\([^()]*[A-Za-z]{3}[^()]*\)\s*", text) is not None


def _short_caps(text: str) -> bool:
    """A short all-capitals line ('TAMAN DAYA,'): a district name between the street and the postcode."""
    letters = [ch for ch in text if ch.isalpha()]
    return (
        len(text.split()) <= 4 and bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)
    )


def name_above(lines: Sequence[Line], first: int) -> int | None:
    """Position of the shop's name line above the address starting at `first`: past registration numbers,
    the nearest line that reads as a name."""
    k = first - 1
    skipped = 0
    while k >= 0 and skipped <= 2:
        text = lines[k].text
        core = _REG_TAIL.sub("", text)  # '99 SPEED MART S/B (519537-X)': the name before its number
        if is_reg_line(core) or (_STOP.search(text) and not HEADER_SUFFIX.search(text)) or _letters(core) < 3:
            k -= 1
            skipped += 1
            continue
        if _garbled(text):
            return None
        letters = [ch for ch in text if ch.isalpha()]
        title_case = re.search(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+", text)
        if sum(ch.isupper() for ch in letters) < 0.6 * len(letters) and not title_case:
            return None  # neither capitals nor Title Case: handwriting or a slogan
        return k
    return None


def _fragment(text: str, caps_line: bool) -> bool:
    """A scrap OCR read off a logo or a stamp beside the header: no word of four letters, or lower-case
    letters on a line printed in capitals."""
    words = re.findall(r"[A-Za-z]+", text)
    if not any(len(w) >= 4 for w in words) and not re.search(r"\d", text):
        return True
    letters = [ch for ch in text if ch.isalpha()]
    return caps_line and bool(letters) and all(ch.islower() for ch in letters)


def clean_words(line: Line) -> list[Word]:
    """The line's words without the scraps OCR put before it ('Bee PAGOH REST AND SERVICE AREA') or
    lower-case noise beside a line printed in capitals."""
    segs = line.segments
    if len(segs) < 2:
        return list(line.words)
    main = max(segs, key=lambda r: len(r.text))
    letters = [ch for ch in main.text if ch.isalpha()]
    caps = bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)
    keep = [r for r in segs if r is main or not _fragment(r.text, caps)]
    return [w for r in keep for w in r.words]
