"""Answering arithmetic questions: find each operand on its own, check it, compute, cite both places.

The operands of "How did X change?" are X in each of two files (several files given), X in each of two
years or quarters (the question names them), or X under the two latest year columns of the table that
holds it (one file, no years named). A ratio's operands are its two measures. Each operand comes from
the ordinary value finder over a retrieval of its own, and is kept only when the row or sentence it
sits in names the measure and, when a year or quarter is asked, that period.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from docai.engines.text.embeddings import Embedder
from docai.engines.text.qa_arith import ArithQuestion, Operand, compose, parse_arith, split_printed
from docai.engines.text.qa_find import Candidate, QuestionKind, find_value
from docai.engines.text.qa_homes import home_row
from docai.engines.text.qa_lines import read_line
from docai.engines.text.qa_values import span_bbox
from docai.engines.text.retrieval import DocIndex, expansion_groups, search, tokenize
from docai.results import Citation

_log = logging.getLogger(__name__)

MIN_MEASURE_SHARE = 0.6
"""Share of the measure's words that the operand's row or sentence must hold."""
_YEAR_IN_NAME_RE = re.compile(r"(?:19|20)\d{2}")


@dataclass
class Computed:
    text: str
    working: str
    citations: list[Citation]
    score: float


@dataclass
class _Found:
    candidate: Candidate
    operand: Operand


def _unit_text(c: Candidate) -> str:
    """The row (tables) or sentence-ish span (prose) around the candidate's value."""
    text = c.passage.text
    if c.passage.kind == "table":
        start = text.rfind("\n", 0, c.start) + 1
        end = text.find("\n", c.end)
        return text[start : end if end >= 0 else len(text)]
    start = max(text.rfind(". ", 0, c.start) + 1, 0)
    end = text.find(". ", c.end)
    return text[start : end if end >= 0 else len(text)]


def _names_measure(c: Candidate, measure: str) -> bool:
    """Whether the operand's row or sentence names the measure: its words, or for a word with a finance
    expansion at least half of that ("revenue" in a row that says "net sales")."""
    words = [t for t in tokenize(measure) if not t[0].isdigit()]
    present = set(tokenize(_unit_text(c)))
    groups = expansion_groups(measure)

    def named(t: str) -> bool:
        alt = groups.get(t)
        return t in present or (bool(alt) and sum(a in present for a in alt) >= 0.5 * len(alt))

    return bool(words) and sum(named(t) for t in words) / len(words) >= MIN_MEASURE_SHARE


def _names_period(c: Candidate, years: list[int], periods: list[str]) -> bool:
    """Whether the value is read under the asked year/quarter: its table column or its own words."""
    p = c.passage
    own = set(tokenize(f"{_unit_text(c)} {p.context}"))
    if years and not (any(y in years for y, _ in p.columns) or any(str(y) in own for y in years)):
        return False
    return not periods or any(q in periods for q, _ in p.periods) or any(q in own for q in periods)


def _lookup(
    measure: str,
    indexes: list[DocIndex],
    embedder: Embedder | None,
    years: list[int],
    periods: list[str],
    question: str,
) -> Candidate | None:
    """The measure's value, looked up by each caption a statement may print it under (qa_lines)."""
    return read_line(measure, lambda name: _lookup_name(name, indexes, embedder, years, periods, question))


def _lookup_name(
    measure: str,
    indexes: list[DocIndex],
    embedder: Embedder | None,
    years: list[int],
    periods: list[str],
    question: str,
) -> Candidate | None:
    if len(years) == 1 and not periods:  # a standard line, from the statement that reports it
        home = home_row(measure, indexes, embedder, years[0], question)
        if home is not None:
            return home
    when = " ".join([*(str(y) for y in years), *(q.upper() for q in periods)])
    query = f"What was {measure}{' in ' + when if when else ''}?"
    hits = search(indexes, query, embedder, value_years=years)
    c = find_value(hits, QuestionKind("number", years, periods, question))
    if c is None or not _names_measure(c, measure) or not _names_period(c, years, periods):
        return None
    return c


def _operand(c: Candidate | None, label: str) -> _Found | None:
    if c is None:
        return None
    parts = split_printed(c.text)
    if parts is None:
        return None
    prefix, value, suffix = parts
    return _Found(c, Operand(value, c.text, label, prefix, suffix))


def _where(c: Candidate, several_docs: bool) -> str:
    return f"{c.passage.doc_name} p. {c.passage.page_no}" if several_docs else f"p. {c.passage.page_no}"


