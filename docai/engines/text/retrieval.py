"""Retrieval over passages: BM25 (passages and whole pages) plus bonuses, optionally reranked by embeddings.

An index is built once per document and kept through a `BlobCache` as one `.npz` blob (numpy arrays plus a
JSON header; never pickle). Several documents are searched as one corpus: BM25 statistics are summed over
their indexes at query time, so each index stays reusable on its own.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, overload

import numpy as np

from docai.document import Document
from docai.engines.base import BlobCache
from docai.engines.text.embeddings import Embedder
from docai.engines.text.index_embeddings import (
    dense_rerank,
    initial_embeddings,
    passage_index_text,
)
from docai.engines.text.passages import Passage, document_passages
from docai.engines.text.qa_keys import INDEX_VERSION, index_key
from docai.errors import EngineError
from docai.options import Options
from docai.progress import ProgressLog

_log = logging.getLogger(__name__)

K1, B = 1.2, 0.75
# Weights of the normalised signals in the fused passage score. W_DENSE: the embedding reranker (only
# with `embeddings = true`), chosen on FinanceBench's development half (BENCHMARKS.md, fifth session):
# 0.25 changed no answer, 0.5 and 1.0 cost the same one question net, so the option is off by default.
W_BM25, W_PAGE, W_DENSE, W_STATEMENT = 1.0, 0.5, 0.5, 0.6
# A question that asks for a value in a year prefers a table with a column headed by that year.
W_TABLE_YEAR = 0.4

_TOKEN_RE = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+|\b[qh][1-4]\b|\d+(?:[.,]\d+)*|[^\W\d_]+",
    re.UNICODE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_QUARTER_RE = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter\b")
# the country, however written ("U.S.", "US" in capitals, "USA"): one term, so that it is neither the
# stopword "us" nor two dropped letters; "United States" is its expansion
_US_RE = re.compile(r"\bU\.S\.(?:A\.)?|\bU\.S\b|\bUSA?\b")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
STOPWORDS = frozenset(
    """a an the of and or in on at to for from by with as is are was were be been being this that these
    those it its what which who whom whose when where how why do does did has have had not no than then
    there their they them we our us you your he she his her i me my any all each per into over under
    between about shall will would should could can may might must if so such also based give using
    provide shown please question response answer relying details much many""".split()  # noqa: SIM905
)


# Words of how a question is asked, not of what it asks about (FinanceBench-style instructions).
QUESTION_NOISE = frozenset(
    """calculate compute computing approximation approximate reasonable exact possible metric define defined
    round decimal place places information outlined clearly primarily according taking account drawing
    conclusions stated only within help basing answers off want need following abilities best respect
    assume assuming report reported mentioned shown show tell explain state fy company make made get got
    like usd unit units percents formerly known standpoint approach analyst access asked drove
    的 是 在 吗 呢 哪 里 哪里 什么 多少 几 谁 请问 如何 怎么 哪年 哪一年""".split()  # noqa: SIM905
)
# Finance shorthand -> the words statements use for it; expansions count half in the query.
EXPANSIONS: dict[str, str] = {
    "balance sheet": "balance sheets financial position",
    "income statement": "statements of income operations earnings",
    "statement of income": "statements of operations earnings",
    "p&l": "statements of income operations",
    "cash flow statement": "statements of cash flows",
    "statement of cash flows": "cash flows",
    "capex": "capital expenditures purchases of property plant and equipment",
    "capital expenditure": "purchases of property plant and equipment",
    "ppne": "property plant and equipment",
    "pp&e": "property plant and equipment",
    "fixed asset": "property plant and equipment",
    "revenue": "net sales revenues",
    "cogs": "cost of sales cost of goods sold",
    "cost of goods sold": "cost of sales cost of revenue",
    "cost of sales": "cost of goods sold cost of revenue",
    "net income": "net earnings",
    "net earnings": "net income",
    "operating income": "operating profit income from operations",
    "accounts receivable": "receivables",
    "accounts payable": "payables",
    "d&a": "depreciation and amortization",
    "ebitda": "operating income depreciation and amortization",
    "sg&a": "selling general and administrative",
    "eps": "earnings per share",
    "working capital": "total current assets total current liabilities",
    "operating margin": "operating income",
    "gross margin": "gross profit",
    "dpo": "accounts payable cost of sales",
    "dso": "accounts receivable",
    "dio": "inventories cost of sales",
    "inventory turnover": "inventories cost of sales",
    "united states": "usa",
    "营收": "营业收入",
    "净利": "净利润",
}


# A question naming a financial statement prefers the pages that are that statement (by their heading).
STATEMENTS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(r"balance sheet|statement of financial position", re.I),
        re.compile(r"balance sheets?|statements? of financial (position|condition)", re.I),
    ),
    (
        re.compile(r"income statement|statements? of (income|operations|earnings)|p&l|profit and loss", re.I),
        re.compile(r"statements? of (consolidated )?(income|operations|earnings)|income statements?", re.I),
    ),
    (
        re.compile(r"cash ?flow statement|statements? of cash flows?", re.I),
        re.compile(r"statements? of (consolidated )?cash flows", re.I),
    ),
]


# Where standard line items are reported (general accounting, not fitted to a dataset): a value question
# about one of them, naming no statement, prefers that statement's pages a little (W_ITEM_STATEMENT).
ITEM_STATEMENTS: list[tuple[re.Pattern[str], int]] = [
    (
        re.compile(
            r"\b(?:revenues?|net sales|sales|cost of (?:sales|goods sold|revenues?)|gross (?:profit|margin)|"
            r"operating (?:income|expenses|profit|loss)|net (?:income|earnings|loss)|earnings per share|eps|"
            r"ebitda?|interest expense|income tax(?:es)?|sg&a|research and development)\b",
            re.I,
        ),
        1,
    ),
    (
        re.compile(
            r"\b(?:total assets|total liabilities|current assets|current liabilities|inventor(?:y|ies)|"
            r"accounts (?:payable|receivable)|goodwill|(?:share|stock)holders'? equity|long-term debt|"
            r"retained earnings|working capital|property,? plant,? and equipment|pp&e|ppne|fixed assets?|"
            r"cash and (?:cash )?equivalents|marketable securities|short-term investments)\b",
            re.I,
        ),
        0,
    ),
    (
        re.compile(
            r"\b(?:capital expenditures?|capex|purchases? of property|cash (?:provided|used|flows?) |"
            r"depreciation(?: and amortization)?|"
            r"operating activities|investing activities|financing activities|dividends paid|"
            r"free cash flow)\b",
            re.I,
        ),
        2,
    ),
]
W_ITEM_STATEMENT = 0.6

# The title of a primary statement ("Consolidated Statements of Operations", "BALANCE SHEETS") and the words
# that make a heading a note, a schedule or the MD&A's "Statements of Operations Data" instead.
PRIMARY_TITLE = re.compile(
    r"\b(?:(?:consolidated|combined|condensed)\s+){0,2}"
    r"(?:balance\s+sheets?|statements?\s+of\s+(?:consolidated\s+)?"
    r"(?:financial\s+(?:position|condition)|income|operations|earnings|cash\s+flows?)|income\s+statements?)",
    re.I,
)
NOT_PRIMARY = re.compile(
    r"\b(?:note|supplement(?:al|ary)|information|schedule|segment|(?<!share )data|selected|summary|"
    r"following)\b",
    re.I,
)


# An adjusted or non-GAAP measure ("Adjusted EBITDA", "non-GAAP operating income") is never a line of a
# primary statement, which reports GAAP amounts only: it is printed in a reconciliation table elsewhere.
NON_GAAP = re.compile(r"\b(?:adjusted|adj\.|non[- ]?gaap|non[- ]?ifrs|underlying|pro forma)", re.I)


def item_statement_patterns(question: str) -> list[re.Pattern[str]]:
    """Heading patterns of the statements that report the line items a question asks about (none for an
    adjusted or non-GAAP measure)."""
    if NON_GAAP.search(question):
        return []
    return [STATEMENTS[i][1] for item, i in ITEM_STATEMENTS if item.search(question)]


@lru_cache(maxsize=1 << 14)
def is_primary_statement(context: str) -> bool:
    """Whether a passage's page heading is the title of a primary financial statement, not a note's."""
    return PRIMARY_TITLE.search(context) is not None and NOT_PRIMARY.search(context) is None


def named_statements(question: str) -> list[re.Pattern[str]]:
    """Heading patterns of every financial statement the question names ("the income statement and
    the balance sheet")."""
    return [heading for asked, heading in STATEMENTS if asked.search(question)]


def statement_pattern(question: str) -> re.Pattern[str] | None:
    """The heading pattern of the financial statement the question names, if it names one."""
    for asked, heading in STATEMENTS:
        if asked.search(question):
            return heading
    return None


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A light English suffix strip so 'expenditures' meets 'expenditure', 'revenues' meets 'revenue' and
    'operating' meets 'operate': a plural or verb ending, then a final 'e', come off."""
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word[:-2].endswith(("s", "x", "z", "ch", "sh")):
                continue  # "revenues", "sales": only the s is the plural
            word = word[: -len(suffix)] + keep
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


_NOISE_STEMS = frozenset(_stem(w) for w in QUESTION_NOISE)


def tokenize(text: str) -> list[str]:
    """Index terms: CJK as characters and character pairs, other words lowercased and stemmed, numbers."""
    out: list[str] = []
    text = _US_RE.sub(" usa ", text) if "U" in text else text
    text = _QUARTER_RE.sub(lambda m: f"q{_ORDINALS[m.group(1)]}", text.lower())
    for m in _TOKEN_RE.finditer(text):
        tok = m.group(0)
        if _CJK_RE.match(tok):
            out.extend(tok)
            out.extend(tok[i : i + 2] for i in range(len(tok) - 1))
        elif tok[0].isdigit():
            out.append(tok.replace(",", "").rstrip("."))
        elif tok not in STOPWORDS and len(tok) > 1:
            out.append(_stem(tok))
    return out


@dataclass
class Bm25Table:
    """Postings by term (CSR): ids[ptr[t]:ptr[t+1]] are the units holding term t, tf its counts there."""

    vocab: dict[str, int]
    ptr: np.ndarray
    ids: np.ndarray
    tf: np.ndarray
    lengths: np.ndarray

    @classmethod
    def build(cls, units: list[list[str]]) -> Bm25Table:
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, toks in enumerate(units):
            for term, n in Counter(toks).items():
                postings.setdefault(term, []).append((i, n))
        terms = sorted(postings)
        vocab = {t: k for k, t in enumerate(terms)}
        ptr = np.zeros(len(terms) + 1, dtype=np.int64)
        for k, t in enumerate(terms):
            ptr[k + 1] = ptr[k] + len(postings[t])
        ids = np.fromiter((i for t in terms for i, _ in postings[t]), dtype=np.int32, count=int(ptr[-1]))
        tf = np.fromiter((n for t in terms for _, n in postings[t]), dtype=np.float32, count=int(ptr[-1]))
        lengths = np.array([len(u) for u in units], dtype=np.float32)
        return cls(vocab, ptr, ids, tf, lengths)

    def df(self, term: str) -> int:
        k = self.vocab.get(term)
        return 0 if k is None else int(self.ptr[k + 1] - self.ptr[k])

    def scores(self, terms: dict[str, float], avgdl: float) -> np.ndarray:
        """BM25 of every unit for query `terms` (term -> idf weight)."""
        out = np.zeros(len(self.lengths), dtype=np.float32)
        norm = K1 * (1 - B + B * self.lengths / max(avgdl, 1e-6))
        for term, idf in terms.items():
            k = self.vocab.get(term)
            if k is None:
                continue
            ids = self.ids[self.ptr[k] : self.ptr[k + 1]]
            tf = self.tf[self.ptr[k] : self.ptr[k + 1]]
            out[ids] += idf * tf * (K1 + 1) / (tf + norm[ids])
        return out


@dataclass
class DocIndex:
    """Everything needed to search one document, without reopening it."""

    key: str
    doc_id: str
    doc_name: str
    passages: list[Passage]
    passage_terms: Bm25Table
    page_terms: Bm25Table
    page_nos: np.ndarray
    passage_page: np.ndarray  # row in page_nos for each passage
    embeddings: np.ndarray | None
    embed_model: str | None
    build_s: float = 0.0
    page_count: int = 0
    embedded: np.ndarray | None = None
    """Which rows of `embeddings` hold vectors (None: all); long documents fill them per question."""
    grown: bool = False
    """Vectors were added since the index was loaded or built (it should go back to the cache)."""


def build_index(doc: Document, options: Options, embedder: Embedder | None) -> DocIndex:
    """Read every selected page of `doc` once and index its passages."""
    start = time.perf_counter()
    passages: list[Passage] = []
    page_tokens: list[list[str]] = []
    page_nos: list[int] = []
    passage_page: list[int] = []
    progress = ProgressLog(f"reading {doc.name}", len(doc.page_numbers), "pages", every=50)
    passage_tokens: list[list[str]] = []
    for page_passages in _by_page(document_passages(doc)):
        progress.step()
        page_nos.append(page_passages[0].page_no)
        toks: list[str] = []
        contexts: dict[str, list[str]] = {}  # a page's passages share its heading: tokenized once
        for p in page_passages:
            own = tokenize(p.text)
            toks.extend(own)
            if p.context not in contexts:
                contexts[p.context] = tokenize(p.context)
            caption = tokenize(p.caption) if p.caption else []
            passage_tokens.append(contexts[p.context] + caption + own)
            passage_page.append(len(page_nos) - 1)
            passages.append(p)
        page_tokens.append(toks)
    passage_terms = Bm25Table.build(passage_tokens)
    del passage_tokens
    page_terms = Bm25Table.build(page_tokens)
    cap = options.embed_max_passages
    texts = [passage_index_text(p) for p in passages] if embedder is not None else []
    embeddings, embedded = initial_embeddings(texts, embedder, cap, doc.name)
    elapsed = time.perf_counter() - start
    _log.info("indexed %s: %d pages, %d passages in %.1f s", doc.name, len(page_nos), len(passages), elapsed)
    return DocIndex(
        key=index_key(doc, options, embedder.name if embedder else None),
        doc_id=doc.sha256,
        doc_name=doc.name,
        passages=passages,
        passage_terms=passage_terms,
        page_terms=page_terms,
        page_nos=np.array(page_nos, dtype=np.int32),
        passage_page=np.array(passage_page, dtype=np.int32),
        embeddings=embeddings,
        embed_model=embedder.name if embedder else None,
        build_s=elapsed,
        page_count=len(doc.page_numbers),
        embedded=embedded,
    )


def _by_page(passages: Iterable[Passage]) -> Iterator[list[Passage]]:
    """Consecutive passages of one page together, as the pages are read (lazily: a page is loaded only
    when the previous one is done, so progress and memory follow the reading)."""
    for _, group in itertools.groupby(passages, key=lambda p: p.page_no):
        yield list(group)


def _table_arrays(prefix: str, t: Bm25Table) -> dict[str, np.ndarray]:
    return {f"{prefix}_ptr": t.ptr, f"{prefix}_ids": t.ids, f"{prefix}_tf": t.tf, f"{prefix}_len": t.lengths}


def save_grown(indexes: list[DocIndex], cache: BlobCache | None) -> None:
    """Put back into `cache` every index that gained vectors during a search."""
    from docai.engines.text.retrieval import serialize_index

    for ix in indexes:
        if ix.grown and cache is not None:
            cache.put(ix.key, serialize_index(ix))
        ix.grown = False


def serialize_index(ix: DocIndex) -> bytes:
    """One .npz blob: arrays for postings, boxes and embeddings; a JSON header for passages and vocabulary."""
    header = {
        "version": INDEX_VERSION,
        "key": ix.key,
        "doc_id": ix.doc_id,
        "doc_name": ix.doc_name,
        "embed_model": ix.embed_model,
        "build_s": ix.build_s,
        "page_count": ix.page_count,
        "passage_vocab": list(ix.passage_terms.vocab),
        "page_vocab": list(ix.page_terms.vocab),
        "passages": [
            [
                p.page_no,
                p.text,
                list(p.bbox),
                p.kind,
                p.context,
                [list(c) for c in p.columns],
                p.unit,
                [list(c) for c in p.periods],
                p.currency,
                p.caption,
            ]
            for p in ix.passages
        ],
    }
    boxes = [_box_array(p.word_boxes) for p in ix.passages]
    arrays = {
        **_table_arrays("pt", ix.passage_terms),
        **_table_arrays("pg", ix.page_terms),
        "page_nos": ix.page_nos,
        "passage_page": ix.passage_page,
        "word_counts": np.array([len(p.word_boxes) for p in ix.passages], dtype=np.int32),
        "word_boxes": np.concatenate(boxes) if boxes else np.zeros((0, 4), dtype=np.float32),
        "header": np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    }
    if ix.embeddings is not None:
        arrays["embeddings"] = ix.embeddings
    if ix.embedded is not None:
        arrays["embedded"] = ix.embedded
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


class BoxRows(Sequence[tuple[float, float, float, float]]):
    """A passage's word boxes over rows of the index's box array, made into tuples only when read:
    a 500-page filing has some 150,000 of them and a question reads a handful."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, i: int) -> tuple[float, float, float, float]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[float, float, float, float]]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [tuple(r) for r in self.rows[i].tolist()]
        x0, y0, x1, y1 = self.rows[i].tolist()
        return (x0, y0, x1, y1)


def _box_array(boxes: Sequence[tuple[float, float, float, float]]) -> np.ndarray:
    if isinstance(boxes, BoxRows):
        return boxes.rows
    return np.array(boxes, dtype=np.float32).reshape(-1, 4)


def deserialize_index(blob: bytes) -> DocIndex:
    """The inverse of `serialize_index`; EngineError for a blob of another version or a damaged one."""
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        header = json.loads(arrays["header"].tobytes().decode("utf-8"))
    except Exception as e:
        raise EngineError(f"the cached QA index cannot be read: {e}") from None
    if header.get("version") != INDEX_VERSION:
        raise EngineError(f"the cached QA index has format {header.get('version')}, not {INDEX_VERSION}")
    all_boxes = arrays["word_boxes"].reshape(-1, 4)
    offsets = np.concatenate([[0], np.cumsum(arrays["word_counts"])])
    passages = []
    for i, (page_no, text, bbox, kind, context, columns, unit, *rest) in enumerate(header["passages"]):
        word_boxes = BoxRows(all_boxes[offsets[i] : offsets[i + 1]])
        passages.append(
            Passage(
                doc_id=header["doc_id"],
                doc_name=header["doc_name"],
                page_no=page_no,
                text=text,
                bbox=tuple(bbox),
                word_boxes=word_boxes,  # type: ignore[arg-type]
                kind=kind,
                context=context,
                columns=[(int(y), float(x)) for y, x in columns],
                unit=unit,
                periods=[(str(q), float(x)) for q, x in (rest[0] if rest else [])],
                currency=rest[1] if len(rest) > 1 else None,
                caption=rest[2] if len(rest) > 2 else "",
            )
        )

    def table(prefix: str, vocab: list[str]) -> Bm25Table:
        return Bm25Table(
            {t: k for k, t in enumerate(vocab)},
            arrays[f"{prefix}_ptr"],
            arrays[f"{prefix}_ids"],
            arrays[f"{prefix}_tf"],
            arrays[f"{prefix}_len"],
        )

    return DocIndex(
        key=header["key"],
        doc_id=header["doc_id"],
        doc_name=header["doc_name"],
        passages=passages,
        passage_terms=table("pt", header["passage_vocab"]),
        page_terms=table("pg", header["page_vocab"]),
        page_nos=arrays["page_nos"],
        passage_page=arrays["passage_page"],
        embeddings=arrays.get("embeddings"),
        embed_model=header.get("embed_model"),
        build_s=float(header.get("build_s") or 0.0),
        page_count=int(header.get("page_count") or 0),
        embedded=arrays.get("embedded"),
    )


_memory: OrderedDict[str, DocIndex] = OrderedDict()
_memory_lock = threading.Lock()
MEMORY_INDEXES = 4


def load_or_build_index(
    doc: Document, options: Options, cache: BlobCache | None, embedder: Embedder | None
) -> tuple[DocIndex, bool]:
    """The document's index from `cache` (or, without one, from this process's memory), else built.

    Returns (index, built_now).
    """
    key = index_key(doc, options, embedder.name if embedder else None)
    if cache is not None:
        blob = cache.get(key)
        if blob is not None:
            try:
                return deserialize_index(blob), False
            except EngineError as e:
                _log.warning("rebuilding %s: %s", doc.name, e)
        ix = build_index(doc, options, embedder)
        if ix.embedded is None:
            cache.put(key, serialize_index(ix))
        else:  # its first question adds vectors: it is stored once, after that (save_grown)
            ix.grown = True
        return ix, True
    with _memory_lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key], False
    ix = build_index(doc, options, embedder)
    with _memory_lock:
        _memory[key] = ix
        while len(_memory) > MEMORY_INDEXES:
            _memory.popitem(last=False)
    return ix, True


