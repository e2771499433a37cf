"""Answering a question over documents (the work behind qa.answer_question): retrieve, then lift the answer.

The strategies are tried in order: arithmetic over two values (change, growth, ratio), a labelled value
("What is the invoice number?"), the best row of a table ("Which segment had the highest revenue?"),
then a value or sentence from the retrieved passages. Below a calibrated evidence threshold the answer is
"not found in the document" rather than a confident guess. An answer cites only passages that hold it;
other top-ranked pages come back as `also_retrieved`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from docai.document import Document, Page
from docai.engines.base import BlobCache
from docai.engines.text import embeddings as emb
from docai.engines.text.matching import SemanticMatcher
from docai.engines.text.qa_citations import page_key, retrieved_only, split_citations
from docai.engines.text.qa_fields import answer_field
from docai.engines.text.qa_find import (
    Candidate,
    QuestionKind,
    asks_reason,
    best_sentence,
    classify_question,
    find_value,
    span_refused,
)
from docai.engines.text.qa_format import in_asked_scale
from docai.engines.text.qa_rows import with_table_rows
from docai.engines.text.qa_spans import with_spans
from docai.engines.text.qa_values import span_bbox
from docai.engines.text.retrieval import (
    DocIndex,
    Hit,
    expansion_groups,
    load_or_build_index,
    passage_index_text,
    question_terms,
    save_grown,
    search,
    tokenize,
)
from docai.options import Options
from docai.results import Answer, Citation

_log = logging.getLogger(__name__)

__all__ = ["NOT_FOUND", "Candidate", "QuestionKind", "answer_uncached", "classify_question"]

NOT_FOUND = "Not found in the document."
FIELD_PAGES = 3
PAGE_PASSAGE_WEIGHTS = (1.0, 0.5, 0.25)  # a page's score: its best passages' scores, weighted in order
# Evidence thresholds, calibrated on the 72 FinanceBench questions against 14 questions about absent things
# asked of 10 of its filings (see the report): idf-weighted shares of the question's terms.
MIN_CORPUS_COVERAGE = 0.6  # ... found anywhere in the documents
MIN_PAGE_COVERAGE = 0.25  # ... found on the best page


def rank_pages(hits: list[Hit]) -> list[tuple[Hit, float]]:
    """Distinct (document, page) pairs, best first, each with its best hit.

    A page scores its best passage plus half its second best and a quarter of its third: a page that
    holds the question in several passages (a schedule and its caption, a note's text and its table) is
    more likely the evidence than one with a single strong line.
    """
    pages: dict[tuple[str, int], list[Hit]] = {}
    for h in hits:
        pages.setdefault((h.passage.doc_id, h.passage.page_no), []).append(h)
    ranked = []
    for group in pages.values():
        scores = sorted((h.score for h in group), reverse=True)
        ranked.append((group[0], sum(w * s for w, s in zip(PAGE_PASSAGE_WEIGHTS, scores, strict=False))))
    ranked.sort(key=lambda t: -t[1])
    return ranked


def coverage(hits: list[Hit], indexes: list[DocIndex]) -> tuple[float, float]:
    """(share of the question's own terms anywhere in the corpus, share on the best page), idf-weighted.

    Expansion terms are not asked for: they only stand in for the term they expand, which counts as
    present where at least half of its expansion is ("capex" on a page that says "purchases of property
    and equipment").
    """
    if not hits:
        return 0.0, 0.0
    question = hits[0].question
    own_weights = question_terms(question) if question else {}
    terms = {t: w for t, w in hits[0].terms.items() if own_weights.get(t, 1.0) >= 1.0}
    groups = expansion_groups(question) if question else {}
    total = sum(terms.values()) or 1.0

    def covered(term: str, has: Callable[[str], bool]) -> bool:
        if has(term):
            return True
        alt = groups.get(term)
        return bool(alt) and sum(has(t) for t in alt) >= 0.5 * len(alt)

    def in_corpus(t: str) -> bool:
        return any(ix.passage_terms.df(t) for ix in indexes)

    corpus = sum(w for t, w in terms.items() if covered(t, in_corpus)) / total
    best = rank_pages(hits)[0][0].passage
    present: set[str] = set()
    for ix in indexes:
        if ix.doc_id == best.doc_id:
            for p in ix.passages:
                if p.page_no == best.page_no:
                    present.update(tokenize(passage_index_text(p)))
    page = sum(w for t, w in terms.items() if covered(t, present.__contains__)) / total
    return corpus, page


def is_supported(corpus_coverage: float, page_coverage: float) -> bool:
    """Whether the documents carry enough of the question to answer it at all."""
    return corpus_coverage >= MIN_CORPUS_COVERAGE and page_coverage >= MIN_PAGE_COVERAGE


def answer_uncached(
    documents: list[Document], question: str, options: Options, cache: BlobCache | None
) -> tuple[Answer, str | None]:
    """The answer to a checked question, and the embedding model its ranking used."""
    notes: list[str] = []
    embedder = _embedder(options, notes)
    answer = _answer(documents, question, options, cache, embedder, notes)
    return answer, embedder.name if embedder else None


def _answer(
    documents: list[Document],
    question: str,
    options: Options,
    cache: BlobCache | None,
    embedder: emb.Embedder | None,
    notes: list[str],
) -> Answer:
    # the pages read while indexing stay at hand for a field lookup (a scan is not OCR'd twice)
    documents = [dataclasses.replace(d, load_page=_recent_pages(d.load_page), closer=None) for d in documents]
    stored = _indexes(documents, options, cache, embedder, notes)
    # statement rows cut off from their table; the span (quarter, year) printed over each year column
    indexes = [with_spans(with_table_rows(ix)) for ix in stored]
    answer = Answer(question=question, text=NOT_FOUND, found=False, engine="text", notes=notes)
    if not any(ix.passages for ix in indexes):
        notes.append("the documents have no text (a scan without OCR?)")
        return answer
    started = time.perf_counter()
    kind = classify_question(question)
    value_years = kind.years if kind.kind in ("number", "percent") else None  # [] for a value, no year
    hits = search(indexes, question, embedder, value_years=value_years)
    _save_grown(stored, indexes, cache)  # vectors made for this question are kept for the next
    _log.debug("%d hits in %.3f s", len(hits), time.perf_counter() - started)
    pages = rank_pages(hits)
    scores = {page_key(h.passage): s for h, s in pages}
    from docai.engines.text.qa_compute import answer_arithmetic
    from docai.engines.text.qa_metric_answer import answer_metric
    from docai.engines.text.qa_yesno import answer_yes_no

    computed = None
    if not asks_reason(question):  # "what drove the margin change" wants the explanation, not the margin
        computed = answer_metric(question, indexes, embedder)
        computed = computed or answer_arithmetic(question, indexes, embedder)
        computed = computed or answer_yes_no(question, indexes, embedder)
    if computed is not None:
        answer.text, answer.found, answer.score = computed.text, True, computed.score
        answer.reasoning = computed.working
        answer.citations = computed.citations
        answer.also_retrieved = _also(hits, scores, answer.citations)
        notes.append(f"computed: {computed.working}")
        return answer
    if _answer_from_layout(answer, question, documents, indexes, pages, options):
        answer.also_retrieved = _also(hits, scores, answer.citations)
        return answer
    return _answer_from_passages(answer, question, hits, pages, indexes)


def _save_grown(stored: list[DocIndex], views: list[DocIndex], cache: BlobCache | None) -> None:
    """Vectors grown on the views (they share the arrays) are saved with the indexes as built."""
    for ix, view in zip(stored, views, strict=True):
        ix.grown = ix.grown or view.grown
        view.grown = False
    save_grown(stored, cache)


def _embedder(options: Options, notes: list[str]) -> emb.Embedder | None:
    if not options.embeddings:
        notes.append("embeddings turned off: ranked with BM25 only")
        return None
    embedder = emb.get_embedder()
    if embedder is None:
        notes.append(f"embeddings unavailable ({emb.embedding_status()[1]}): ranked with BM25 only")
    return embedder


def _indexes(
    documents: list[Document],
    options: Options,
    cache: BlobCache | None,
    embedder: emb.Embedder | None,
    notes: list[str],
) -> list[DocIndex]:
    indexes: list[DocIndex] = []
    for doc in documents:
        ix, built = load_or_build_index(doc, options, cache, embedder)
        if built:
            notes.append(f"indexed {doc.name}: {ix.page_count} pages, {len(ix.passages)} passages")
        if embedder is not None and ix.embedded is not None:
            notes.append(f"{doc.name}: {len(ix.passages)} passages: embedded BM25's candidates only")
        indexes.append(ix)
    return indexes


def _also(hits: list[Hit], scores: dict[tuple[str, int], float], cited: list[Citation]) -> list[Citation]:
    """Top pages not among the citations (matched by document name and page)."""
    taken = {(c.document, c.page_no) for c in cited}
    return [c for c in retrieved_only(hits, scores) if (c.document, c.page_no) not in taken]


def _answer_from_layout(
    answer: Answer,
    question: str,
    documents: list[Document],
    indexes: list[DocIndex],
    pages: list[tuple[Hit, float]],
    options: Options,
) -> bool:
    """A labelled value or the best row of a table, cited by its box; False when neither answers."""
    field = answer_field(question, _field_pages(documents, pages), _matcher(options))
    if field is not None:
        answer.text, answer.found, answer.score = field.text, True, round(field.confidence, 3)
        answer.citations = [
            Citation(field.page_no, field.doc.name, field.bbox, field.context or field.text, 1.0)
        ]
        answer.notes.append("answered from a labelled value")
        return True
    from docai.engines.text.qa_superlative import answer_superlative

    row = answer_superlative(question, indexes)
    if row is None:
        return False
    rp = row.passage
    answer.text, answer.found, answer.score = row.label, True, 0.7
    answer.citations = [Citation(rp.page_no, rp.doc_name, span_bbox(rp, row.start, row.end), rp.text, 1.0)]
    answer.notes.append(f"compared the rows of a table on p. {rp.page_no}: {row.label} has {row.value:g}")
    return True


def _answer_from_passages(
    answer: Answer,
    question: str,
    hits: list[Hit],
    pages: list[tuple[Hit, float]],
    indexes: list[DocIndex],
) -> Answer:
    """A value or sentence lifted from the retrieved passages, or "not found" on weak evidence."""
    notes = answer.notes
    scores = {page_key(h.passage): s for h, s in pages}
    top = pages[0][0].passage if pages else None
    closest = f" (closest: {top.doc_name} p. {top.page_no})" if top else ""
    corpus_cov, page_cov = coverage(hits, indexes)
    if not is_supported(corpus_cov, page_cov):
        # no citations: pages cited under "not found" would read as evidence; the closest one goes to notes
        answer.score = round(min(corpus_cov, page_cov), 3)
        notes.append(
            f"weak evidence: {corpus_cov:.0%} of the question's terms in the documents, "
            f"{page_cov:.0%} on the best page{closest}"
        )
        return answer
    kind = classify_question(question)
    candidate = find_value(hits, kind, scores) if kind.kind != "sentence" else None
    if candidate is None and kind.kind in ("date", "year"):
        # a sentence without a date does not answer "when": say so, and point at the closest page
        notes.append("no date in the passages about the question" + closest)
        return answer
    if candidate is None and kind.kind in ("number", "percent") and span_refused(hits, kind):
        asked = ", ".join(map(str, kind.years))
        notes.append(f"the pages about the question print {asked} only for a shorter or longer period")
        return answer
    if candidate is None:
        candidate = best_sentence(hits, scores)
        kind = dataclasses.replace(kind, kind="sentence")
    if candidate is None:
        return answer
    # an amount in the scale the question asks for ("Answer in USD billions"), as printed otherwise
    answer.text, answer.found = in_asked_scale(candidate.text, question), True
    answer.score = round(min(1.0, 0.5 * corpus_cov + 0.5 * page_cov), 3)
    answer.citations, answer.also_retrieved = _citations(candidate, kind.kind, hits, scores)
    return answer


def _citations(
    candidate: Candidate, kind: str, hits: list[Hit], scores: dict[tuple[str, int], float]
) -> tuple[list[Citation], list[Citation]]:
    """The answer's own passage first (boxed to the value), then other pages that hold the answer."""
    p = candidate.passage
    top = max(scores.values(), default=0.0)
    own = scores.get(page_key(p), 0.0)
    first = Citation(
        p.page_no,
        p.doc_name,
        span_bbox(p, candidate.start, candidate.end),
        p.text,
        round(own / top, 3) if top else None,
    )
    return split_citations(first, page_key(p), candidate.text, kind, hits, scores)


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
    if not options.semantic or not options.embeddings:
        return None
    from docai.engines.text.shared_matcher import shared_matcher

    return shared_matcher()