def _by_year_in_name(indexes: list[DocIndex]) -> list[DocIndex]:
    """Files in the order of the year their names carry ("2023.pdf" before "2024.pdf"), else as given."""
    years = [_YEAR_IN_NAME_RE.findall(ix.doc_name) for ix in indexes]
    if all(len(y) == 1 for y in years) and len({y[0] for y in years}) == len(years):
        return [ix for _, ix in sorted(zip([int(y[0]) for y in years], indexes, strict=True))]
    return list(indexes)


def _across_files(aq: ArithQuestion, indexes, embedder, question) -> list[_Found | None]:
    ordered = _by_year_in_name(indexes)[:2]
    out = []
    for ix in ordered:
        c = _lookup(aq.metric, [ix], embedder, aq.years[:1], aq.periods[:1], question)
        out.append(_operand(c, _where(c, True)) if c else None)
    return out


def _across_periods(aq: ArithQuestion, indexes, embedder, question) -> list[_Found | None]:
    several = len(indexes) > 1
    if len(aq.years) >= 2:
        asked = [([y], aq.periods[:1], str(y)) for y in sorted(aq.years)[:1] + sorted(aq.years)[-1:]]
    else:
        asked = [(aq.years[:1], [q], q.upper()) for q in aq.periods[:2]]
    out = []
    for years, periods, name in asked:
        c = _lookup(aq.metric, indexes, embedder, years, periods, question)
        out.append(_operand(c, f"{name}, {_where(c, several)}") if c else None)
    return out


def _latest_two_columns(aq: ArithQuestion, indexes, embedder, question) -> list[_Found | None]:
    """One file, no two periods named: the measure's table row under its two latest year columns."""
    first = _lookup(aq.metric, indexes, embedder, aq.years[:1], [], question)
    if first is None or len({y for y, _ in first.passage.columns}) < 2:
        return [None, None]
    years = sorted({y for y, _ in first.passage.columns}, reverse=True)
    later = aq.years[0] if aq.years and aq.years[0] in years else years[0]
    earlier = max((y for y in years if y < later), default=None)
    if earlier is None:
        return [None, None]
    out = []
    for y in (earlier, later):
        c = _lookup(aq.metric, indexes, embedder, [y], [], question)
        out.append(_operand(c, f"{y}, {_where(c, len(indexes) > 1)}") if c else None)
    return out


def _operands(aq: ArithQuestion, indexes, embedder, question) -> list[_Found | None]:
    if aq.op == "ratio":
        several = len(indexes) > 1
        found = []
        for measure in (aq.metric, aq.other or ""):
            c = _lookup(measure, indexes, embedder, aq.years[:1], aq.periods[:1], question)
            found.append(_operand(c, _where(c, several)) if c else None)
        return found
    if len(aq.years) >= 2 or len(aq.periods) >= 2:
        return _across_periods(aq, indexes, embedder, question)
    if len(indexes) >= 2:
        return _across_files(aq, indexes, embedder, question)
    return _latest_two_columns(aq, indexes, embedder, question)


def _cite(f: _Found) -> Citation:
    c = f.candidate
    p = c.passage
    return Citation(p.page_no, p.doc_name, span_bbox(p, c.start, c.end), _unit_text(c), 1.0)


Accept = Callable[[_Found, _Found], bool]


def answer_arithmetic(
    question: str, indexes: list[DocIndex], embedder: Embedder | None, accept: Accept | None = None
) -> Computed | None:
    """The computed answer to a change, growth or ratio question, or None (not one, or an operand
    missing, or the two operands refused by `accept`)."""
    aq = parse_arith(question)
    if aq is None:
        return None
    found = _operands(aq, indexes, embedder, question)
    if len(found) != 2 or found[0] is None or found[1] is None:
        _log.debug("arithmetic question %r: an operand was not found", question)
        return None
    a, b = found
    if (a.candidate.passage is b.candidate.passage) and a.candidate.start == b.candidate.start:
        return None  # one value read twice is no comparison
    if accept is not None and not accept(a, b):
        return None
    composed = compose(aq.op, aq.metric, a.operand, b.operand)
    if composed is None:
        return None
    text, working = composed
    citations = [_cite(a), _cite(b)]
    if (citations[0].document, citations[0].page_no, citations[0].bbox) == (
        citations[1].document,
        citations[1].page_no,
        citations[1].bbox,
    ):
        citations = citations[:1]
    return Computed(text, working, citations, 0.7)