@dataclass
class Hit:
    """A passage with its scores. `coverage` is the idf-weighted share of question terms it contains."""

    passage: Passage
    score: float
    bm25: float
    dense: float | None
    coverage: float
    page_score: float = 0.0
    terms: dict[str, float] = field(default_factory=dict)
    question: str = ""
    parts: dict[str, float] = field(default_factory=dict)  # what each ranking signal added to `score`


def question_terms(question: str) -> dict[str, float]:
    """Question terms and weights: 1 for its own words, 0.5 for finance expansions; instruction words out."""
    weights = {t: 1.0 for t in tokenize(question) if t not in _NOISE_STEMS}
    low = question.lower()
    for short, long in EXPANSIONS.items():
        if short in low:
            for t in tokenize(long):
                weights.setdefault(t, 0.5)
    return weights


def expansion_groups(question: str) -> dict[str, set[str]]:
    """Each own question term that an expansion stands in for -> the expansion's terms ("capex" ->
    {"capital", "expenditur", "purchas", ...}): a document that says it the long way covers the term."""
    low = question.lower()
    out: dict[str, set[str]] = {}
    for short, long in EXPANSIONS.items():
        if short in low:
            for t in tokenize(short):
                out.setdefault(t, set()).update(tokenize(long))
    return out


def query_terms(question: str, indexes: list[DocIndex]) -> dict[str, float]:
    """Question terms weighted by their BM25 idf over the whole corpus (absent terms count as if seen once,
    so that one odd word does not outweigh the rest of a question)."""
    n = sum(len(ix.passages) for ix in indexes)
    out: dict[str, float] = {}
    for term, weight in question_terms(question).items():
        df = sum(ix.passage_terms.df(term) for ix in indexes)
        if df == 0 and len(term) == 2 and _CJK_RE.match(term) and _CJK_RE.match(term[1]):
            continue  # a character pair across two words of the question, not a word of it
        df = max(1, df)
        out[term] = weight * float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
    # an expansion term weighs at most half the term it stands in for: "revenue" expanded to "net sales"
    # must not let a "Net income" row outrank the "Revenue" row because "net" is the rarer word
    own = {t for t, w in question_terms(question).items() if w >= 1.0}
    caps: dict[str, float] = {}
    for source, expanded in expansion_groups(question).items():
        for t in expanded - own:
            caps[t] = max(caps.get(t, 0.0), 0.5 * out.get(source, 0.0))
    for t, cap in caps.items():
        if t in out:
            out[t] = min(out[t], cap)
    return out


