"""Superlative questions over a table: "Which segment had the highest revenue?".

The answer is a row label, not a value, and the document rarely uses the question's adjective, so
passage retrieval cannot answer it by word overlap. Here the rows of the tables on pages that speak of
both the entity ("segment") and the measure ("revenue") are compared by their first value (the asked
year's column when the table has year headers), totals left out, and the winning row's label is the
answer, cited with its box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docai.engines.text.passages import Passage
from docai.engines.text.qa_values import pick_column, values_in_line
from docai.engines.text.retrieval import DocIndex, passage_index_text, tokenize
from docai.values import parse_number

_SUPER_RE = re.compile(
    r"^\s*(?:which|what)\s+(?P<entity>[^?]{2,40}?)\s+(?:had|has|have|was|were|is|are|generated|reported|"
    r"recorded|made|earned|showed|posted|contributed)\s+the\s+(?P<dir>highest|largest|biggest|greatest|"
    r"most|top|lowest|smallest|least|weakest)\s+(?P<measure>[^?]+?)\s*[?？]?\s*$",
    re.IGNORECASE,
)
_LOW = {"lowest", "smallest", "least", "weakest"}
_YEAR_RE = re.compile(r"\b((?:19|20)\d{2})\b")
_TOTAL_RE = re.compile(r"\b(?:total|sum|all|overall|group|consolidated|eliminations?)\b", re.IGNORECASE)
MIN_ROWS = 2


@dataclass
class RowAnswer:
    label: str
    passage: Passage
    start: int
    end: int
    value: float


def parse_superlative(question: str) -> tuple[list[str], list[str], bool, list[int]] | None:
    """(entity terms, measure terms, lowest?, years) of a superlative question, or None."""
    m = _SUPER_RE.match(question.strip())
    if m is None:
        return None
    measure = m.group("measure")
    years = [int(y) for y in _YEAR_RE.findall(measure)]
    measure = re.sub(r"\b(?:in|for|during)\s+(?:fy\s*|fiscal\s+(?:year\s+)?)?(?:19|20)\d{2}\b", "", measure)
    entity_terms = [t for t in tokenize(m.group("entity")) if not t[0].isdigit()]
    measure_terms = [t for t in tokenize(measure) if not t[0].isdigit()]
    if not entity_terms or not measure_terms:
        return None
    return entity_terms, measure_terms, m.group("dir").lower() in _LOW, years


def _page_terms(indexes: list[DocIndex]) -> dict[tuple[str, int], set[str]]:
    out: dict[tuple[str, int], set[str]] = {}
    for ix in indexes:
        for p in ix.passages:
            out.setdefault((p.doc_id, p.page_no), set()).update(tokenize(passage_index_text(p)))
    return out


def _rows(p: Passage, years: list[int]) -> list[tuple[str, int, int, float]]:
    """(label, start, end, value) of a table passage's rows that have a label and a number."""
    if not years and p.columns:
        years = [max(y for y, _ in p.columns)]  # unasked, the latest year's column
    out = []
    pos = 0
    for line in p.text.split("\n"):
        matches = values_in_line(line, "number")
        if matches:
            first = matches[0].start()
            label = line[:first].strip(" :·.-–")
            column = pick_column(p, pos, matches, years)
            value = parse_number(column.group("num")) if column is not None else None
            letters = sum(ch.isalpha() for ch in label)
            if letters >= 2 and value is not None and not _TOTAL_RE.search(label):
                out.append((label, pos, pos + len(label), value))
        pos += len(line) + 1
    return out


def answer_superlative(question: str, indexes: list[DocIndex]) -> RowAnswer | None:
    """The row whose value is the highest (or lowest) among the table rows about the question's entity
    and measure; None when the question is not of that form or no table fits."""
    parsed = parse_superlative(question)
    if parsed is None:
        return None
    entity, measure, lowest, years = parsed
    pages = _page_terms(indexes)
    best_group: tuple[float, list[tuple[str, int, int, float]], Passage] | None = None
    for ix in indexes:
        for p in ix.passages:
            if p.kind != "table":
                continue
            present = pages.get((p.doc_id, p.page_no), set())
            need = entity + measure
            share = sum(t in present for t in need) / len(need)
            if share < 1.0:
                continue
            rows = _rows(p, years)
            if len(rows) < MIN_ROWS:
                continue
            # the table whose own text names the measure beats one that only shares a page with it
            own = set(tokenize(p.text + " " + p.context))
            score = sum(t in own for t in need) / len(need) + 0.01 * len(rows)
            if best_group is None or score > best_group[0]:
                best_group = (score, rows, p)
    if best_group is None:
        return None
    _, rows, p = best_group
    label, start, end, value = (min if lowest else max)(rows, key=lambda r: r[3])
    return RowAnswer(label, p, start, end, value)
