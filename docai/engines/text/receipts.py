"""A receipt's total: the amount labelled total (grand, nett, rounded, incl. tax) that the payment confirms.

Receipts print several totals (before tax, tax, rounding, quantity) and OCR garbles labels and amounts, so
labels are matched loosely, amounts are read as money (two decimals, OCR's stray spaces allowed), and the
pick is checked against cash tendered minus change when the receipt prints both.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from docai.document import BBox
from docai.engines.text.arithmetic import is_sum_of, money_sum
from docai.engines.text.heuristics import Found
from docai.engines.text.layout import Line, union
from docai.engines.text.vocab import TAX_WORDS, my_sg

_log = logging.getLogger(__name__)

# '33.90', 'RM 33,90', '39. 80' (OCR splits after the point), '1,234.50'; never glued to letters
_MONEY = re.compile(
    r"(?<![\w.,])-?(\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+(?=,\d{2}(?!\d))|\d{1,7})"
    r"\s?[.,]\s?(\d{2})(?![\d]|[.,]\d)"
)  # 1,234.50 / 1,18,000.00 (lakhs) / 1.234,50 (European: dots group thousands before a decimal comma) /
# 64.13 / 64,13; never the head of a longer number ('1,18' of '1,18,000.00')
_TAXES = "|".join(TAX_WORDS)  # gst|tax|vat|sst
_TOTAL_WORDS = (
    "total",
    *my_sg.TOTAL_WORDS,
    "amount due",
    "balance due",
    "grand",
    "nett",
    "net amount",
    "payable",
)
# whole words: 'Nettobetrag' (German, the amount before tax) holds 'nett' but is no nett total; 'total'
# itself is also found inside OCR's glued words ('TOTALRM', 'TolalAmt') by the loose match below
_TOTAL_WORD = re.compile(r"(?<![a-z])(" + "|".join(re.escape(w) for w in _TOTAL_WORDS) + r")(?![a-z])|total")
_NOT_TOTAL = re.compile(
    rf"\b(qty|quantity|items?|sub|subtotal|excl\w*|ex|exclusive|before|{_TAXES}|discount|disc|saving\w*|"
    r"change|cash|tender\w*|paid|deposit|points?|summary|rounding\s*adj\w*|adj\w*|service|tips?)\b",
    re.I,
)
_INCL = re.compile(
    rf"\bin[ce]l\w*|inclusive|rounded|round|nett|grand|due|payable|\b(of|with)\s+({_TAXES})\b", re.I
)
_TAX_FIRST = re.compile(rf"\W*(total\s+)?({_TAXES})\b(?!\s*(incl|inclusive))", re.I)
_AMOUNT_WORD = re.compile(r"\bamount\b", re.I)  # 'Total Amount': a total, but not more final than 'TOTAL'
_ROUNDING = re.compile(r"\bround\w*\s*(adj\w*)?", re.I)
_SUBTOTAL = re.compile(r"\bsub[\s-]*tota\w*|\bexcl\w*|\bexclusive\b|\bbefore\b", re.I)
_TAX = re.compile(rf"\b({_TAXES})\b", re.I)
_SERVICE = re.compile(r"\bserv\w*\s*(charge|chrg|chg)", re.I)
# 'RM 64 13': OCR lost the decimal point of an amount after a currency
_LOST_POINT = re.compile(rf"\b({my_sg.RINGGIT})(\s*)(\d{{1,5}}) (\d{{2}})(?![\d.,])")
_CURRENCY_MARK = re.compile(rf"\b({my_sg.RINGGIT}|Rs|USD|SGD|EUR)\b\.?|[$€£¥]")  # a currency is no label
_CASH = re.compile(r"\b(cash|tender\w*|paid|payment|visa|master\w*|card|credit|debit)\b", re.I)
_CHANGE = re.compile(r"\b(change|chnage|balance)\b", re.I)


@dataclass
class Amount:
    value: float
    text: str
    page_no: int
    bbox: BBox
    line_index: int
    label: str


def _is_total_label(label: str) -> bool:
    """'TOTAL', 'Tota! Incl. of GST', 'TolalAmtRounded', 'Nett Total': loose, because OCR bends letters."""
    low = label.lower()
    if _TOTAL_WORD.search(low):
        return True
    for tok in re.findall(r"[a-z!|1]{4,}", low):
        for i in range(0, max(1, len(tok) - 4)):
            if difflib.SequenceMatcher(None, tok[i : i + 5], "total").ratio() >= 0.8:
                return True
    return False


# OCR reads 0 as o/u and 5 as s in the cents of a total ('15.u0', '64. so'): fixed on total lines only
_OCR_CENTS = re.compile(r"(?<![\w.,])(\d{1,4}\s?[.,]\s?)([\dOoUuSs]{2})(?![\w])")
_ONE_DECIMAL = re.compile(r"(?<![\w.,])\d{1,4}[.,]\d$")
_CENT_DIGITS = str.maketrans("OoUuSs", "000055")


def _fix_cents(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2).translate(_CENT_DIGITS)


def _money_value(m: re.Match[str]) -> float:
    """The unsigned value of a `_MONEY` match."""
    return float(f"{m.group(1).replace(',', '').replace('.', '')}.{m.group(2)}")


def _amounts(ln: Line) -> list[tuple[float, str, BBox, str]]:
    """Money amounts on a line, left to right, each with its text, box and the words left of it."""
    out: list[tuple[float, str, BBox, str]] = []
    text = ""
    spans: list[tuple[int, int, int]] = []  # (start, end, word index)
    for i, w in enumerate(ln.words):
        if text:
            text += " "
        spans.append((len(text), len(text) + len(w.text), i))
        text += w.text
    text = _LOST_POINT.sub(r"\1\2\3.\4", text)  # same length: word spans stay valid
    if _is_total_label(text):
        text = _ONE_DECIMAL.sub(r"\g<0>0", _OCR_CENTS.sub(_fix_cents, text))  # 'NET TOTAL 174.9'

    for m in _MONEY.finditer(text):
        value = _money_value(m)
        bracketed = text[: m.start()].endswith("(") and text[m.end() :].startswith(")")
        if m.group(0).startswith("-") or bracketed:
            value = -value  # '-240.00' and '(240.00)': a credit
        idx = [i for s, e, i in spans if s < m.end() and e > m.start()]
        box = union(ln.words[i].bbox for i in idx)
        label = text[: spans[idx[0]][0]] if idx else ""
        out.append((value, m.group(0).replace(" ", ""), box, label))
    return out


def _collect(lines: Sequence[Line]) -> list[Amount]:
    """Each line's rightmost amount with the line's text left of it as its label; an amount alone on a
    line takes the label of the line above when that one has a label but no amount ('TOTAL:' / '9.00')."""
    out: list[Amount] = []
    for k, ln in enumerate(lines):
        found = _amounts(ln)
        if not found:
            continue
        value, text, box, label = found[-1]
        bare = _CURRENCY_MARK.sub("", label)  # a currency is no label
        if not re.search(r"[A-Za-z]{2}", bare) and k > 0:
            above = lines[k - 1]
            if not _amounts(above) and re.search(r"[A-Za-z]{2}", above.text):
                label = above.text
        out.append(Amount(value, text, ln.page_no, box, ln.index, label.strip()))
    return out


def _paid(cash: list[Amount], change: list[Amount]) -> dict[float, int]:
    """What the customer paid (cash tendered minus the change printed below it, or the card amount),
    with the line of the payment it was read from."""
    paid: dict[float, int] = {}
    for c in cash:
        for ch in change:
            if ch.line_index > c.line_index and c.value - ch.value > 0:
                paid.setdefault(round(c.value - ch.value, 2), c.line_index)
        if not change:
            paid.setdefault(round(c.value, 2), c.line_index)
    return paid


def _score(a: Amount, amounts: list[Amount], paid: dict[float, int], n: int) -> float | None:
    """How likely `a` is the grand total; None when its label names another sum."""
    if a.value <= 0 or not _is_total_label(a.label):
        return None
    score = 1.0
    before = [_money_value(m) for m in _MONEY.finditer(a.label)]
    if before and not is_sum_of(a.value, before):
        score -= 0.8  # a tax summary row ('TOTAL  52.00  3.12'), unless it reads net + tax = total
    if _TAX_FIRST.match(a.label):
        return None  # 'GST Payable', 'Total GST', 'Tax Due': the tax, however final it sounds
    if _NOT_TOTAL.search(a.label):
        # 'Total Qty', 'Sub Total', 'Total GST', 'Total Sales (Excluding GST)' name other sums;
        # 'Total Sales (Inclusive of GST)', 'Total Incl. GST' is the one paid
        if re.search(r"\b(excl\w*|exclusive|ex|sub|qty|quantity|items?|before)\b", a.label, re.I):
            return None
        if not _INCL.search(a.label):
            return None
    if _INCL.search(a.label):
        score += 0.3
    elif _AMOUNT_WORD.search(a.label):
        score += 0.1
    if round(a.value, 2) in paid:
        score += 1.0
    score += 0.3 * a.line_index / n  # the final total is printed below the partial ones
    score += 0.2 * (a.value >= max(x.value for x in amounts if _is_total_label(x.label)))
    return score


def _rounded(a: Amount, amounts: list[Amount]) -> float:
    """`a` plus the rounding adjustment printed under it, when no total follows the adjustment (the shop
    rounds to 5 sen and prints the rounded sum, or OCR lost the line that did)."""
    if _ROUNDING.search(a.label):
        return a.value
    adj = [
        x
        for x in amounts
        if x.line_index > a.line_index and _ROUNDING.search(x.label) and abs(x.value) <= 0.05
    ]
    if not adj:
        return a.value
    r = adj[0]
    later = [x for x in amounts if x.line_index > r.line_index and _is_total_label(x.label) and x.value > 0]
    if later or _CASH.search(r.label):
        return a.value
    value = a.value + r.value
    return round(value, 2) if value > 0 else a.value


def _sum_of_parts(amounts: list[Amount]) -> tuple[float, int] | None:
    """Subtotal plus the tax and service charge printed under it, and the last line they use."""
    subs = [a for a in amounts if a.value > 0 and _SUBTOTAL.search(a.label)]
    if not subs:
        return None
    sub = subs[-1]
    extras = [
        a
        for a in amounts
        if a.line_index > sub.line_index
        and (_TAX.search(a.label) or _SERVICE.search(a.label))
        and a.value >= 0
    ]
    if not extras:
        return None
    return money_sum([sub.value, *(a.value for a in extras)]), max(a.line_index for a in extras)


def _by_sum(amounts: list[Amount]) -> Amount | None:
    """The amount printed under the subtotal and tax lines that equals their sum (a total whose label OCR
    garbled: 'TOze RM 73.00' under 'Sub Total 68.87' and 'GST 4.13')."""
    parts = _sum_of_parts(amounts)
    if parts is None:
        return None
    want, last = parts
    for a in amounts:
        if a.line_index > last and not _CHANGE.search(a.label) and is_sum_of(a.value, [want]):
            return a
    return None


def find_total(lines: Sequence[Line]) -> Found | None:
    """The receipt's total, or None when no amount is labelled as one and no payment pins it down."""
    amounts = _collect(lines)
    if not amounts:
        return None
    cash = [a for a in amounts if _CASH.search(a.label) and not _is_total_label(a.label)]
    change = [a for a in amounts if _CHANGE.search(a.label) and a.value >= 0]
    paid = _paid(cash, change)
    n = max(a.line_index for a in amounts) + 1
    best: tuple[float, Amount] | None = None
    for a in amounts:
        score = _score(a, amounts, paid, n)
        if score is not None and (best is None or score > best[0]):
            best = (score, a)
    if best is not None and round(best[1].value, 2) in paid:
        a = best[1]
        return Found(f"{a.value:.2f}", a.page_no, a.bbox, None, 0.85)
    if cash and change:
        # cash minus change is printed on its own line above them, its label lost: that line is the total
        for a in amounts:
            if a.line_index < paid.get(round(a.value, 2), -1) and not _CASH.search(a.label):
                return Found(f"{a.value:.2f}", a.page_no, a.bbox, None, 0.7)
    summed = _by_sum(amounts)
    parts = _sum_of_parts(amounts)
    if parts is not None and parts[0] in paid and change:
        # subtotal + tax and cash - change agree: two readings outvote a total label read once
        c = next(x for x in cash if x.line_index == paid[parts[0]])
        return Found(f"{parts[0]:.2f}", c.page_no, c.bbox, None, 0.8)
    if best is not None and change and paid:
        tendered = max(c.value for c in cash)
        twice = sum(abs(x.value - best[1].value) < 0.005 for x in amounts if _is_total_label(x.label)) > 1
        if best[1].value > tendered + 0.005 and not twice:
            # more than the cash handed over, yet change was given: the total's digits were misread
            v, line = max(paid.items(), key=lambda kv: kv[1])
            c = next(x for x in cash if x.line_index == line)
            return Found(f"{v:.2f}", c.page_no, c.bbox, None, 0.5)
    if best is not None:
        a = best[1]
        return Found(f"{_rounded(a, amounts):.2f}", a.page_no, a.bbox, None, 0.65)
    if summed is not None:
        return Found(f"{summed.value:.2f}", summed.page_no, summed.bbox, None, 0.5)
    if cash and change:
        for c in cash:
            for ch in change:
                if ch.line_index > c.line_index and c.value - ch.value > 0:
                    v = round(c.value - ch.value, 2)
                    return Found(f"{v:.2f}", c.page_no, c.bbox, None, 0.4)
    # no total printed (or OCR lost its amount): a small shop's subtotal is what was paid
    subs = [a for a in amounts if a.value > 0 and re.search(r"\bsub[\s-]*total\b", a.label, re.I)]
    taxed = any(a.value > 0 and _TAX.search(a.label) for a in amounts)
    if subs and not taxed:
        a = subs[-1]
        return Found(f"{a.value:.2f}", a.page_no, a.bbox, None, 0.3)
    if len(cash) == 1 and not any(_CHANGE.search(ln.text) or _is_total_label(ln.text) for ln in lines):
        a = cash[0]  # only the cash paid is printed (no total, no change): it is what the sale cost
        return Found(f"{a.value:.2f}", a.page_no, a.bbox, None, 0.3)
    return None