def search(
    indexes: list[DocIndex],
    question: str,
    embedder: Embedder | None,
    top_k: int = 30,
    value_years: list[int] | None = None,
) -> list[Hit]:
    """The best `top_k` passages of the corpus by a blend of max-normalised passage BM25 and page BM25,
    plus bonuses: the financial statement the question names (by page heading) and, for a value asked
    in `value_years`, a table with a column headed by one of them. With an embedder (and vectors in
    every index) the embedding cosine then reorders the lexical top candidates (`dense_rerank`). Each
    hit's `parts` says what each signal added."""
    terms = query_terms(question, indexes)
    if not indexes or not any(ix.passages for ix in indexes):
        return []
    total_passages = sum(len(ix.passages) for ix in indexes)
    avgdl = float(sum(ix.passage_terms.lengths.sum() for ix in indexes) / max(1, total_passages))
    n_pages = sum(len(ix.page_nos) for ix in indexes)
    avg_page = float(sum(ix.page_terms.lengths.sum() for ix in indexes) / max(1, n_pages))
    weights = question_terms(question)
    page_idf = {
        t: weights[t] * float(np.log(1 + (n_pages - df + 0.5) / (df + 0.5)))
        for t in terms
        for df in [sum(ix.page_terms.df(t) for ix in indexes)]
    }
    bm25 = np.concatenate([ix.passage_terms.scores(terms, avgdl) for ix in indexes])
    page_bm25_by_page = [ix.page_terms.scores(page_idf, avg_page) for ix in indexes]
    page_bm25 = np.concatenate(
        [pg[ix.passage_page] for ix, pg in zip(indexes, page_bm25_by_page, strict=True)]
    )
    flat = [p for ix in indexes for p in ix.passages]
    parts = {"bm25": W_BM25 * _normalized(bm25), "page": W_PAGE * _normalized(page_bm25)}
    heading = statement_pattern(question)
    if heading is not None:
        bonus = np.array([1.0 if heading.search(p.context) else 0.0 for p in flat], dtype=np.float32)
        parts["statement"] = W_STATEMENT * bonus
    items = item_statement_patterns(question) if heading is None and value_years is not None else []
    if items:
        hit = [
            p.kind == "table" and is_primary_statement(p.context) and any(h.search(p.context) for h in items)
            for p in flat
        ]
        parts["item_statement"] = W_ITEM_STATEMENT * np.array(hit, dtype=np.float32)
    if value_years:
        wanted = set(value_years)
        fits = [p.kind == "table" and table_has_year(p, wanted) for p in flat]
        parts["table_year"] = W_TABLE_YEAR * np.array(fits, dtype=np.float32)
    lexical = np.sum(list(parts.values()), axis=0)
    dense = _dense_part(indexes, question, lexical, embedder)
    if dense is not None:
        parts["dense"] = W_DENSE * dense[0]
    fused = np.sum(list(parts.values()), axis=0)
    order = np.argsort(-fused, kind="stable")[:top_k]
    total_idf = sum(terms.values()) or 1.0
    hits = []
    for i in order:
        p = flat[int(i)]
        present = set(tokenize(passage_index_text(p)))
        coverage = sum(w for t, w in terms.items() if t in present) / total_idf
        hits.append(
            Hit(
                passage=p,
                score=float(fused[i]),
                bm25=float(bm25[i]),
                dense=dense[1].get(int(i)) if dense is not None else None,
                coverage=coverage,
                page_score=float(page_bm25[i]),
                terms=terms,
                question=question,
                parts={k: round(float(v[i]), 4) for k, v in parts.items()},
            )
        )
    return hits


