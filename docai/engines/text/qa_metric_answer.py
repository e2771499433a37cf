"""Computing the ratios of qa_metrics from retrieved values, with the working and every value cited."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from docai.engines.text.embeddings import Embedder
from docai.engines.text.passages import Passage
from docai.engines.text.qa_amounts import AmountQuestion, parse_amount, parse_line
from docai.engines.text.qa_arith import _decimals, _scale
from docai.engines.text.qa_compute import (
    Computed,
    _cite,
    _Found,
    _lookup_name,
    _names_measure,
    _names_period,
    _operand,
    _where,
)
from docai.engines.text.qa_find import Candidate, QuestionKind, find_value
from docai.engines.text.qa_format import currency_text, in_asked_scale
from docai.engines.text.qa_homes import home_heading, home_row
from docai.engines.text.qa_lines import read_line
from docai.engines.text.qa_metrics import (
    CompositeQuestion,
    MetricQuestion,
    Term,
    absolute,
    format_result,
    parse_composite,
    parse_metric,
)
from docai.engines.text.retrieval import DocIndex, named_statements, search
from docai.results import Citation

_log = logging.getLogger(__name__)

PAGE_LOOKUP_HITS = 100
"""How deep a value is looked for among the hits that sit where it must be read (a page, statements)."""
MAX_MARGIN = 1.0
"""A margin (a part of revenue) above 100% in size means a value was misread: no answer."""


Where = Callable[[Passage], bool]


def _lookup_where(
    measure: str, indexes: list[DocIndex], embedder: Embedder | None, year: int, where: Where
) -> Candidate | None:
    """`measure` in `year` read only from passages `where` accepts (a margin's revenue from the page
    its measure is on; a value from the statements the question says to use)."""
    query = f"What was {measure} in {year}?"
    hits = search(indexes, query, embedder, top_k=PAGE_LOOKUP_HITS, value_years=[year])
    hits = [h for h in hits if where(h.passage)]
    c = find_value(hits, QuestionKind("number", [year], [], query)) if hits else None
    if c is None or not _names_measure(c, measure) or not _names_period(c, [year], []):
        return None
    return c


def _on_page(page: tuple[str, int]) -> Where:
    return lambda p: (p.doc_id, p.page_no) == page


def _in_statements(question: str) -> Where | None:
    headings = named_statements(question)
    return (lambda p: any(h.search(p.context) for h in headings)) if headings else None


def _read(
    measure: str,
    year: int,
    indexes: list[DocIndex],
    embedder: Embedder | None,
    question: str,
    page: tuple[str, int] | None,
) -> tuple[float, str, _Found] | None:
    """(absolute value, currency printed, the operand) of `measure` in `year`, or None."""
    where = _on_page(page) if page else _in_statements(question)

    def lookup(name: str) -> Candidate | None:
        c = _lookup_where(name, indexes, embedder, year, where) if where else None
        if c is None and home_heading(name) is not None:  # the statement that reports the line
            c = home_row(name, indexes, embedder, year, question)
        return c or _lookup_name(name, indexes, embedder, [year], [], question)

    c = read_line(measure, lookup)
    f = _operand(c, f"{year}, {_where(c, len(indexes) > 1)}") if c else None
    value = absolute(c.text) if c else None
    if f is None or value is None:
        _log.debug("metric question %r: no %s for %d", question, measure, year)
        return None
    return value[0], value[1], f


def _term_value(
    term: Term,
    year: int,
    indexes: list[DocIndex],
    embedder: Embedder | None,
    question: str,
    page: tuple[str, int] | None = None,
) -> tuple[float, list[_Found], str] | None:
    """(value, operands, working) of the term for `year` (a part with its own years uses those): None
    when a value is missing, printed as a percent, in a scale that cannot be read, or in two
    currencies. With `page`, each value is looked for on that page first."""
    total, found, prefixes, shown = 0.0, [], set(), []
    for part in term.parts:
        read = [_read(part.measure, y, indexes, embedder, question, page) for y in part.years or [year]]
        if any(r is None for r in read):
            return None
        values = [abs(r[0]) if part.size else r[0] for r in read if r is not None]
        texts = [r[2].operand.text.lstrip("-") if part.size else r[2].operand.text for r in read if r]
        prefixes.update(r[1] for r in read if r is not None and r[1])
        found.extend(r[2] for r in read if r is not None)
        if part.how == "change":
            value, text = values[-1] - values[0], f"({texts[-1]} - {texts[0]})"
        elif part.how == "average" or len(values) > 1:
            value, text = sum(values) / len(values), f"mean({', '.join(texts)})"
        else:
            value, text = values[0], texts[0]
        total += part.sign * value
        sign = "-" if part.sign < 0 else "+"
        shown.append(f"{sign} {text}" if shown else (f"-{text}" if part.sign < 0 else text))
    if len(prefixes) > 1:
        return None
    working = " ".join(shown)
    if term.factor != 1.0:
        working = f"{term.factor:g} * ({working})" if len(shown) > 1 else f"{term.factor:g} * {working}"
    elif len(shown) > 1:
        working = f"({working})"
    return term.factor * total, found, working


def _same_value(a: _Found, b: _Found) -> bool:
    return a.candidate.passage is b.candidate.passage and a.candidate.start == b.candidate.start


def _one_scale(found: list[_Found]) -> bool:
    """Whether the values all print a scale ("million") or none does: a bare "170,684" beside "12,242
    million" was read from a table without its unit line, or is no amount of the statements at all."""
    return len({bool(f.operand.suffix.strip()) for f in found}) <= 1


