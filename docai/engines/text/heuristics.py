"""Layout rules for common fields that documents do not label: the issuer at the top, its address under it,
an unlabelled date, the currency of the amounts."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from docai import values
from docai.document import BBox
from docai.engines.text import receipt_header
from docai.engines.text.layout import Line, Run, group_blocks, union
from docai.engines.text.vocab import TITLE_WORDS, my_sg
from docai.engines.text.vocab.legal_forms import COMPANY_SUFFIX, SUFFIX_ONLY

_log = logging.getLogger(__name__)

_CONTACT = re.compile(
    r"\b(tel|phone|fax|email|e-mail|gst|vat|reg|co\.?\s*no|company\s*no|www|http|invoice|receipt|date|"
    rf"cashier|table|order|tin|abn|siret|website|mobile|{my_sg.REGISTRY_WORDS})\b|@|\d{{1,2}}[:/.-]\d{{1,2}}[:/.-]\d{{2}}",
    re.IGNORECASE,
)
_ADDRESS_HINT = re.compile(
    r"\d|\b(road|rd|street|st|avenue|ave|lane|drive|blvd|floor|suite|lot|no\.?|box|"
    rf"city|county|state|district|building|block|plaza|park|way|court|place|square|industrial|{my_sg.STREET_WORDS})\b"
    r"|路|街|号|省|市|区",
    re.IGNORECASE,
)


@dataclass
class Found:
    value: str
    page_no: int
    bbox: BBox
    conf: float | None
    quality: float  # 0..1, how sure the rule is


def is_noise(text: str) -> bool:
    """Text that cannot be a printed name: too few letters, all lower case, or only title words."""
    return _is_noise(text)


def could_be_name(text: str) -> bool:
    """Not a contact, registration or reference line: no phone/reg/tax words, no long digit runs."""
    return not (_CONTACT.search(text) or re.search(r"\d{5,}", text) or _REG_NO.search(text))


def _is_noise(text: str) -> bool:
    letters = re.sub(r"[^A-Za-z\u4e00-\u9fff]", "", text)
    if len(letters) < 3:
        return True
    if letters.isascii() and letters.islower():
        return True  # printed names carry capitals; all lower case is handwriting or a stamp read by OCR
    words = set(re.findall(r"[a-z\u4e00-\u9fff]+", text.lower()))
    return bool(words) and words <= TITLE_WORDS


def header_runs(lines: Sequence[Line]) -> list[list[Run]]:
    """Segments of the page grouped into blocks, in reading order (a letterhead is one block)."""
    return [b.runs for b in group_blocks(lines)]


def _company_in(blocks: list[list[Run]], page_height: float) -> tuple[int, int, int] | None:
    """(block, first run, last run) of the issuer's name in `blocks`."""
    top = [
        (bi, ri)
        for bi, runs in enumerate(blocks)
        for ri, r in enumerate(runs)
        if r.bbox[1] < page_height * 0.35 and not _is_noise(r.text)
    ][:10]
    if not top:
        return None
    for bi, ri in top:
        r = blocks[bi][ri]
        if COMPANY_SUFFIX.search(r.text) and not _CONTACT.search(r.text):
            # a suffix alone on its line continues the name above ('ACME TRADING' / 'SDN BHD')
            above = blocks[bi][ri - 1].text if ri > 0 else ""
            if ri > 0 and len(r.words) <= 2 and not _CONTACT.search(above) and not _is_noise(above):
                return bi, ri - 1, ri
            return bi, ri, ri
    first = [(bi, ri) for bi, ri in top[:5] if not _CONTACT.search(blocks[bi][ri].text)]
    if not first:
        return None
    heights = [blocks[bi][ri].height for bi, ri in first]
    tallest = max(range(len(first)), key=lambda i: heights[i])
    pick = first[tallest] if heights[tallest] > 1.15 * min(heights) else first[0]
    return pick[0], pick[1], pick[1]


def _found(runs: list[Run], quality: float) -> Found:
    confs = [r.conf for r in runs if r.conf is not None]
    return Found(
        " ".join(r.text for r in runs), runs[0].page_no, union(r.bbox for r in runs),
        sum(confs) / len(confs) if confs else None, quality,
    )  # fmt: skip