def _dense_part(
    indexes: list[DocIndex], question: str, lexical: np.ndarray, embedder: Embedder | None
) -> tuple[np.ndarray, dict[int, float]] | None:
    """The dense signal over the lexical top candidates, min-max scaled among them (0 for the weakest
    candidate and for every other passage), and the raw cosine of each candidate row."""
    reranked = dense_rerank(indexes, question, lexical, embedder)
    if reranked is None:
        return None
    rows, cosines = reranked
    scaled = np.zeros(len(lexical), dtype=np.float32)
    if len(rows) > 1 and float(cosines.max()) > float(cosines.min()):
        scaled[rows] = (cosines - cosines.min()) / (cosines.max() - cosines.min())
    return scaled, {int(r): float(c) for r, c in zip(rows, cosines, strict=True)}


def table_has_year(p: Passage, wanted: set[int]) -> bool:
    """Whether a table passage has a column headed by one of the `wanted` years, or a row that starts
    with one (a schedule by year: "2024 1,097 862" of expected payments, debt maturities)."""
    if any(y in wanted for y, _ in p.columns):
        return True
    for line in p.text.split("\n"):
        first = line.split(" ", 1)[0]
        if len(first) == 4 and first.isdigit() and int(first) in wanted:
            return True
    return False


def _normalized(scores: np.ndarray) -> np.ndarray:
    """Scores divided by the best one (all zeros stay zeros)."""
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)
