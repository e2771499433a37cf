"""Agreements: parties from the opening 'between X and Y' clause, governing law, term, effective date.

Contracts state these facts in sentences rather than in labelled fields, so the rules read the running text
of the first pages (parties, effective date) or of the whole document (governing law, term). Each rule
returns the text it read and where; nothing is guessed when no sentence says it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from docai import values
from docai.document import BBox, Word
from docai.engines.text.layout import Line, union
from docai.engines.text.vocab import agreements

_log = logging.getLogger(__name__)

OPENING_CHARS = 6000  # the opening clause sits on the first page or two
_SUFFIX = agreements.PARTY_FORMS
_SUFFIX_RE = re.compile(rf"\b({_SUFFIX})\.?$", re.I)
# ', Inc.' belongs to the name before it; the comma would otherwise split the party list there
_COMMA_SUFFIX = re.compile(rf"[,.]\s+(?=(?:{_SUFFIX}|Jr|Sr|II|III|IV)\b\.?(?:[,;)\s(]|$))", re.I)
_NAME_WORD = re.compile(r"^(?:[A-Z0-9][\w.&'’\-/]*|[a-z]+[A-Z][\w.&'’\-/]*|&|of|the|de|du|la|van|von|der)$")
_CONNECTORS = {"of", "the", "de", "du", "la", "van", "von", "der", "&"}
_NOT_NAMES = agreements.NOT_NAMES
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30, "thirty-six": 36, "sixty": 60,
}  # fmt: skip


@dataclass
class Found:
    value: str
    page_no: int
    bbox: BBox | None
    quality: float


@dataclass
class Text:
    """The running text of some lines, with each character's word kept so a match can point at its box."""

    text: str
    owners: list[tuple[int, int, Word]]  # (start offset, page_no, word) in text order

    def box_of(self, start: int, end: int) -> tuple[int, BBox | None]:
        hit = [(p, w) for off, p, w in self.owners if start <= off < end]
        if not hit:
            return (self.owners[0][1] if self.owners else 1), None
        page = hit[0][0]
        return page, union(w.bbox for p, w in hit if p == page)


def running_text(pages: Sequence[Sequence[Line]], limit: int | None = None) -> Text:
    """Lines joined with spaces, pages in order (a hyphen that ends a line joins the word)."""
    parts: list[str] = []
    owners: list[tuple[int, int, Word]] = []
    size = 0
    for lines in pages:
        for ln in lines:
            for w in ln.words:
                if parts and not parts[-1].endswith("-"):
                    parts.append(" ")
                    size += 1
                elif parts and parts[-1].endswith("-") and re.match(r"[a-z]", w.text):
                    parts[-1] = parts[-1][:-1]
                    size -= 1
                owners.append((size, ln.page_no, w))
                parts.append(w.text)
                size += len(w.text)
            if limit is not None and size >= limit:
                return Text("".join(parts), owners)
    return Text("".join(parts), owners)


def _strip_brackets(s: str) -> str:
    """Drop parenthesised asides ('(the “Company”)'); unbalanced ones are cut at the end of the text."""
    out: list[str] = []
    depth = 0
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
            continue
        if depth == 0:
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out))


def _clause_end(s: str) -> int:
    """Where the sentence that opens at 0 ends: a full stop not part of an abbreviation, or a heading."""
    for m in re.finditer(r"\.(?=\s+[A-Z(“\"0-9])|\b(?:WHEREAS|RECITALS|WITNESSETH|NOW,? THEREFORE)\b", s):
        if m.group(0) != ".":
            return m.start()
        before = s[max(0, m.start() - 12) : m.start()]
        if re.search(r"(\b(Inc|Corp|Co|Ltd|Bros|Jr|Sr|No|St|Mr|Ms|Mrs|Dr)|\b[A-Z]|\b[A-Z]\.[A-Z])$", before):
            continue
        if re.match(rf"\.\s+(?:{_SUFFIX})\b", s[m.start() : m.start() + 20], re.I):
            continue  # 'BioLargo. Inc.': a stray stop before the company suffix
        return m.start()
    return len(s)


