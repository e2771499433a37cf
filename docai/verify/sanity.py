"""Role sanity: an amount is not part of an identifier, the issuer is not the recipient, dates make sense."""

from __future__ import annotations

import re
from datetime import date

from docai.document import Word
from docai.results import Check
from docai.values import detect_currency
from docai.verify.fields import Leaf
from docai.verify.grounding import Match
from docai.verify.pageindex import PageIndex, normalize
from docai.verify.roles import path_word_set, role_of
from docai.verify.vocab import (
    ADDRESS_SHAPE,
    AMOUNT_LABEL,
    COMPANY_SUFFIX,
    DOCUMENT_TITLE,
    IDENTIFIER_LABEL,
    ISSUER_LABEL,
    RECIPIENT_LABEL,
)

_ID_FIELD_WORDS = {"vat", "iban", "registration", "tin", "ein", "abn", "siret", "account", "gst", "tax"}
_ID_WORDS = {"id", "number", "no", "nr", "reg", "registration", "code"}
_AMOUNT_ROLES = {"total", "subtotal", "tax", "quantity", "unit_price", "line_amount"}
_DIGITS = re.compile(r"^[A-Z]{0,3}\d+$")


def in_identifier(match: Match, index: PageIndex) -> str | None:
    """Why the matched number reads as part of an identifier (None when it does not)."""
    span = match.spans[0]
    line = index.lines[span.line]
    before = " ".join([w.text for w in line[max(0, span.start - 6) : span.start]])
    label = _last(IDENTIFIER_LABEL, before) if before else None
    amount = _last(AMOUNT_LABEL, before) if label is not None else None
    if label is not None and (amount is None or amount[0] < label[0]):
        return f"it follows the identifier label {label[1]!r} on the line {_line_text(index, span.line)!r}"
    if _CENTS_END.search(match.text.strip()):
        return None
    prev = line[span.start - 1].text.strip() if span.start > 0 else ""
    nxt = line[span.end + 1].text.strip() if span.end + 1 < len(line) else ""
    if (_DIGITS.match(prev) and any(ch.isdigit() for ch in prev)) or (_DIGITS.match(nxt) and nxt.isdigit()):
        return f"it is one group of the digit run {_line_text(index, span.line)!r}"
    return None


_CENTS_END = re.compile(r"\d[.,]\d{1,2}$")


def _last(pattern: re.Pattern[str], text: str) -> tuple[int, str] | None:
    """Where the last match of `pattern` in `text` starts, and what it reads."""
    cased = _CASED.get(pattern)
    if cased is not None and text.isascii():  # the same matches, found in the lowercase text, quicker
        found = list(cased.finditer(text.lower()))
        return (found[-1].start(), text[found[-1].start() : found[-1].end()]) if found else None
    found = list(pattern.finditer(text))
    return (found[-1].start(), found[-1].group(0)) if found else None


def _case_sensitive_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """For a case-blind `pattern` written in lowercase (no capital letter in its source, so no `[A-Z]`,
    `\\S` or `\\W`; no other letter that folds to an ASCII one, like 'ſ'): the same pattern without
    IGNORECASE. On an ASCII text it finds in `text.lower()` just the matches `pattern` finds in `text`,
    at the same places (lowering an ASCII text keeps its length). None when the pattern does not qualify."""
    source = pattern.pattern
    folds = any(not ch.isascii() and any(c.isascii() for c in ch.lower() + ch.upper()) for ch in source)
    capital = any("A" <= ch <= "Z" for ch in source) or "\\x" in source or "\\u" in source
    if not pattern.flags & re.IGNORECASE or folds or capital:
        return None
    return re.compile(source, pattern.flags & ~re.IGNORECASE)


_CASED = {
    p: twin
    for p in (IDENTIFIER_LABEL, AMOUNT_LABEL, ISSUER_LABEL, RECIPIENT_LABEL, COMPANY_SUFFIX)
    if (twin := _case_sensitive_twin(p)) is not None
}


