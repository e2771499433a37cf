"""Which retrieved passages an answer may cite: only those that hold the answer's value or span.

Retrieval ranks passages by how much they are about the question; a passage about net income does not
support an employee count just because it ranked second. A citation is kept only when its passage
contains the answer (the same number, the same date or year, or the answer sentence itself); the other
high-ranked pages are returned apart, as "also retrieved", so a reader can still look at them.
"""

from __future__ import annotations

import re

from docai.engines.text.passages import Passage
from docai.engines.text.qa_values import VALUE_RE, span_bbox
from docai.engines.text.retrieval import Hit
from docai.results import Citation
from docai.values import parse_number

MAX_CITATIONS = 3
MAX_ALSO_RETRIEVED = 3


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%.]+", " ", text.lower()).split())


def answer_numbers(answer: str) -> set[float]:
    """The magnitudes of the numbers an answer states (signs and brackets aside)."""
    out = set()
    for m in VALUE_RE.finditer(answer):
        value = parse_number(m.group("num").strip("()-"))
        if value is not None:
            out.add(abs(value))
    return out


def support_span(passage: Passage, answer: str, kind: str) -> tuple[int, int] | None:
    """Where in `passage.text` the answer is: its number (value kinds) or its text; None if absent."""
    if kind in ("number", "percent"):
        wanted = answer_numbers(answer)
        for m in VALUE_RE.finditer(passage.text):
            value = parse_number(m.group("num").strip("()-"))
            if value is not None and abs(value) in wanted:
                return m.start("num"), m.end("num")
        return None
    needle = answer.strip().rstrip(".")
    if not needle:
        return None
    at = passage.text.find(needle)
    if at >= 0:
        return at, at + len(needle)
    flat = " ".join(passage.text.split())
    if _norm(needle) and _norm(needle) in _norm(flat):
        return 0, len(passage.text)
    return None


def page_key(p: Passage) -> tuple[str, int]:
    return p.doc_id, p.page_no


def by_page_rank(hits: list[Hit], page_scores: dict[tuple[str, int], float]) -> list[Hit]:
    """`hits` with the best-ranked page's passages first (passage order kept within a page): the pages
    cited or shown as also retrieved follow the page ranking, not the single best passage of each."""
    return sorted(hits, key=lambda h: -page_scores.get(page_key(h.passage), h.score))


def _relative(score: float, top: float) -> float | None:
    return round(score / top, 3) if top else None


def split_citations(
    first: Citation,
    first_key: tuple[str, int],
    answer: str,
    kind: str,
    hits: list[Hit],
    page_scores: dict[tuple[str, int], float],
) -> tuple[list[Citation], list[Citation]]:
    """(citations, also retrieved): `first` (the answer's own passage), then other pages whose passages
    hold the answer; the remaining top pages go to the second list."""
    top = max(page_scores.values(), default=0.0)
    cited, also = [first], []
    seen = {first_key}
    hits = by_page_rank(hits, page_scores)
    for hit in hits:
        p = hit.passage
        key = page_key(p)
        span = support_span(p, answer, kind)
        if span is not None and key not in seen and len(cited) < MAX_CITATIONS:
            seen.add(key)
            score = _relative(page_scores.get(key, hit.score), top)
            cited.append(Citation(p.page_no, p.doc_name, span_bbox(p, *span), p.text, score))
    for hit in hits:
        key = page_key(hit.passage)
        if key in seen or len(also) >= MAX_ALSO_RETRIEVED:
            continue
        seen.add(key)
        p = hit.passage
        also.append(
            Citation(p.page_no, p.doc_name, p.bbox, p.text, _relative(page_scores.get(key, 0.0), top))
        )
    return cited, also


def retrieved_only(hits: list[Hit], page_scores: dict[tuple[str, int], float]) -> list[Citation]:
    """The top distinct pages as "also retrieved" citations (for answers cited by their own box)."""
    top = max(page_scores.values(), default=0.0)
    out: list[Citation] = []
    seen: set[tuple[str, int]] = set()
    for hit in by_page_rank(hits, page_scores):
        key = page_key(hit.passage)
        if key in seen:
            continue
        seen.add(key)
        p = hit.passage
        out.append(Citation(p.page_no, p.doc_name, p.bbox, p.text, _relative(page_scores.get(key, 0.0), top)))
        if len(out) >= MAX_ALSO_RETRIEVED:
            break
    return out
