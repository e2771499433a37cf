"""Question answering for the text engine: retrieve passages, then lift the supporting value or sentence.

Value questions (how much, what was X in 2023, when, which year) get the value itself: a number with its
currency and unit, picked from the table column whose header year the question names, or a date or year.
Other questions get the best supporting sentence. Below a calibrated evidence threshold the answer is
"not found in the document" rather than a confident guess.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from docai.document import Document, Page
from docai.engines.base import BlobCache
from docai.engines.text import embeddings as emb
from docai.engines.text.index_embeddings import save_grown
from docai.engines.text.matching import SemanticMatcher
from docai.engines.text.passages import Passage
from docai.engines.text.qa_fields import answer_field
from docai.engines.text.qa_values import pick_column, span_bbox, values_in_line
from docai.engines.text.retrieval import (
    DocIndex,
    Hit,
    load_or_build_index,
    passage_index_text,
    search,
    tokenize,
)
from docai.errors import InputError
from docai.options import Options
from docai.results import Answer, Citation
from docai.values import parse_date, parse_number

_log = logging.getLogger(__name__)

NOT_FOUND = "Not found in the document."
MAX_CITATIONS = 3
FIELD_PAGES = 3
VALUE_LOOKUP_HITS = 8
# Evidence thresholds, calibrated on the 72 FinanceBench questions against 14 questions about absent things
# asked of 10 of its filings (see the report): idf-weighted shares of the question's terms.
MIN_CORPUS_COVERAGE = 0.6  # ... found anywhere in the documents
MIN_PAGE_COVERAGE = 0.25  # ... found on the best page

_YEAR_Q_RE = re.compile(r"\b(?:FY\s?'?)?((?:19|20)\d{2})\b|\bFY\s?'?(\d{2})\b", re.IGNORECASE)
_DATE_RE = re.compile(
    r"\b(?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?\d{4}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
)
# a sentence ends at . ! ? followed by a space or the end (so "$13.2 billion" stays whole), or at 。！？
_SENTENCE_RE = re.compile(r"(?:[^.!?。！？]|[.!?](?!\s|$))+(?:[.!?。！？]+|$)")
_LINE_RE = re.compile(r"[^\n]+")
MAX_SENTENCE_CHARS = 400


@dataclass
class QuestionKind:
    kind: str  # "number", "percent", "date", "year" or "sentence"
    years: list[int]


def classify_question(question: str) -> QuestionKind:
    """What sort of answer the question wants, and the years it names (FY22 -> 2022)."""
    q = question.strip().lower()
    years = []
    for m in _YEAR_Q_RE.finditer(question):
        years.append(int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)))
    if re.match(r"^(is|are|was|were|does|do|did|has|have|had|can|will|should)\b", q):
        return QuestionKind("sentence", years)
    if re.search(r"\bwhen\b|\bdated?\b|何时|什么时候|哪天|日期", q):
        return QuestionKind("date", years)
    if re.search(r"\b(which|what|in what) year\b|哪一年|哪年", q):
        return QuestionKind("year", years)
    if re.search(r"percent|%|\bmargin\b|\brate\b|\bratio\b|百分比|比例|增长率", q):
        return QuestionKind("percent" if "ratio" not in q else "number", years)
    if re.search(
        r"how (much|many)|\bamount\b|\btotal\b|\bvalue\b|\bnumber of\b|revenue|sales|income|\bcost|expense|"
        r"profit|earnings|\beps\b|dividend|\bcash\b|assets|liabilit|\bdebt\b|capex|capital expenditure|"
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


def _format_value(m: re.Match[str], passage: Passage, kind: str) -> str:
    cur = (m.group("cur") or "").strip()
    suf = (m.group("suf") or "").strip()
    text = f"{cur}{m.group('num')}"
    if suf:
        text += suf if suf in ("%", "亿元", "万元", "元", "亿", "万") else f" {suf}"
    elif passage.unit and kind == "number" and passage.kind == "table" and parse_number(m.group("num")):
        text += f" {passage.unit[:-1] if passage.unit.endswith('s') else passage.unit}"
    return text


def _label_precision(terms: dict[str, float], label: str) -> float:
    """Share of a row label's words that the question uses: 'Total assets' beats 'Total current assets'."""
    words = [t for t in tokenize(label) if not t[0].isdigit()]
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