def _consistent(mq: MetricQuestion, num: list[_Found], den: list[_Found]) -> bool:
    """A margin's measure and its revenue are read from one statement (one page), and what a margin
    adds back (depreciation and amortization in EBITDA) is a positive amount: anything else is a
    value read from the wrong table (a segment's revenue, a deferred tax line)."""
    if not mq.is_margin:
        return True
    first, revenue = num[0].candidate.passage, den[0].candidate.passage
    if (first.doc_id, first.page_no) != (revenue.doc_id, revenue.page_no):
        return False
    return all(f.operand.value > 0 for f in num[1:])


def _ratios(
    mq: MetricQuestion, indexes: list[DocIndex], embedder: Embedder | None, question: str
) -> tuple[list[tuple[int, float, str]], list[_Found]] | None:
    """(year, ratio, working) for each year of `mq`, and the values read; None when any is missing."""
    per_year: list[tuple[int, float, str]] = []
    cited: list[_Found] = []
    for year in mq.years:
        num = _term_value(mq.numerator, year, indexes, embedder, question)
        if num is None:
            return None
        home = num[1][0].candidate.passage
        page = (home.doc_id, home.page_no) if mq.is_margin else None
        den = _term_value(mq.denominator, year, indexes, embedder, question, page)
        if den is None or den[0] == 0:
            return None
        if any(_same_value(a, b) for a in num[1] for b in den[1]):
            return None  # one row read as both sides
        if not _one_scale(num[1] + den[1]):
            return None
        if not _consistent(mq, num[1], den[1]):
            return None
        ratio = num[0] / den[0]
        if mq.is_margin and abs(ratio) >= MAX_MARGIN:
            return None
        step = f"{num[2]} / {den[2]}"
        if mq.complement:
            ratio, step = 1.0 - ratio, f"1 - {step}"
        per_year.append((year, ratio, f"{year}: {step} = {format_result(ratio, mq.percent)}"))
        cited.extend(num[1] + den[1])
    return per_year, cited


def answer_metric(question: str, indexes: list[DocIndex], embedder: Embedder | None) -> Computed | None:
    """The computed ratio a margin, share or stated-formula question asks for, or None."""
    composite = parse_composite(question)
    if composite is not None:
        return _composite(composite, indexes, embedder, question)
    mq = parse_metric(question)
    if mq is None:
        amount = parse_amount(question)
        if amount is None:
            return _statement_line(question, indexes, embedder)
        return _amount(amount, indexes, embedder, question)
    done = _ratios(mq, indexes, embedder, question)
    if done is None and mq.complement_of is not None:
        # no line for the margin's measure (many income statements print no gross profit): 1 - cost / revenue
        mq = dataclasses.replace(mq, numerator=mq.complement_of, complement=True, complement_of=None)
        done = _ratios(mq, indexes, embedder, question)
    return _computed(mq, *done) if done else None


