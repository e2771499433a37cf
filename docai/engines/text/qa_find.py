"""Finding the answer inside retrieved passages: what a question asks for, the value or the sentence.

Value questions (how much, what was X in 2023, when, which year) get the value itself: a number with its
currency and unit, picked from the table column whose header year (or quarter) the question names, or a
date or year. Other questions get the best supporting sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from docai.engines.text.passages import Passage
from docai.engines.text.qa_format import format_amount
from docai.engines.text.qa_spans import question_span
from docai.engines.text.qa_values import other_span, pick_column, question_periods, values_in_line
from docai.engines.text.retrieval import Hit, tokenize
from docai.values import parse_date

VALUE_LOOKUP_HITS = 8
W_PAGE_FIT = 0.3  # what a candidate on the first-ranked page gains over one on a page scoring nothing

_YEAR_Q_RE = re.compile(r"\b(?:FY\s?'?)?((?:19|20)\d{2})\b|\bFY\s?'?(\d{2})\b", re.IGNORECASE)
_DATE_RE = re.compile(
    r"\b(?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?\d{4}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
)
# a sentence ends at . ! ? followed by a space or the end (so "$13.2 billion" stays whole), or at 。！？
_SENTENCE_RE = re.compile(r"(?:[^.!?。！？]|[.!?](?!\s|$))+(?:[.!?。！？]+|$)")
_LINE_RE = re.compile(r"[^\n]+")
# a question after the cause of something ("What drove the reduction in SG&A as a percent of sales?") wants
# the sentence that explains it, even when it names a measure: no value is looked up or computed for it
_REASON_RE = re.compile(
    r"^\s*(?:why\b|what (?:drove|drives|caused|causes|led to|leads to|explains|contributed to|were the "
    r"(?:main |primary |key )?(?:reasons?|drivers?|factors?))\b)"
    r"|\b(?:reasons? (?:for|behind)|driven by what)\b",
    re.IGNORECASE,
)
# "How did US sales growth compare to international sales growth?" asks for two values and how they
# stand: no single value answers it
_COMPARE_RE = re.compile(r"^\s*how\s+(?:did|does|do|has|have|is|are|was|were)\b.*\bcompare\b", re.IGNORECASE)
# a question about a length of time: a number of days, weeks, months or years can be its answer
_ASKS_LENGTH_RE = re.compile(
    r"\bhow\s+(?:long|many\s+(?:days|weeks|months|years))\b|\b(?:term|duration|length)\b", re.IGNORECASE
)
MAX_SENTENCE_CHARS = 400
_ASKED_AMOUNT_RE = re.compile(
    r"\bin\s+(?:usd\s+|us\$\s*|\$\s*)?(?:thousands|millions|billions)\b|\bin\s+usd\b"
)


@dataclass
class QuestionKind:
    kind: str  # "number", "percent", "date", "year" or "sentence"
    years: list[int]
    periods: list[str] = field(default_factory=list)  # quarters and halves: "q4", "h1"
    question: str = ""  # the question itself (its words decide a value's currency and sign)


def classify_question(question: str) -> QuestionKind:
    """What sort of answer the question wants, the years it names (FY22 -> 2022) and its quarters."""
    kind = _classify(question)
    kind.periods = question_periods(question)
    kind.question = question
    return kind


def asks_reason(question: str) -> bool:
    """Whether the question asks what caused something (an explanation), not for a value."""
    return _REASON_RE.search(question) is not None


def _classify(question: str) -> QuestionKind:
    q = question.strip().lower()
    years = []
    for m in _YEAR_Q_RE.finditer(question):
        years.append(int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)))
    if asks_reason(question) or _COMPARE_RE.search(question):
        return QuestionKind("sentence", years)
    if re.match(r"^(is|are|was|were|does|do|did|has|have|had|can|will|should)\b", q):
        return QuestionKind("sentence", years)
    if re.search(r"\bwhen\b|\bdated?\b|何时|什么时候|哪天|日期", q):
        return QuestionKind("date", years)
    if re.search(r"\b(which|what|in what) year\b|哪一年|哪年", q):
        return QuestionKind("year", years)
    if re.match(r"^(?:which|who|whom|whose|what (?:kinds?|types?|sorts?) of)\b", q):
        return QuestionKind("sentence", years)  # it asks for a name: a number is never the answer
    if _ASKED_AMOUNT_RE.search(q):  # "Answer in USD billions": an amount, whatever it is of
        return QuestionKind("number", years)
    if re.search(r"percent|%|\bmargin\b|\brate\b|\bratio\b|百分比|比例|增长率", q):
        return QuestionKind("percent" if "ratio" not in q else "number", years)
    if re.search(
        r"how (much|many)|\bamount\b|\btotal\b|\bvalue\b|\bnumber of\b|revenue|sales|income|\bcost|expense|"
        r"profit|earnings|\beps\b|\bebitda\b|\bebit\b|dividend|\bcash\b|assets|liabilit|\bdebt\b|capex|"
        r"capital expenditure|\bpp&e\b|\binventor(?:y|ies)\b|\breceivables?\b|\bpayables?\b|\bgoodwill\b|"
        r"\bdepreciation\b|\bamortization\b|\bborrowings?\b|"
        r"\bprice\b|\bgain\b|\bloss\b|proceeds|\bpaid\b|\bspen[dt]\b|\bworth\b|\bfees?\b|多少|金额|几|收入|利润|总额",
        q,
    ):
        return QuestionKind("number", years)
    return QuestionKind("sentence", years)


@dataclass
class Candidate:
    text: str
    passage: Passage
    start: int
    end: int
    score: float


def _line_offsets(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _term_overlap(terms: dict[str, float], text: str) -> float:
    present = set(tokenize(text))
    return sum(w for t, w in terms.items() if t in present)


def _content_terms(terms: dict[str, float]) -> dict[str, float]:
    return {t: w for t, w in terms.items() if not t[0].isdigit()}


def _label_precision(terms: dict[str, float], label: str) -> float:
    """Share of a row label's words that the question uses: 'Total assets' beats 'Total current assets'.

    'Total' unasked is no extra word: the aggregate row ('Total net sales') is what a question about the
    measure means, more than one of its parts ('Net product sales')."""
    words = [t for t in tokenize(label) if not t[0].isdigit() and (t != "total" or t in terms)]
    if not words:
        return 0.0
    return sum(1 for t in words if t in terms) / len(words)


def _units(p: Passage) -> list[tuple[int, str]]:
    """(offset, text) of a passage's rows (tables) or sentences (prose)."""
    if p.kind == "table":
        return _line_offsets(p.text)
    return [(m.start(), m.group(0)) for m in _SENTENCE_RE.finditer(p.text)]


