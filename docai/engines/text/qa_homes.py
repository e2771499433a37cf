"""The financial statement a line item is reported in, so a formula's value is read there first.

A formula names lines ("net income", "average total assets", "PP&E", "capital expenditures"). Looked
up anywhere in a filing, such a name also matches sentences and notes that only share its words: "Net
income tax payments were $1,326", "United States net sales of $15.0 billion", a note's gross
"Property, plant and equipment 218 223". Each primary statement reports one of these lines once, for
every year it shows, so a standard line is looked for first among the passages under that statement's
heading, and elsewhere only when the statements do not print it. Which line sits in which statement is
general accounting (US GAAP and IFRS presentation), not read off any evaluation set.
"""

from __future__ import annotations

import re

from docai.engines.text.embeddings import Embedder
from docai.engines.text.passages import Passage
from docai.engines.text.qa_find import Candidate
from docai.engines.text.qa_format import format_amount
from docai.engines.text.qa_spans import question_span
from docai.engines.text.qa_values import other_span, pick_column, values_in_line
from docai.engines.text.retrieval import (
    STATEMENTS,
    DocIndex,
    Hit,
    expansion_groups,
    is_primary_statement,
    search,
    tokenize,
)

BALANCE_SHEET, INCOME_STATEMENT, CASH_FLOWS = 0, 1, 2

HOME_STATEMENTS: list[tuple[re.Pattern[str], int]] = [
    (
        re.compile(
            r"^(?:net\s+|total\s+)?(?:revenues?|net\s+sales|sales|cost\s+of\s+(?:sales|goods\s+sold|revenues?|"
            r"products)|merchandise\s+costs|(?:income|earnings)\s+from\s+operations|gross\s+(?:profit|margin)|operating\s+(?:income|profit|expenses)|"
            r"net\s+(?:income|earnings)(?:\s+attributable\s+to\s+[\w\s.&]+)?|"
            r"income\s+before\s+(?:income\s+)?taxes|(?:provision\s+for\s+)?income\s+tax(?:es)?(?:\s+expense)?|"
            r"interest\s+expense|research\s+and\s+development(?:\s+expenses?)?|"
            r"selling(?:\s+\w+)?\s+and\s+administrative(?:\s+expenses?)?)$",
            re.I,
        ),
        INCOME_STATEMENT,
    ),
    (
        re.compile(
            r"^(?:total\s+)?(?:assets|liabilities|current\s+assets|current\s+liabilities|inventor(?:y|ies)|"
            r"merchandise\s+inventories|(?:trade\s+)?accounts\s+(?:payable|receivable)(?:\s+net)?|"
            r"(?:trade\s+)?receivables|goodwill|"
            r"(?:net\s+)?(?:property\s+(?:plant\s+)?and\s+equipment|land\s+buildings\s+and\s+equipment)(?:\s+net)?|"
            r"cash\s+and\s+cash\s+equivalents|"
            r"marketable\s+securities|short[- ]term\s+investments|(?:share|stock)holders'?\s+equity|"
            r"equity|long[- ]term\s+debt|retained\s+earnings)$",
            re.I,
        ),
        BALANCE_SHEET,
    ),
    (
        re.compile(
            r"^(?:capital\s+expenditures?|capital\s+spending|(?:purchases|additions|payments)\s+(?:of|to|for)\s+"
            r"property\s+(?:plant\s+and\s+)?equipment|depreciation(?:\s+depletion)?\s+and\s+amortization|"
            r"(?:net\s+)?cash\s+(?:provided\s+by|from)\s+(?:operating\s+activities|operations)|"
            r"(?:total\s+)?(?:cash\s+)?dividends\s+paid|repurchases?\s+of\s+common\s+stock)$",
            re.I,
        ),
        CASH_FLOWS,
    ),
]
"""A line's name (as a formula spells it, punctuation aside) -> the statement that reports it."""


_GROSS_NEXT_RE = re.compile(r"^\s*(?:less\b|accumulated\s+(?:depreciation|amortization))", re.I)
"""The row below a gross amount ("Property, plant and equipment 25,998" over "Less: Accumulated
depreciation"): the line a formula means is the net one printed after it."""
_PER_SHARE_RE = re.compile(r"\bper\s+(?:common\s+|ordinary\s+)?share\b|\beps\b", re.I)
"""A per-share block ("Earnings per common share - basic:"): the rows below it repeat the lines'
names with amounts per share, not the lines themselves."""
_EXCEPT_RE = re.compile(r"\bexcept\b", re.I)
"""The unit line "(in millions, except per share data)" names per-share amounts but starts no block."""
HOME_HITS = 30
"""How many of the lookup's hits under the statement are read, best first."""
LOOKUP_HITS = 100
"""How deep the lookup's retrieval goes (a statement's rows rank below notes that repeat their words)."""


def _plain(measure: str) -> str:
    return " ".join(re.sub(r"[^\w&'\s-]", " ", measure.lower()).replace("-", " ").split())