def find_company(lines: Sequence[Line], page_no: int, page_height: float) -> Found | None:
    """The issuer's name: a company suffix above the address, else the name line printed just above the
    address, else the most prominent of the first lines."""
    blocks = header_runs(lines)
    at = _company_in(blocks, page_height)
    runs = blocks[at[0]][at[1] : at[2] + 1] if at is not None else []
    span = receipt_header.address_span(lines, page_height)
    if span is not None:
        addr_top = lines[span[0]].bbox[1]
        suffixed = bool(runs) and bool(COMPANY_SUFFIX.search(" ".join(r.text for r in runs)))
        if not (suffixed and runs[-1].bbox[3] <= addr_top + 1):
            k = receipt_header.name_above(lines, span[0])
            if k is not None:
                runs = [Run(lines[k].page_no, receipt_header.clean_words(lines[k]))]
            elif runs and runs[0].bbox[1] >= addr_top - 1 and runs[0].bbox[3] <= lines[span[1]].bbox[3] + 1:
                runs = []  # the name was not read: a line of the address is no name
    if not runs:
        return None
    runs = _name_lines_above(runs, lines)
    joined = " ".join(r.text for r in runs)
    # 'HOME MASTER HARDWARE &' or 'ENTERPRISE (SETIA' (a bracket of words left open) goes on below
    if runs[-1].text.rstrip().endswith("&") or re.search(r"\([^()\d]*$", joined):
        bottom, h = runs[-1].bbox[3], runs[-1].height
        below = [ln for ln in lines if ln.bbox[1] > bottom - 0.5 * h and ln.bbox[1] - bottom < 1.5 * h]
        if below:
            ln = min(below, key=lambda x: x.bbox[1])
            runs = [*runs, Run(ln.page_no, ln.words)]
    found = _found(runs, 0.7 if COMPANY_SUFFIX.search(" ".join(r.text for r in runs)) else 0.5)
    found.value = my_sg.SDN_OCR.sub(my_sg.SDN_FIXED, _REG_TAIL.sub("", found.value)).strip()
    return found


# '(126926-H)', '(519537-X)', '(126' - a registration number printed after the name
_REG_TAIL = re.compile(r"\s*[(\[]\s*[A-Z]{0,3}\d[^()\[\]]*[)\]]?\s*$", re.IGNORECASE)


def _name_lines_above(runs: list[Run], lines: Sequence[Line]) -> list[Run]:
    """A name whose first line only continues it ('SDN BHD', 'CO. (M) SDN BHD', 'RESTAURANT SDN BHD'
    under 'LIAN CHI PU TIAN VEGETARIAN'): the capitalised lines just above belong to it (two at most)."""
    first = " ".join(r.text for r in runs)
    short_tail = len(first.split()) <= 3 and COMPANY_SUFFIX.search(first)
    top, h = runs[0].bbox[1], runs[0].height
    amp = [ln for ln in lines if ln.bbox[1] < top - 0.5 * h and top - ln.bbox[3] < 1.5 * h]
    ends_amp = bool(amp) and max(amp, key=lambda x: x.bbox[3]).text.rstrip().endswith("&")
    if not (SUFFIX_ONLY.fullmatch(first) or my_sg.CONTINUES.match(first) or short_tail or ends_amp):
        return runs
    out = list(runs)
    for _ in range(2):
        top, h = out[0].bbox[1], out[0].height
        above = [ln for ln in lines if ln.bbox[1] < top - 0.5 * h and top - ln.bbox[3] < 1.5 * h]
        if not above:
            break
        ln = max(above, key=lambda x: x.bbox[3])
        text = ln.text
        letters = [ch for ch in text if ch.isalpha()]
        if text.rstrip().endswith("&"):
            out.insert(0, Run(ln.page_no, ln.words))  # 'HOME MASTER HARDWARE &' / 'ELECTRICAL'
            continue
        if (
            _CONTACT.search(text)
            or _is_noise(text)
            or re.search(r"\d", text)
            or len(text.split()) > 6
            or sum(ch.isupper() for ch in letters) < 0.8 * len(letters)
        ):
            break
        out.insert(0, Run(ln.page_no, ln.words))
        if not my_sg.CONTINUES.match(" ".join(r.text for r in out)):
            break  # one line of name above a 'SDN BHD' line is enough unless it still continues
    return out


_DATE_TIME = re.compile(
    r"\b\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\b|\b\d{1,2}:\d{2}\b|\b(formerly|licensee|known as|branch|outlet)\b",
    re.IGNORECASE,
)
_REG_NO = re.compile(
    r"^[\s(\[{]*[A-Z]{0,3}[\d\s-]{4,}[A-Z]?[)\]}:.\s]*$|\(\s*\w*\d{3,}[\w-]*\s*\)?", re.IGNORECASE
)


def _single_column(lines: Sequence[Line], start: int, count: int = 4) -> bool:
    """Lines from `start` that are one segment each: a receipt's centred header, not a letterhead."""
    window = list(lines[start : start + count])
    return bool(window) and sum(len(ln.segments) == 1 for ln in window) >= len(window) - 1


