"""Yes/no questions about a change: "Did X increase between FY2022 and FY2023?", "Was there any drop in X?".

The question is rewritten as the change question it contains ("How did X change from 2022 to 2023?")
and answered by qa_compute, which finds each value on its own and cites both; the answer is "Yes" or
"No" by the sign of the change against the direction asked, followed by the working. Both values must
be one statement line read under the two years' columns, its label mostly the measure's words. When the change
cannot be computed (a value missing, periods that do not pair up, as "FY2023 and Q2 of FY2024"), no
yes or no is given here: a guess at the sign would be the worst answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docai.engines.text.embeddings import Embedder
from docai.engines.text.qa_compute import Computed, _Found, answer_arithmetic
from docai.engines.text.qa_find import _label_precision as label_precision
from docai.engines.text.qa_values import question_periods
from docai.engines.text.retrieval import DocIndex, tokenize

_UP = r"increase[sd]?|rise|rose|grow|grew|grown|go\s+up|went\s+up|improve[sd]?"
_DOWN = r"decrease[sd]?|decline[sd]?|drop(?:ped)?|fall|fell|fallen|go\s+down|went\s+down|shrink|shrank"
_ANY = r"change[sd]?"
_DIRECTION = rf"(?P<d>{_UP}|{_DOWN}|{_ANY})"
_YEAR_RE = re.compile(r"\b(?:FY\s?'?)?((?:19|20)\d{2})\b", re.I)
_PATTERNS = [
    # "Was there any drop in cash and cash equivalents between FY2022 and FY2023?"
    re.compile(
        rf"^(?:was|were|is)\s+there\s+(?:any|an?)\s+{_DIRECTION}\s+in\s+(?P<m>.+?)\s+(?:between|from|in)\b",
        re.I,
    ),
    # "Has Microsoft increased its debt between ...", "Did the company reduce its inventory from ..."
    re.compile(
        rf"^(?:did|has|have)\s+(?:[\w&.'-]+\s+){{1,3}}?{_DIRECTION}\s+(?:its|their|the)\s+(?P<m>.+?)"
        r"\s+(?:between|from|in|compared)\b",
        re.I,
    ),
    # "Did JnJ's net earnings increase in FY2023 compared to FY2022?"
    re.compile(
        rf"^(?:did|has|have)\s+(?:the\s+)?(?P<m>.+?)\s+{_DIRECTION}\s+(?:between|from|in|compared|since)\b",
        re.I,
    ),
]
_AS_PERCENT_RE = re.compile(r"\bas\s+an?\s+(?:%|percent(?:age)?)\s+of\b", re.I)


@dataclass
class ChangeAsked:
    direction: str  # "up", "down" or "any"
    measure: str
    years: list[int]
    periods: list[str]


def _direction(word: str) -> str:
    if re.fullmatch(_UP, word, re.I):
        return "up"
    if re.fullmatch(_DOWN, word, re.I):
        return "down"
    return "any"


def parse_change_asked(question: str) -> ChangeAsked | None:
    """The direction, measure and two periods of a yes/no change question, or None."""
    head = question.strip().split("?")[0]
    for pattern in _PATTERNS:
        m = pattern.search(head)
        if m is None:
            continue
        measure = re.sub(r"^(?:[\w&.-]+'s\s+)", "", m.group("m").strip(), flags=re.I)
        measure = re.sub(r"\s+on\s+(?:the\s+|its\s+)?balance\s+sheet$", "", measure, flags=re.I)
        if _AS_PERCENT_RE.search(measure):
            return None  # a ratio of two lines: not a change in one line
        years = sorted(dict.fromkeys(int(y.group(1)) for y in _YEAR_RE.finditer(head)))
        periods = question_periods(head)
        if len(years) != 2 or periods:  # quarters against years do not pair up reliably
            return None
        return ChangeAsked(_direction(m.group("d")), measure, years, periods)
    return None


MIN_LABEL_PRECISION = 0.5
"""Share of the row label's words that must be the measure's: "Debt issuance costs" is not "debt"."""


def one_line(a: _Found, b: _Found, measure: str) -> bool:
    """Whether both values are one statement line under two year columns: the same row of one table,
    a label that is mostly the measure, and neither amount zero (a dash read as nothing)."""
    ca, cb = a.candidate, b.candidate
    if ca.passage is not cb.passage or ca.passage.kind != "table" or a.operand.value * b.operand.value == 0:
        return False
    text = ca.passage.text
    row_a, row_b = text.rfind("\n", 0, ca.start), text.rfind("\n", 0, cb.start)
    if row_a != row_b:
        return False
    label = text[row_a + 1 : min(ca.start, cb.start)]
    terms = {t: 1.0 for t in tokenize(measure) if not t[0].isdigit()}
    return label_precision(terms, label) >= MIN_LABEL_PRECISION


def answer_yes_no(question: str, indexes: list[DocIndex], embedder: Embedder | None) -> Computed | None:
    """ "Yes"/"No" with the computed change behind it, or None when the change cannot be computed."""
    asked = parse_change_asked(question)
    if asked is None:
        return None
    first, last = asked.years
    question = f"How did {asked.measure} change from {first} to {last}?"
    change = answer_arithmetic(question, indexes, embedder, accept=lambda a, b: one_line(a, b, asked.measure))
    if change is None:
        return None
    moved = change.text.split(":", 1)[0].strip()
    rose = moved.startswith("+") and not re.fullmatch(r"\+\D*0(?:\.0+)?\D*", moved.split(" ")[0])
    fell = moved.startswith("-")
    yes = {"up": rose, "down": fell, "any": rose or fell}[asked.direction]
    text = f"{'Yes' if yes else 'No'}. {change.text}"
    return Computed(text, change.working, change.citations, change.score)