def _name_of(piece: str) -> str | None:
    """The name a list piece starts with: capitalised words (connectors inside), up to a lower-case word."""
    words = piece.strip(" ,;:“”\"'").split()
    took: list[str] = []
    for w in words:
        bare = w.strip(',;:“”"')
        if not bare or not _NAME_WORD.match(bare):
            break
        took.append(bare)
        if w.endswith((",", ";")):
            break
    while took and took[-1].lower() in _CONNECTORS:
        took.pop()
    if not took or took[0].lower().strip(".") in _NOT_NAMES or took[0].lower() in _CONNECTORS:
        return None
    if took[-1].lower() in ("party", "parties") or (
        len(took) == 2 and took[0] == "The" and took[1].lower() in _NOT_NAMES
    ):
        return None
    if not re.search(r"[A-Za-z]{2}", " ".join(took)):
        return None
    name = " ".join(took)
    if len(took) == 1 and not _SUFFIX_RE.search(name) and name.isupper() is False and len(name) < 3:
        return None
    return name


def parties_in(clause: str) -> list[str]:
    """Names listed in a clause that follows 'between' / 'among': 'A, a Delaware corporation, and B'."""
    s = _COMMA_SUFFIX.sub(" ", _strip_brackets(clause))
    s = s[: _clause_end(s)]
    # 'A and B' inside a name ('Johnson and Johnson') is rare next to the 'X and Y' of a party list
    pieces = re.split(r"(,\s*(?i:and)\s+|\s+(?i:and)\s+|,\s*|;\s*)", s)
    names: list[str] = []
    describing = False  # after 'a Delaware corporation' / 'located at ...' until the next 'and'
    for i in range(0, len(pieces), 2):
        piece = pieces[i].strip()
        sep = pieces[i - 1].lower() if i > 0 else ""
        piece = re.sub(r"^the\s+", "", piece)
        if "and" in sep:
            describing = False
        if not piece:
            continue
        lower_start = re.match(r"[a-z]", piece) and not re.match(r"[a-z]+[A-Z]", piece)  # 'uDate' is a name
        if lower_start or re.match(r"[“\"]|\d+\b", piece):
            describing = True
            continue
        name = _name_of(piece)
        if describing and not (name and _SUFFIX_RE.search(name)):
            continue  # inside a description, only a name with a company suffix starts a new party
        describing = False
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
        if name and len(name.split()) < len(piece.split()):
            describing = True  # 'Penumbra Inc. a Delaware corporation': the rest describes it
    return names


def find_parties(text: Text) -> list[Found]:
    """The parties named in the opening 'between/among' clause (the best of the first few such clauses)."""
    best: list[Found] = []
    best_score = 1.5  # one name without a company suffix ('between Axcan and the Company') is too little
    for m in list(re.finditer(r"\b(?:between|among|amongst)\b\s*:?", text.text[:OPENING_CHARS], re.I))[:4]:
        clause = text.text[m.end() : m.end() + 900]
        names = parties_in(clause)
        if not names:
            continue
        score = len(names) + sum(1.5 for n in names if _SUFFIX_RE.search(n)) + 0.5 * ("(" in clause[:400])
        if score > best_score:
            found: list[Found] = []
            for n in names:
                at = text.text.find(n.split()[0], m.end())
                page, box = text.box_of(at, at + len(n)) if at >= 0 else (1, None)
                found.append(Found(n, page, box, 0.6 if _SUFFIX_RE.search(n) else 0.45))
            best, best_score = found, score
    return best


_LAW = re.compile(
    r"\blaws?\s+of\s+(?:the\s+)?(?:(?:State|Commonwealth|Province)\s+of\s+)?"
    rf"({agreements.US_STATES}|{agreements.JURISDICTIONS})\b"
)
_GOVERN = re.compile(r"govern|constru|interpret|enforce", re.I)
_FORMED = re.compile(r"organi[sz]ed|existing|incorporated|formed", re.I)