def _amount(
    aq: AmountQuestion, indexes: list[DocIndex], embedder: Embedder | None, question: str
) -> Computed | None:
    """A sum of statement lines, stated in the scale and currency its first value is printed in."""
    done = _term_value(aq.term, aq.year, indexes, embedder, question)
    if done is None:
        return None
    total, found, working = done
    if any(_same_value(a, b) for i, a in enumerate(found) for b in found[i + 1 :]):
        return None  # one row read as two lines
    if not _one_scale(found):
        return None
    first = found[0].operand
    scale_word = first.suffix.strip()
    scale = _scale(first.suffix) or 1.0
    prefix = next((f.operand.prefix.strip() for f in found if f.operand.prefix.strip()), "")
    places = _decimals(*(f.operand.text for f in found))
    size = f"{abs(total) / scale:,.{places}f}" + (f" {scale_word}" if scale_word else "")
    text = in_asked_scale(f"{'-' if total < 0 else ''}{currency_text(prefix, size)}", question)
    working = f"{aq.year}: {working} = {text}"
    return Computed(f"{text}: {aq.name} in {aq.year} ({working})", working, _citations(found), 0.7)


def _statement_line(question: str, indexes: list[DocIndex], embedder: Embedder | None) -> Computed | None:
    """One standard line in one year, read from the primary statement that reports it (qa_homes); None
    for another line or when the statements among the retrieved passages do not print it."""
    asked = parse_line(question)
    c = home_row(asked[0], indexes, embedder, asked[1], question) if asked else None
    f = _operand(c, _where(c, len(indexes) > 1)) if c else None
    if asked is None or f is None:
        return None
    text = in_asked_scale(c.text, question)
    return Computed(text, f"{asked[0]} in {asked[1]}: {c.text} ({f.operand.label})", _citations([f]), 0.7)


def _composite(
    cq: CompositeQuestion, indexes: list[DocIndex], embedder: Embedder | None, question: str
) -> Computed | None:
    total, steps, cited = 0.0, [], []
    for sign, name, mq in cq.parts:
        done = _ratios(mq, indexes, embedder, question)
        if done is None:
            return None
        ((_, value, step),), found = done
        total += sign * value
        steps.append(f"{name} {step}")
        cited.extend(found)
    formula = " ".join(f"{'-' if s < 0 else '+'} {n}" for s, n, _ in cq.parts).lstrip("+ ")
    working = f"{'; '.join(steps)}; {cq.name} = {formula} = {total:.2f}"
    head = f"{total:.2f}: {cq.name} in {cq.year}"
    return Computed(f"{head} ({working})", working, _citations(cited), 0.7)


def _citations(found: list[_Found]) -> list[Citation]:
    citations, seen = [], set()
    for f in found:
        c = _cite(f)
        key = (c.document, c.page_no, c.bbox)
        if key not in seen:
            seen.add(key)
            citations.append(c)
    return citations


def _computed(mq: MetricQuestion, per_year: list[tuple[int, float, str]], cited: list[_Found]) -> Computed:
    value = sum(r for _, r, _ in per_year) / len(per_year)
    steps = "; ".join(s for _, _, s in per_year)
    if mq.change and len(per_year) == 2:
        diff = per_year[1][1] - per_year[0][1]
        moved = f"{diff * 100:+.1f} percentage points" if mq.percent else f"{diff:+.2f}"
        head = f"{moved}: {mq.name} from {per_year[0][0]} to {per_year[1][0]}"
        working = f"{steps}; change = {moved}"
    elif len(per_year) > 1:
        head = f"{format_result(value, mq.percent)}: {mq.name}, average of {per_year[0][0]}-{per_year[-1][0]}"
        working = f"{steps}; mean = {format_result(value, mq.percent)}"
    else:
        head = f"{format_result(value, mq.percent)}: {mq.name} in {per_year[0][0]}"
        working = steps
    return Computed(f"{head} ({working})", working, _citations(cited), 0.7)  # the CLI prints the text only
