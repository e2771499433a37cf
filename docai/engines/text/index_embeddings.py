"""Passage vectors of a QA index: all of them for ordinary documents, only the candidates for long ones.

A passage costs about 40 ms of one core to embed (128 tokens through MiniLM), and a 500-page filing
has about 5,000 passages: embedding all of them would cost the first question minutes. Up to
EMBED_ALL_MAX_PASSAGES passages (about 50 pages; as much as two questions' candidates) an index
embeds everything when it is built (in batches, with progress lines). Beyond that it starts with no
vectors and, per question, embeds only the passages that BM25 already ranks in the top CANDIDATES
(the only ones the dense score can still lift into the answer's top 30). Vectors are kept in the
index as they are made, and the index goes back to the cache when it grew, so later questions and
later runs pay only for passages never embedded before.
"""

from __future__ import annotations

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
CANDIDATES = 200
"""Passages per document embedded for one question on the candidates-only path."""
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


def dense_scores(
    indexes: list[DocIndex], question: str, prior: np.ndarray, embedder: Embedder | None
) -> np.ndarray | None:
    """Cosine of the question with every passage of the corpus (concatenated in index order), or None
    when some index has no vectors at all. On the candidates-only path the top CANDIDATES of each
    document by `prior` (its fused BM25 score) are embedded first; passages still without a vector
    get the lowest score seen, so the dense signal neither lifts nor sinks them."""
    if embedder is None or not indexes or any(ix.embeddings is None for ix in indexes):
        return None
    offset = 0
    for ix in indexes:
        n = len(ix.passages)
        if ix.embedded is not None and n:
            top = np.argsort(-prior[offset : offset + n], kind="stable")[:CANDIDATES]
            todo = [int(i) for i in top if not ix.embedded[i]]
            if todo:
                texts = [passage_index_text(ix.passages[i]) for i in todo]
                ix.embeddings[todo] = embed_texts(texts, embedder, f"{ix.doc_name} candidates")  # type: ignore[index]
                ix.embedded[todo] = True
                ix.grown = True
        offset += n
    q = embedder.encode([question])[0]
    parts = []
    for ix in indexes:
        dense = ix.embeddings.astype(np.float32) @ q  # type: ignore[union-attr]
        if ix.embedded is not None:
            seen = dense[ix.embedded]
            dense[~ix.embedded] = float(seen.min()) if len(seen) else 0.0
        parts.append(dense)
    return np.concatenate(parts)