def find_governing_law(text: Text) -> Found | None:
    """'governed by the laws of the State of X' (the law chosen, not where a party is incorporated)."""
    fallback: Found | None = None
    for m in _LAW.finditer(text.text):
        before = text.text[max(0, m.start() - 200) : m.start()]
        place = m.group(1)
        page, box = text.box_of(m.start(1), m.end(1))
        if _GOVERN.search(before):
            return Found(place, page, box, 0.7)
        if fallback is None and not _FORMED.search(before[-80:]):
            fallback = Found(place, page, box, 0.4)
    m = re.search(rf"\b({agreements.US_STATES})\s+law\s+(?:shall\s+)?govern", text.text)
    if m:
        page, box = text.box_of(m.start(1), m.end(1))
        return Found(m.group(1), page, box, 0.6)
    return fallback


_TERM = re.compile(
    r"\b(?:(?:period|term)\s+of\s+|for\s+(?:a\s+period\s+of\s+)?)?"
    r"(\d+|[a-z]+(?:-[a-z]+)?)\s*(?:\((\d+)\)\s*)?(years?|months?)\b",
    re.I,
)
# what the sentence around a duration is about: the agreement's own life, or a restriction after employment
_TERM_FOR = re.compile(
    r"this\s+(?:letter\s+)?agreement|term\b|remain\s+in|in\s+(?:full\s+)?force|confidential|"
    r"non-?disclosure|surviv|expir|terminat(?:e|ion)\s+of\s+this|obligations?|effective\s+date",
    re.I,
)
_TERM_AGAINST = re.compile(
    r"employ|solicit|compet|hire|recruit|standstill|separation|consult|engagement|services|"
    r"acquire|purchase|securities|voting|retain",
    re.I,
)


def _count(word: str | None, digits: str | None) -> int | None:
    if digits:
        return int(digits)
    if not word:
        return None
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word.lower())


def find_term(text: Text) -> Found | None:
    """How long the agreement (or its confidentiality) lasts: 'for a period of two (2) years' -> '2 years'.

    Durations of restrictions tied to employment (non-compete, non-solicit) are not the agreement's term.
    """
    best: Found | None = None
    best_score = 0.0
    for m in _TERM.finditer(text.text):
        n = _count(m.group(1), m.group(2))
        lead = m.group(0).lower()
        if n is None or n <= 0 or n > 120:
            continue
        if not (m.group(2) or lead.startswith(("period", "term", "for"))):
            continue  # '5 years old', 'three months' in passing: only stated durations
        start = max(text.text.rfind(". ", 0, m.start()), m.start() - 250)
        sentence = text.text[start : m.end() + 120]
        score = len(_TERM_FOR.findall(sentence)) - 1.5 * len(_TERM_AGAINST.findall(sentence))
        if score <= best_score:
            continue
        unit = m.group(3).lower().rstrip("s")
        page, box = text.box_of(m.start(), m.end())
        best, best_score = Found(f"{n} {unit}{'s' if n != 1 else ''}", page, box, 0.5), score
    return best


_EFFECTIVE = re.compile(
    r"\b(?:effective|dated|entered\s+into|made|executed)(?:\s+and\s+entered\s+into)?\s+"
    r"(?:as\s+of|on|this|effective)?\s*(?:the\s+|this\s+)?",
    re.I,
)


def find_effective_date(text: Text, dayfirst: bool | None = None) -> Found | None:
    """The date the opening says the agreement is made or effective ('dated as of March 1, 2015')."""
    head = text.text[:OPENING_CHARS]
    for m in _EFFECTIVE.finditer(head):
        window = head[m.end() : m.end() + 40]
        iso = values.parse_date(window, dayfirst)
        if iso and re.match(r"\s*(\d|[A-Z][a-z]{2,8}\.?\s+\d)", window):
            page, box = text.box_of(m.end(), m.end() + 30)
            return Found(iso, page, box, 0.6)
    return None


def contract_field(words: Sequence[str], kind: str) -> str | None:
    """Which sentence rule a field's name calls for: 'party', 'law', 'term', 'effective' or None."""
    w = set(words)
    if w & {"party", "parties", "counterparty", "counterparties", "signatory", "signatories"}:
        return "party" if kind in ("string", "table") or kind not in ("date", "number") else None
    if w & {"jurisdiction"} or ({"governing", "law"} <= w) or w == {"law"}:
        return "law" if kind in ("string", "enum") else None
    if w & {"term", "duration"} and kind == "string":
        return "term"
    if "effective" in w and kind in ("date", "datetime"):
        return "effective"
    return None