def home_heading(measure: str) -> re.Pattern[str] | None:
    """The heading pattern of the statement that reports `measure`, or None for another line."""
    plain = _plain(measure)
    for pattern, statement in HOME_STATEMENTS:
        if pattern.match(plain):
            return STATEMENTS[statement][1]
    return None


def in_home_statement(measure: str, passage: Passage) -> bool:
    """Whether `passage` is a table of the primary statement that reports `measure`."""
    heading = home_heading(measure)
    context = passage.context
    return (
        heading is not None
        and passage.kind == "table"
        and bool(heading.search(context))
        and is_primary_statement(context)
    )


def label_fit(label: str, measure: str) -> tuple[float, float, float]:
    """(share of the measure's words the label names, share of the label's words that name the measure,
    share of the measure's words the label prints as they are); "total" counts on neither side.

    A word is named by itself or by at least half of its finance expansion ("net income" by "Net
    earnings"); the second share prefers "Net earnings" to "Other income/(loss), net" for "net income",
    the third "Total revenues" to "Net sales" for "revenue"."""
    words = [t for t in tokenize(measure) if not t[0].isdigit() and t != "total"]
    label_words = [t for t in tokenize(label) if not t[0].isdigit() and t != "total"]
    if not words or not label_words:
        return 0.0, 0.0, 0.0
    groups = expansion_groups(measure)
    present = set(label_words)

    def named(t: str) -> bool:
        alt = groups.get(t)
        return t in present or (bool(alt) and sum(a in present for a in alt) >= 0.5 * len(alt))

    naming = set(words).union(*groups.values()) if groups else set(words)
    covered = sum(named(t) for t in words) / len(words)
    precision = sum(t in naming for t in label_words) / len(label_words)
    return covered, precision, sum(t in present for t in words) / len(words)


def _by_position(p: Passage, line: str, matches: list[re.Match[str]], year: int) -> re.Match[str] | None:
    """The row's value for `year` by its place among the row's trailing values when they are exactly one
    per column and the year heads one column only: "Total net revenues 6,489 7,500 7,017" gives 7,500
    under the second of three columns; None otherwise (a percent beside each amount, a value in the label)."""
    xs = sorted(x for _, x in p.columns)
    years = [y for y, _ in sorted(p.columns, key=lambda c: c[1])]
    if years.count(year) != 1:
        return None
    run = [matches[-1]]
    for m in reversed(matches[:-1]):
        if re.search(r"[^\W\d_]", line[m.end() : run[0].start()]):
            break  # words between two values: the earlier one is in the label
        run.insert(0, m)
    if len(run) != len(xs):
        return None  # a percent column beside each amount, a value in the label: read by x instead
    return run[years.index(year)]


def statement_row(measure: str, hits: list[Hit], year: int, question: str) -> Candidate | None:
    """The value of `measure` in `year` read from the row of its primary statement whose label names it
    best (every word of it, then the fewest other words), under that year's column; None when no row of
    the statement's tables among `hits` names it."""
    span = question_span(question)
    if span not in (None, "12m"):
        return None  # a quarter, a half, year to date: not the year a statement's column reports
    per_share = bool(_PER_SHARE_RE.search(measure))
    best: tuple[tuple[float, float, int], Candidate] | None = None
    tables = [h.passage for h in hits if in_home_statement(measure, h.passage)][:HOME_HITS]
    for rank, p in enumerate(tables):
        if not any(y == year for y, _ in p.columns) or other_span(p, [year], [], span):
            continue
        lines = p.text.split("\n")
        start = 0
        for i, line in enumerate(lines):
            line_start, start = start, start + len(line) + 1
            if not per_share and _PER_SHARE_RE.search(line) and not _EXCEPT_RE.search(line):
                break  # this row and those below it are amounts per share
            matches = values_in_line(line, "number", False)
            if not matches:
                continue
            covered, precision, literal = label_fit(line[: matches[0].start()], measure)
            if covered < 1.0 or (i + 1 < len(lines) and _GROSS_NEXT_RE.match(lines[i + 1])):
                continue
            key = (precision, literal, -rank)
            if best is not None and key <= best[0]:
                continue
            m = _by_position(p, line, matches, year) or pick_column(p, line_start, matches, [year], [], span)
            if m is None:
                continue
            text = format_amount(m, p, "number", question, line[: m.start()]).strip()
            best = (key, Candidate(text, p, line_start + m.start(), line_start + m.end(), precision))
    return best[1] if best else None


def home_row(
    measure: str, indexes: list[DocIndex], embedder: Embedder | None, year: int, question: str
) -> Candidate | None:
    """`measure` in `year` from the row of its primary statement that names it best, or None (no such
    statement among the retrieved passages, or a line no statement reports)."""
    if home_heading(measure) is None:
        return None
    hits = search(indexes, f"What was {measure} in {year}?", embedder, top_k=LOOKUP_HITS, value_years=[year])
    return statement_row(measure, hits, year, question)