def found(pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` matches somewhere in `text` (by its case-sensitive twin on an ASCII text)."""
    cased = _CASED.get(pattern)
    if cased is not None and text.isascii():
        return cased.search(text.lower()) is not None
    return pattern.search(text) is not None


def _line_text(index: PageIndex, li: int) -> str:
    text = " ".join(w.text for w in index.lines[li])
    return text if len(text) <= 80 else text[:79] + "…"


_LAST_GROUP = re.compile(r"\d{3}[.,]\d{2}")  # '940,00': three digits before the cents, no separator
_GROUP_BEFORE = re.compile(r"\d{1,3}")


def in_larger_number(match: Match, index: PageIndex) -> str | None:
    """Why the matched amount reads as the last group of a number printed with spaces between its
    thousands ('2 940,00', French and Swiss style): one to three digits just left of it, a space away."""
    span = match.spans[0]
    line = index.lines[span.line]
    if span.start == 0 or not _LAST_GROUP.fullmatch(line[span.start].text.strip()):
        return None
    prev, word = line[span.start - 1], line[span.start]
    height = word.bbox[3] - word.bbox[1]
    gap = word.bbox[0] - prev.bbox[2]
    if _GROUP_BEFORE.fullmatch(prev.text.strip()) and 0 <= gap <= 0.6 * height:
        number = f"{prev.text.strip()} {word.text.strip()}"
        return f"it is the last group of {number!r} on {_line_text(index, span.line)!r}"
    return None


_SIGN_MARK = re.compile(r"(?<![A-Za-z])(CR|DR|Cr|Dr)\.?$")
_MARK_ENDS = tuple(m + dot for m in ("CR", "DR", "Cr", "Dr") for dot in ("", "."))


def sign_mark(match: Match, index: PageIndex) -> str | None:
    """Why the matched amount's sign is unknown: printed with a credit or debit mark ('240.00 CR').
    Whether a credit is negative is the document's convention (a credit note's refund, a bank
    statement's balance in credit), so no reading of the bare number can be trusted alone."""
    span = match.spans[0]
    line = index.lines[span.line]
    last = line[span.end].text.strip()
    nxt = line[span.end + 1].text.strip() if span.end + 1 < len(line) else ""
    ends = last.endswith(_MARK_ENDS)  # the pattern's search matches only at the word's end
    mark = (_SIGN_MARK.search(last) if ends else None) or (_SIGN_MARK.fullmatch(nxt) if nxt else None)
    if mark is None:
        return None
    where = _line_text(index, span.line)
    return f"it is printed with the mark {mark.group(1)!r} on {where!r}: its sign is unsure"


_MONEY_TEXT = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d{2}(?!\d)|(?<![\d.,])\d+\.\d{2}(?!\d)")
LINES_BELOW = 3


def _amounts_in(words: list[Word]) -> list[float]:
    return [float(t.replace(",", "")) for t in _MONEY_TEXT.findall(" ".join(w.text for w in words))]


def part_of_total(leaf: Leaf, match: Match, index: PageIndex) -> str | None:
    """Why a total reads as one part of the total: its row prints another amount right of it ('合计
    ¥1000.00 ¥90.00', amount and tax columns) and a line just below prints their sum (价税合计 ¥1090.00,
    its label lost to OCR or to the amount written in words)."""
    if role_of(leaf) != "total" or not isinstance(leaf.value, int | float) or leaf.value <= 0:
        return None
    span = match.spans[0]
    right = [a for a in _amounts_in(index.lines[span.line][span.end + 1 :]) if a > 0]
    below = [a for li in range(span.line + 1, span.line + 1 + LINES_BELOW) if li < len(index.lines)
             for a in _amounts_in(index.lines[li])]  # fmt: skip
    for a in right:
        whole = round(float(leaf.value) + a, 2)
        if any(abs(b - whole) < 0.011 for b in below):
            return f"{leaf.value:g} + {a:g} (right of it) = {whole:g} is printed below it"
    return None


def amount_check(leaf: Leaf, match: Match | None, index: PageIndex | None) -> Check | None:
    """`not_in_identifier` for amounts and quantities that were found on the page: not part of an
    identifier, nor one group of a larger number, nor of unsure sign; `sum_of_parts` fails for a
    total that is one part of the total printed below it."""
    if match is None or index is None or role_of(leaf) not in _AMOUNT_ROLES:
        return None
    why = in_identifier(match, index) or in_larger_number(match, index) or sign_mark(match, index)
    if why is not None:
        return Check("not_in_identifier", False, f"{leaf.value!r} may not be an amount: {why}")
    part = part_of_total(leaf, match, index)
    if part is not None:
        return Check("sum_of_parts", False, f"{leaf.value!r} may be a part of the total: {part}")
    return Check("not_in_identifier", True)


def name_check(leaf: Leaf) -> Check | None:
    """`is_a_name` for the issuer's and the recipient's names: an address is not a party's name."""
    if role_of(leaf) not in ("issuer", "recipient") or not isinstance(leaf.value, str):
        return None
    if DOCUMENT_TITLE.match(leaf.value):
        return Check("is_a_name", False, f"{leaf.value!r} is the document's title, not a name")
    label = RECIPIENT_LABEL.search(leaf.value)
    if label is not None and role_of(leaf) == "issuer":
        return Check("is_a_name", False, f"{leaf.value!r} holds the recipient label {label.group(0)!r}")
    m = ADDRESS_SHAPE.search(leaf.value)
    if m is None:
        return Check("is_a_name", True)
    return Check("is_a_name", False, f"{leaf.value!r} reads as an address ({m.group(0).strip()!r})")


def issuer_place_check(leaf: Leaf, match: Match | None, index: PageIndex | None) -> Check | None:
    """`not_the_recipient`: an issuer's name printed right after a 'Bill to' / 'Customer' label is the
    recipient's. Looks at the match's line (before it) and the two lines above."""
    if match is None or index is None or role_of(leaf) != "issuer":
        return None
    span = match.spans[0]
    before = " ".join(w.text for w in index.lines[span.line][: span.start])
    above = [" ".join(w.text for w in index.lines[li]) for li in range(max(0, span.line - 2), span.line)]
    for text in [before, *reversed(above)]:
        m = RECIPIENT_LABEL.search(text)
        if m:
            why = f"{leaf.value!r} follows {m.group(0)!r}: it names the recipient"
            return Check("not_the_recipient", False, why)
    return Check("not_the_recipient", True)


def identifier_check(leaf: Leaf) -> Check | None:
    """`identifier_shape`: a VAT, tax, registration or account number has at least four letters or
    digits, one of them a digit (a stray '01' is a fragment of one)."""
    if leaf.kind != "string" or not isinstance(leaf.value, str):
        return None
    words = path_word_set(leaf.path)
    if not (words & _ID_FIELD_WORDS and (words & _ID_WORDS or not words & {"tax", "gst"})):
        return None
    norm = normalize(leaf.value)
    ok = len(norm) >= 4 and any(ch.isdigit() for ch in norm)
    return Check("identifier_shape", ok, "" if ok else f"{leaf.value!r} is too short to be a {leaf.name}")


def tax_rate_check(leaves: list[Leaf]) -> list[tuple[list[str], Check]]:
    """`plausible_tax_rate`: tax is at most 35% of the amount before tax (the highest VAT/GST rates are
    about 27%); a larger 'tax' is usually the untaxed base or another amount."""
    tax = next((x for x in leaves if role_of(x) == "tax" and _is_num(x.value)), None)
    total = next((x for x in leaves if role_of(x) == "total" and _is_num(x.value)), None)
    sub = next((x for x in leaves if role_of(x) == "subtotal" and _is_num(x.value)), None)
    if tax is None or (total is None and sub is None):
        return []
    base = float(sub.value) if sub is not None else float(total.value) - float(tax.value)  # type: ignore[union-attr]
    other = sub if sub is not None else total
    ok = base > 0 and 0 <= float(tax.value) <= 0.35 * base
    reason = "" if ok else f"{tax.path} {tax.value:g} is not a plausible tax on {base:.2f}"
    return [([tax.path, other.path], Check("plausible_tax_rate", ok, reason))]  # type: ignore[union-attr]


def _is_num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def party_checks(leaves: list[Leaf]) -> list[tuple[list[str], Check]]:
    """The issuer and the recipient are different parties."""
    issuer = next((x for x in leaves if role_of(x) == "issuer" and isinstance(x.value, str)), None)
    recipient = next((x for x in leaves if role_of(x) == "recipient" and isinstance(x.value, str)), None)
    if issuer is None or recipient is None:
        return []
    a, b = normalize(issuer.value), normalize(recipient.value)
    same = bool(a and b) and (a == b or (min(len(a), len(b)) >= 6 and (a in b or b in a)))
    reason = f"{issuer.path} and {recipient.path} are the same party ({issuer.value!r})" if same else ""
    return [([issuer.path, recipient.path], Check("issuer_not_recipient", not same, reason))]


_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})\b")


def date_order_check(leaf: Leaf, match: Match | None, index: PageIndex | None) -> Check | None:
    """`plausible_date` fails for a date printed as '03/04/2024' (day and month both 12 or less, and
    different) on a page where no date like it says which comes first ('25/04/2024' does): its reading
    is a guess at the writer's order, whichever the engine made."""
    if leaf.kind != "date" or match is None or index is None:
        return None
    m = _NUMERIC_DATE.search(match.text)
    if m is None or m.group(1) == m.group(2) or max(int(m.group(1)), int(m.group(2))) > 12:
        return None
    settled, currency = index.memo("date_order", lambda: _date_order_of(index))
    if settled:
        return Check("plausible_date", True)
    if currency in DAY_FIRST_CURRENCIES:
        if _read_day_first(leaf.value, int(m.group(1)), int(m.group(2))):
            return Check("plausible_date", True)
        why = f"{match.text.strip()!r} is read month first on a page in {currency} (dates day first there)"
        return Check("plausible_date", False, why)
    why = f"{match.text.strip()!r}: no date on the page says whether the day or the month comes first"
    return Check("plausible_date", False, why)


DAY_FIRST_CURRENCIES = frozenset({"MYR", "SGD", "GBP", "EUR", "INR", "AUD", "NZD"})
"""Currencies of countries whose numeric dates put the day first (day/month/year): a page priced in one
of them says how its '03/04/2024' reads. Dollars alone ('$') say nothing: US dates put the month first,
Canadian and Australian ones need not."""


def _date_order_of(index: PageIndex) -> tuple[bool, str | None]:
    """(whether some numeric date on the page can only read one way, the page's currency): what settles
    how its ambiguous dates read, the same for every date field of the page."""
    page = " ".join(index.line_texts)
    settled = any(max(int(a), int(b)) > 12 >= min(int(a), int(b)) for a, b in _NUMERIC_DATE.findall(page))
    return settled, None if settled else detect_currency(page)


def _read_day_first(value: object, first: int, second: int) -> bool:
    """Whether the ISO date `value` is the printed 'first/second' read as day/month."""
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return (d.day, d.month) == (first, second)


def date_checks(leaves: list[Leaf], today: date | None = None) -> list[tuple[list[str], Check]]:
    """Due date not before the issue date; every date between 1900 and 30 years from now."""
    today = today or date.today()
    out: list[tuple[list[str], Check]] = []
    parsed: dict[str, tuple[Leaf, date]] = {}
    for leaf in leaves:
        if leaf.kind != "date" or not isinstance(leaf.value, str):
            continue
        try:
            d = date.fromisoformat(leaf.value[:10])
        except ValueError:
            continue
        ok = 1900 <= d.year <= today.year + 30
        role = role_of(leaf)
        if role == "issue_date" and (d - today).days > 366:
            ok = False
        out.append(([leaf.path], Check("plausible_date", ok, "" if ok else f"{leaf.value} is implausible")))
        if role in ("issue_date", "due_date") and role not in parsed:
            parsed[role] = (leaf, d)
    if "issue_date" in parsed and "due_date" in parsed:
        (i_leaf, i), (d_leaf, d) = parsed["issue_date"], parsed["due_date"]
        ok = d >= i
        reason = "" if ok else f"{d_leaf.path} {d_leaf.value} is before {i_leaf.path} {i_leaf.value}"
        out.append(([i_leaf.path, d_leaf.path], Check("due_after_issue", ok, reason)))
    return out