def find_value(hits: list[Hit], kind: QuestionKind) -> Candidate | None:
    """The best value in the top passages: in the row or sentence most about the question's terms, the
    value under the asked year's column (tables) or nearest those terms (prose)."""
    if not hits:
        return None
    terms = _content_terms(hits[0].terms)
    total = sum(terms.values()) or 1.0
    top = max(h.score for h in hits) or 1.0
    best: Candidate | None = None
    for rank, hit in enumerate(hits[:VALUE_LOOKUP_HITS]):
        p = hit.passage
        context_overlap = _term_overlap(terms, p.context) / total
        for unit_start, unit in _units(p):
            if kind.kind == "date":
                found = [(m.start(), m.end(), m.group(0)) for m in _DATE_RE.finditer(unit)]
                found = [f for f in found if parse_date(f[2]) or "年" in f[2]]
            elif kind.kind == "year":
                found = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\b(?:19|20)\d{2}\b", unit)]
            else:
                matches = values_in_line(unit, kind.kind)
                if not matches:
                    continue
                chosen = [pick_column(p, unit_start, matches, kind.years)] if p.kind == "table" else matches
                found = [(m.start(), m.end(), _format_value(m, p, kind.kind)) for m in chosen]
            if not found:
                continue
            pick = _nearest(found, _term_positions(terms, unit))
            score = _term_overlap(terms, unit) / total + 0.2 * context_overlap + 0.3 * hit.score / top
            if p.kind == "table":
                score += 0.3 * _label_precision(terms, unit[: pick[0]])
            score -= 0.02 * rank
            if best is None or score > best.score:
                s_, e_, text = pick
                best = Candidate(text.strip(), p, unit_start + s_, unit_start + e_, score)
    return best


def best_sentence(hits: list[Hit]) -> Candidate | None:
    """The sentence of the top passages that holds most of the question's terms."""
    if not hits:
        return None
    terms = _content_terms(hits[0].terms) or hits[0].terms
    total = sum(terms.values()) or 1.0
    top = max(h.score for h in hits) or 1.0
    best: Candidate | None = None
    for rank, hit in enumerate(hits[:VALUE_LOOKUP_HITS]):
        pattern = _LINE_RE if hit.passage.kind == "table" else _SENTENCE_RE
        for m in pattern.finditer(hit.passage.text):
            sentence = " ".join(m.group(0).split())[:MAX_SENTENCE_CHARS]
            if len(sentence) < 3:
                continue
            score = _term_overlap(terms, sentence) / total + 0.4 * hit.score / top - 0.02 * rank
            if best is None or score > best.score:
                best = Candidate(sentence, hit.passage, m.start(), m.end(), score)
    return best


def rank_pages(hits: list[Hit]) -> list[tuple[Hit, float]]:
    """Distinct (document, page) pairs, best first, each with its best hit.

    A page scores its best passage plus a fifth of its second best.
    """
    pages: dict[tuple[str, int], list[Hit]] = {}
    for h in hits:
        pages.setdefault((h.passage.doc_id, h.passage.page_no), []).append(h)
    ranked = []
    for group in pages.values():
        scores = sorted((h.score for h in group), reverse=True)
        ranked.append((group[0], scores[0] + 0.2 * sum(scores[1:2])))
    ranked.sort(key=lambda t: -t[1])
    return ranked


def coverage(hits: list[Hit], indexes: list[DocIndex]) -> tuple[float, float]:
    """(share of the question's terms anywhere in the corpus, share on the best page)."""
    if not hits:
        return 0.0, 0.0
    terms = hits[0].terms
    total = sum(terms.values()) or 1.0
    corpus = sum(w for t, w in terms.items() if any(ix.passage_terms.df(t) for ix in indexes)) / total
    best = rank_pages(hits)[0][0].passage
    present: set[str] = set()
    for ix in indexes:
        if ix.doc_id == best.doc_id:
            for p in ix.passages:
                if p.page_no == best.page_no:
                    present.update(tokenize(passage_index_text(p)))
    page = sum(w for t, w in terms.items() if t in present) / total
    return corpus, page


def is_supported(corpus_coverage: float, page_coverage: float) -> bool:
    """Whether the documents carry enough of the question to answer it at all."""
    return corpus_coverage >= MIN_CORPUS_COVERAGE and page_coverage >= MIN_PAGE_COVERAGE


