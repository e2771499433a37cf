"""The dense score reorders only the lexical top candidates: it never pulls in a passage BM25 missed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from docai.engines.text import embeddings as emb
from docai.engines.text import index_embeddings
from docai.engines.text.retrieval import W_DENSE, build_index, search
from docai.options import Options
from docai.parsers import load_document

LINES = [
    "Revenue from the water utility rose to 310 million on new connections.",
    "The utility's revenue from water sales was 290 million a year earlier.",
    "Staff planted trees along the river bank near the water works.",
    "Customers drank more water in the hot summer, and bills rose with it.",
    "The board met four times; minutes are kept at the head office.",
    "Rainfall in the catchment was below the long-term average.",
]


@pytest.fixture
def embedder() -> emb.Embedder:
    if not emb.embedding_status()[0]:
        pytest.skip(emb.embedding_status()[1])
    e = emb.get_embedder()
    assert e is not None
    return e


def _pdf(path: Path) -> Path:
    import pymupdf

    doc = pymupdf.open()
    for i, line in enumerate(LINES):
        page = doc.new_page(width=595, height=842)
        page.insert_text((60, 80), f"Note {i + 1}", fontsize=12)
        page.insert_text((60, 120), line, fontsize=10)
    doc.save(path)
    doc.close()
    return path


def test_dense_moves_only_lexical_candidates(tmp_path: Path, embedder, monkeypatch) -> None:
    monkeypatch.setattr(index_embeddings, "RERANK_CANDIDATES", 3)
    with load_document(_pdf(tmp_path / "w.pdf")) as doc:
        ix = build_index(doc, Options(), embedder)
    assert ix.embeddings is not None
    question = "How much revenue did water sales bring?"
    hits = search([ix], question, embedder, top_k=len(ix.passages))
    lexical = {id(h.passage): h.score - h.parts.get("dense", 0.0) for h in hits}
    candidates = sorted(hits, key=lambda h: -lexical[id(h.passage)])[:3]
    candidates = [h for h in candidates if lexical[id(h.passage)] > 0]
    ids = {id(h.passage) for h in candidates}
    for h in hits:
        if id(h.passage) in ids:
            assert h.dense is not None and -1.0 <= h.dense <= 1.0
        else:  # outside the candidates: no cosine, no dense part, even if it reads like the question
            assert h.dense is None and h.parts.get("dense", 0.0) == 0.0
    # scaled among the candidates: the closest gets the full weight, the farthest none
    dense_parts = sorted(h.parts["dense"] for h in candidates)
    assert dense_parts[0] == 0.0 and dense_parts[-1] == pytest.approx(W_DENSE, abs=1e-3)
    best = max(candidates, key=lambda h: h.dense or -1)
    assert best.parts["dense"] == pytest.approx(W_DENSE, abs=1e-3)


def test_candidates_without_vectors_are_embedded_once(tmp_path: Path, embedder, monkeypatch) -> None:
    monkeypatch.setattr(index_embeddings, "RERANK_CANDIDATES", 2)
    with load_document(_pdf(tmp_path / "w.pdf")) as doc:
        ix = build_index(doc, Options(embed_max_passages=1), embedder)
    assert ix.embedded is not None and not ix.embedded.any()  # long-document path: no vectors yet
    search([ix], "What was revenue from the water utility?", embedder)
    assert int(ix.embedded.sum()) == 2 and ix.grown
    vectors = ix.embeddings[ix.embedded].astype(np.float32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-2)
    hits = search([ix], "What was revenue from the water utility?", embedder)
    assert int(ix.embedded.sum()) == 2  # the same candidates: nothing embedded again
    assert sum(h.dense is not None for h in hits) == 2


def test_question_without_lexical_match_gets_no_dense_candidates(tmp_path: Path, embedder) -> None:
    with load_document(_pdf(tmp_path / "w.pdf")) as doc:
        ix = build_index(doc, Options(), embedder)
    hits = search([ix], "zyxxy quorble", embedder)
    assert all(h.dense is None and "dense" in h.parts and h.parts["dense"] == 0.0 for h in hits)


def test_questions_rank_with_bm25_only_by_default() -> None:
    # the reranker did not help on the development questions (BENCHMARKS.md, fifth session): opt-in
    from docai.options import TextOptions

    assert Options().embeddings is False and TextOptions().embeddings is False