def _nearest(found: list[tuple[int, int, str]], terms: list[tuple[int, int]]) -> tuple[int, int, str]:
    """The candidate with the smallest gap to a question term; a term after the value counts the gap 1.5
    times, since labels usually come first ('a gain of $4.7 million'). The first candidate without terms."""
    if not terms or len(found) == 1:
        return found[0]

    def gap(f: tuple[int, int, str]) -> float:
        return min(f[0] - e if e <= f[0] else 1.5 * max(0, s - f[1]) for s, e in terms)

    return min(found, key=gap)


def _term_positions(terms: dict[str, float], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\W_]+", text) if any(t in terms for t in tokenize(m.group(0)))]


def _period_fit(p: Passage, unit: str, kind: QuestionKind, about: float, caption_about: float = 0.0) -> float:
    """A bonus for a value read under the year the question asks for: a table column headed by that
    year is the surest place, a sentence that names the year the next. Scaled by `about` (how much of
    the question the row or sentence holds), so a year column does not make an unrelated row an answer;
    a schedule's row named by the year ("2024 1,097 862") is about what its caption says."""
    if not kind.years:
        return 0.0
    if p.kind == "table" and any(y in kind.years for y, _ in p.columns):
        return 0.3 * about
    if p.kind == "table" and unit.split(" ", 1)[0] in {str(y) for y in kind.years}:
        return 0.3 * max(about, caption_about)
    if any(str(y) in unit for y in kind.years):
        return 0.15 * about
    return 0.0


def _page_fit(page_scores: dict[tuple[str, int], float] | None) -> Callable[[Passage], float]:
    """A passage's page score over the best page's (0 without page scores): a candidate on the page
    ranked first is preferred to an equal one on a page with a single matching line."""
    if not page_scores:
        return lambda p: 0.0
    top = max(page_scores.values()) or 1.0
    return lambda p: page_scores.get((p.doc_id, p.page_no), 0.0) / top