def address_lines(lines: Sequence[Line], after: int) -> list[Line]:
    """Address lines under the name ending at line `after`: registration numbers and dates skipped before
    it starts, contact or date lines end it."""
    picked: list[Line] = []
    skipped = 0
    for ln in lines[after + 1 : after + 10]:
        text = ln.text
        if picked and re.search(r"invoice|receipt|cashier", text, re.IGNORECASE):
            break
        postcode = bool(picked) and re.fullmatch(r"\s*\d{5,6}[\s,.]*", text) is not None  # '41050' alone
        if not postcode and (_CONTACT.search(text) or _DATE_TIME.search(text) or _REG_NO.search(text)):
            if picked:
                break
            skipped += 1
            if skipped > 3:
                break
            continue
        if not picked and not _ADDRESS_HINT.search(text):
            if _is_noise(text) or len(text) <= 6:
                skipped += 1
                continue
            break
        if picked and (_is_noise(text) and not _ADDRESS_HINT.search(text) and len(text) > 12):
            break
        picked.append(ln)
        if sum(len(p.text) > 8 for p in picked) >= 5:  # short bits (a postcode, "1C,") do not count
            break
    return picked


def find_address(lines: Sequence[Line], page_no: int, page_height: float) -> Found | None:
    """The lines under the issuer's name that read like an address, up to the first contact line."""
    span = receipt_header.address_span(lines, page_height)
    if span is not None:
        picked = [ln for ln in lines[span[0] : span[1] + 1] if re.search(r"\w", ln.text)]
        return _found([Run(ln.page_no, receipt_header.clean_words(ln)) for ln in picked], 0.6)
    blocks = header_runs(lines)
    at = _company_in(blocks, page_height)
    if at is None:
        return None
    name_box = blocks[at[0]][at[2]].bbox
    end = next(
        (ln.index for ln in lines if ln.bbox[1] <= name_box[1] + 1 and ln.bbox[3] >= name_box[3] - 1), None
    )
    if end is not None and _single_column(lines, end + 1):
        picked_lines = address_lines(lines, end)
        if picked_lines and any(_ADDRESS_HINT.search(ln.text) for ln in picked_lines):
            return _found([Run(ln.page_no, ln.words) for ln in picked_lines], 0.55)
    picked: list[Run] = []
    for r in blocks[at[0]][at[2] + 1 : at[2] + 8]:
        if _CONTACT.search(r.text):
            if picked:
                break
            continue  # registration or tax lines between the name and the address
        if not picked and re.fullmatch(r"[\s(\[]*[\w-]*\d[\w-]*[)\]\s]*", r.text):
            continue  # a registration number ('(123456-X)')
        if not picked and not _ADDRESS_HINT.search(r.text):
            break
        picked.append(r)
    if not picked or not any(_ADDRESS_HINT.search(r.text) for r in picked):
        return None
    return _found(picked, 0.55)


def find_first_date(lines: Sequence[Line], page_no: int, dayfirst: bool | None) -> Found | None:
    """The first date printed on the page (documents put the issue date near the top)."""
    for ln in lines:
        for seg in ln.segments:
            if re.search(r"\b(due|expir|valid|birth)", seg.text, re.I):
                continue
            iso = values.parse_date(seg.text, dayfirst)
            if iso:
                words = [w for w in seg.words if re.search(r"\d", w.text)] or seg.words
                return Found(iso, page_no, union(w.bbox for w in words), seg.conf, 0.5)
    return None


def document_currency(texts: Sequence[str]) -> str | None:
    """The currency the document's amounts are in: symbols and codes, those next to a number count double."""
    counts: Counter[str] = Counter()
    for t in texts:
        code = values.detect_currency(t)
        if code:
            counts[code] += 2 if re.search(r"\d", t) else 1
    if not counts:
        return None
    best = counts.most_common(1)[0][0]
    if best == "USD":
        best = _named_dollar(texts) or best
    if best == "JPY" and ("CNY" in counts or _chinese_not_japanese(texts)):
        return "CNY"  # '¥' is yen and yuan: a yuan mention or a Chinese page (Han, no kana) decides
    return best


# currencies printed with a bare '$' besides the US dollar
_DOLLARS = ("AUD", "CAD", "NZD", "SGD", "HKD", "TWD", "MXN")


def _named_dollar(texts: Sequence[str]) -> str | None:
    """The one dollar the page names by code when its amounts print only '$' ('Amount Due (AUD)' over
    '$880.00'): a bare '$' is every dollar's sign, not the US dollar's alone. None when the page says
    USD or US$ itself, or names no other dollar, or several."""
    joined = " ".join(texts)
    if re.search(r"\bUSD\b|\bUS\$", joined):
        return None
    named = {c for c in re.findall(r"\b[A-Z]{3}\b", joined) if c in _DOLLARS}
    return named.pop() if len(named) == 1 else None


def _chinese_not_japanese(texts: Sequence[str]) -> bool:
    joined = "".join(texts)
    return bool(re.search(r"[\u4e00-\u9fff]", joined)) and not re.search(r"[\u3040-\u30ff]", joined)
