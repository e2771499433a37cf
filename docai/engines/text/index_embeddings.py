"""Passage vectors of a QA index, for the embedding reranker: all of them for short documents, only
the candidates for long ones.

The dense score reorders only the RERANK_CANDIDATES passages that the lexical signals rank highest
(`dense_rerank`). A passage costs about 35 ms of one core to embed (128 tokens through MiniLM), and a
500-page filing has about 5,000 passages: up to EMBED_ALL_MAX_PASSAGES passages an index embeds
everything when it is built (in batches, with progress lines); beyond that it starts with no vectors
and each search embeds only its candidates that have none yet. Vectors are kept in the index as they
are made, and the index goes back to the cache when it grew, so later questions and later runs pay
only for passages never embedded before.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

import numpy as np

from docai.options import TextOptions
from docai.progress import ProgressLog

if TYPE_CHECKING:
    from docai.engines.text.embeddings import Embedder
    from docai.engines.text.passages import Passage
    from docai.engines.text.retrieval import DocIndex

_log = logging.getLogger(__name__)

EMBED_ALL_MAX_PASSAGES = TextOptions.embed_max_passages
"""Above this many passages (`options.embed_max_passages`) only BM25 candidates are embedded."""
RERANK_CANDIDATES = 40
"""Passages of the corpus, best by the lexical signals, that the dense score may reorder (and that are
embedded on the candidates-only path, when they have no vector yet)."""
BATCH = 128


def passage_index_text(p: Passage) -> str:
    """The text a passage is indexed and embedded under: its context line, then its own text."""
    return f"{p.context}\n{p.text}" if p.context else p.text


def embed_texts(texts: list[str], embedder: Embedder, what: str) -> np.ndarray:
    """float16 vectors of `texts`, encoded BATCH at a time with a progress line per batch."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float16)
    progress = ProgressLog(what, len(texts), "passages embedded", every=BATCH * 4)
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        out[start : start + len(chunk)] = embedder.encode(chunk)
        progress.step(len(chunk))
    return out


def initial_embeddings(
    texts: list[str], embedder: Embedder | None, cap: int, what: str
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(vectors, embedded mask) for a new index: every row and no mask up to `cap` passages, else
    zero rows and an all-False mask, to be filled per question."""
    if embedder is None or not texts:
        return None, None
    if len(texts) <= cap:
        return embed_texts(texts, embedder, what), None
    _log.info("%s: %d passages, more than %d: embedding BM25 candidates per question", what, len(texts), cap)
    return np.zeros((len(texts), embedder.dim), dtype=np.float16), np.zeros(len(texts), dtype=bool)


def dense_rerank(
    indexes: list[DocIndex], question: str, prior: np.ndarray, embedder: Embedder | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """The dense signal as a reranker of the lexical ranking: (rows, cosines) for the corpus's top
    RERANK_CANDIDATES passages by `prior` (rows into the concatenated passages, best first; only
    passages with a positive prior), or None when some index has no vectors at all.

    Candidates without a vector are embedded first and kept in their index (which is then `grown`).
    Only these rows may move: the dense score never pulls in a passage the lexical signals did not
    rank, and a search embeds at most RERANK_CANDIDATES passages (before: 200 per document and search,
    and every search of a computed answer's values paid for its own)."""
    if embedder is None or not indexes or any(ix.embeddings is None for ix in indexes):
        return None
    rows = np.argsort(-prior, kind="stable")[:RERANK_CANDIDATES]
    rows = rows[prior[rows] > 0]
    offsets = np.cumsum([0] + [len(ix.passages) for ix in indexes])
    owner = np.searchsorted(offsets, rows, side="right") - 1
    for k, ix in enumerate(indexes):
        if ix.embedded is None:
            continue
        local = [int(r - offsets[k]) for r in rows[owner == k]]
        todo = [i for i in local if not ix.embedded[i]]
        if todo:
            texts = [passage_index_text(ix.passages[i]) for i in todo]
            ix.embeddings[todo] = embed_texts(texts, embedder, f"{ix.doc_name} candidates")  # type: ignore[index]
            ix.embedded[todo] = True
            ix.grown = True
    q = query_vector(embedder, question)
    vectors = [indexes[k].embeddings[int(r - offsets[k])] for r, k in zip(rows, owner, strict=True)]  # type: ignore[index]
    cosines = np.array(vectors, dtype=np.float32).reshape(-1, embedder.dim) @ q
    return rows, cosines


@functools.lru_cache(maxsize=256)
def query_vector(embedder: Embedder, text: str) -> np.ndarray:
    """The vector of a question, kept for this process: one question's lookups search with the same
    wording several times (the answer, then each value of a computed answer). Read-only."""
    vec = embedder.encode([text])[0]
    vec.flags.writeable = False
    return vec