def find_value(
    hits: list[Hit], kind: QuestionKind, page_scores: dict[tuple[str, int], float] | None = None
) -> Candidate | None:
    """The best value in the top passages: in the row or sentence most about the question's terms, the
    value under the asked year's column (tables) or nearest those terms (prose); `page_scores` (by
    document and page) add W_PAGE_FIT for the candidate's page rank."""
    if not hits:
        return None
    terms = _content_terms(hits[0].terms)
    total = sum(terms.values()) or 1.0
    top = max(h.score for h in hits) or 1.0
    page_fit = _page_fit(page_scores)
    span = question_span(kind.question) if kind.years else None
    lengths = _ASKS_LENGTH_RE.search(kind.question) is not None
    best: Candidate | None = None
    rank = -1
    for hit in hits:
        p = hit.passage
        if other_span(p, kind.years, kind.periods, span):
            continue  # a quarter's table for a year's question: it takes no place among the hits read
        rank += 1
        if rank >= VALUE_LOOKUP_HITS:
            break
        context_overlap = _term_overlap(terms, f"{p.context} {p.caption}") / total
        caption_about = _term_overlap(terms, p.caption) / total if p.caption else 0.0
        for unit_start, unit in _units(p):
            if kind.kind == "date":
                found = [(m.start(), m.end(), m.group(0)) for m in _DATE_RE.finditer(unit)]
                found = [f for f in found if parse_date(f[2]) or "年" in f[2]]
            elif kind.kind == "year":
                found = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\b(?:19|20)\d{2}\b", unit)]
            else:
                matches = values_in_line(unit, kind.kind, lengths)
                if not matches:
                    continue
                if p.kind == "table":
                    column = pick_column(p, unit_start, matches, kind.years, kind.periods, span)
                    chosen = [column] if column is not None else []
                else:
                    chosen = matches
                found = [
                    (m.start(), m.end(), format_amount(m, p, kind.kind, kind.question, unit[: m.start()]))
                    for m in chosen
                ]
            if not found:
                continue
            pick = _nearest(found, _term_positions(terms, unit))
            about = _term_overlap(terms, unit) / total
            score = about + 0.2 * context_overlap + 0.3 * hit.score / top + W_PAGE_FIT * page_fit(p)
            if p.kind == "table":
                label_fit = _label_precision(terms, unit[: pick[0]])
                score += 0.3 * label_fit
                about = max(about, label_fit)  # a row named by the question's (or its expansion's) words
            score += _period_fit(p, unit, kind, about, caption_about)
            score -= 0.02 * rank
            if best is None or score > best.score:
                s_, e_, text = pick
                best = Candidate(text.strip(), p, unit_start + s_, unit_start + e_, score)
    return best


def span_refused(hits: list[Hit], kind: QuestionKind) -> bool:
    """Whether a top passage prints the asked year only for another span (a quarter's table for a
    year's question): a sentence from it would be that span's value, not the answer."""
    span = question_span(kind.question) if kind.years else None
    return any(other_span(h.passage, kind.years, kind.periods, span) for h in hits[:VALUE_LOOKUP_HITS])


def best_sentence(
    hits: list[Hit], page_scores: dict[tuple[str, int], float] | None = None
) -> Candidate | None:
    """The sentence of the top passages that holds most of the question's terms (and, with
    `page_scores`, sits on a well-ranked page)."""
    if not hits:
        return None
    terms = _content_terms(hits[0].terms) or hits[0].terms
    total = sum(terms.values()) or 1.0
    top = max(h.score for h in hits) or 1.0
    page_fit = _page_fit(page_scores)
    best: Candidate | None = None
    for rank, hit in enumerate(hits[:VALUE_LOOKUP_HITS]):
        pattern = _LINE_RE if hit.passage.kind == "table" else _SENTENCE_RE
        for m in pattern.finditer(hit.passage.text):
            sentence = " ".join(m.group(0).split())[:MAX_SENTENCE_CHARS]
            if len(sentence) < 3:
                continue
            score = _term_overlap(terms, sentence) / total + 0.4 * hit.score / top - 0.02 * rank
            score += W_PAGE_FIT * page_fit(hit.passage)
            if best is None or score > best.score:
                best = Candidate(sentence, hit.passage, m.start(), m.end(), score)
    return best