def answer_question(
    documents: list[Document], question: str, options: Options, cache: BlobCache | None
) -> Answer:
    """Answer `question` from `documents` as one corpus, citing up to three pages."""
    question = (question or "").strip()
    if not question:
        raise InputError("the question is empty")
    if not documents:
        raise InputError("no document to answer from")
    notes: list[str] = []
    embedder = None
    if options.extra.get("embeddings", True):
        embedder = emb.get_embedder()
        if embedder is None:
            notes.append(f"embeddings unavailable ({emb.embedding_status()[1]}): ranked with BM25 only")
    else:
        notes.append("embeddings turned off: ranked with BM25 only")
    # the pages read while indexing stay at hand for a field lookup (a scan is not OCR'd twice)
    documents = [dataclasses.replace(d, load_page=_recent_pages(d.load_page), closer=None) for d in documents]
    indexes: list[DocIndex] = []
    for doc in documents:
        ix, built = load_or_build_index(doc, options, cache, embedder)
        if built:
            notes.append(f"indexed {doc.name}: {ix.page_count} pages, {len(ix.passages)} passages")
        if embedder is not None and ix.embedded is not None:
            notes.append(f"{doc.name}: {len(ix.passages)} passages: embedded BM25's candidates only")
        indexes.append(ix)
    started = time.perf_counter()
    hits = search(indexes, question, embedder)
    save_grown(indexes, cache)  # vectors made for this question are kept for the next
    kind = classify_question(question)
    _log.debug("question kind %s, %d hits in %.3f s", kind, len(hits), time.perf_counter() - started)
    answer = Answer(question=question, text=NOT_FOUND, found=False, engine="text", notes=notes)
    if not any(ix.passages for ix in indexes):
        notes.append("the documents have no text (a scan without OCR?)")
        return answer
    pages = rank_pages(hits)
    field = answer_field(question, _field_pages(documents, pages), _matcher(options))
    if field is not None:
        answer.text = field.text
        answer.found = True
        answer.score = round(field.confidence, 3)
        answer.citations = [
            Citation(field.page_no, field.doc.name, field.bbox, field.context or field.text, 1.0)
        ]
        notes.append("answered from a labelled value")
        return answer
    from docai.engines.text.qa_superlative import answer_superlative

    row = answer_superlative(question, indexes)
    if row is not None:
        rp = row.passage
        answer.text, answer.found, answer.score = row.label, True, 0.7
        answer.citations = [
            Citation(rp.page_no, rp.doc_name, span_bbox(rp, row.start, row.end), rp.text, 1.0)
        ]
        notes.append(f"compared the rows of a table on p. {rp.page_no}: {row.label} has {row.value:g}")
        return answer
    corpus_cov, page_cov = coverage(hits, indexes)
    if not is_supported(corpus_cov, page_cov):
        # no citations: pages cited under "not found" would read as evidence; the closest one goes to notes
        answer.score = round(min(corpus_cov, page_cov), 3)
        top = pages[0][0].passage if pages else None
        closest = f" (closest: {top.doc_name} p. {top.page_no})" if top else ""
        notes.append(
            f"weak evidence: {corpus_cov:.0%} of the question's terms in the documents, "
            f"{page_cov:.0%} on the best page{closest}"
        )
        return answer
    candidate = None
    if kind.kind != "sentence":
        candidate = find_value(hits, kind)
    if candidate is None and kind.kind in ("date", "year"):
        # a sentence without a date does not answer "when": say so, and point at the closest page
        top = pages[0][0].passage if pages else None
        notes.append(
            "no date in the passages about the question"
            + (f" (closest: {top.doc_name} p. {top.page_no})" if top else "")
        )
        return answer
    if candidate is None:
        candidate = best_sentence(hits)
    if candidate is None:
        return answer
    answer.text = candidate.text
    answer.found = True
    answer.score = round(min(1.0, 0.5 * corpus_cov + 0.5 * page_cov), 3)
    answer.citations = _citations(candidate, pages)
    return answer


def _citation(hit: Hit, score: float, pages: list[tuple[Hit, float]]) -> Citation:
    top = pages[0][1] if pages else 1.0
    p = hit.passage
    return Citation(p.page_no, p.doc_name, p.bbox, p.text, round(score / top, 3) if top else None)


def _citations(candidate: Candidate, pages: list[tuple[Hit, float]]) -> list[Citation]:
    """The answer's own page first (boxed to the value), then the next best distinct pages."""
    p = candidate.passage
    score = next((s for h, s in pages if (h.passage.doc_id, h.passage.page_no) == (p.doc_id, p.page_no)), 0.0)
    top = pages[0][1] if pages else 1.0
    first = Citation(
        p.page_no, p.doc_name, span_bbox(p, candidate.start, candidate.end), p.text, round(score / top, 3)
    )
    out = [first]
    for hit, s in pages:
        if len(out) >= MAX_CITATIONS:
            break
        if (hit.passage.doc_id, hit.passage.page_no) == (p.doc_id, p.page_no):
            continue
        out.append(_citation(hit, s, pages))
    return out


def _recent_pages(load: Callable[[int], Page], keep: int = FIELD_PAGES) -> Callable[[int], Page]:
    """`load` remembering the last `keep` pages it built."""
    recent: OrderedDict[int, Page] = OrderedDict()

    def cached(page_no: int) -> Page:
        if page_no in recent:
            recent.move_to_end(page_no)
            return recent[page_no]
        page = load(page_no)
        recent[page_no] = page
        while len(recent) > keep:
            recent.popitem(last=False)
        return page

    return cached


def _field_pages(documents: list[Document], pages: list[tuple[Hit, float]]) -> list[tuple[Document, int]]:
    """Where a labelled value is looked for: the best-ranked pages, then each document's first page."""
    by_id = {d.sha256: d for d in documents}
    out: list[tuple[Document, int]] = []
    seen: set[tuple[str, int]] = set()
    ranked = [(h.passage.doc_id, h.passage.page_no) for h, _ in pages]
    firsts = [(d.sha256, d.page_numbers[0]) for d in documents if d.page_numbers]
    for key in ranked[:FIELD_PAGES] + firsts:
        if key in seen or key[0] not in by_id or len(out) >= FIELD_PAGES:
            continue
        seen.add(key)
        out.append((by_id[key[0]], key[1]))
    return out


def _matcher(options: Options) -> SemanticMatcher | None:
    if options.extra.get("semantic") is False or options.extra.get("embeddings", True) is False:
        return None
    from docai.engines.text.engine import shared_matcher

    return shared_matcher()
