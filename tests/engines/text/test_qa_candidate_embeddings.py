"""Long documents embed only BM25's candidates per question; the vectors are kept in the cached index."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from docai.engines.text import embeddings as emb
from docai.engines.text import index_embeddings
from docai.engines.text.qa import answer_question
from docai.engines.text.retrieval import deserialize_index
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

try:
    from conftest_qa import DictCache
    from test_qa_long import long_pdf
except ImportError:  # the folder became a package
    from .conftest_qa import DictCache
    from .test_qa_long import long_pdf

QUESTION = "How much did the geothermal plant in Reykjavik produce?"


@pytest.fixture
def embedded_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    if not emb.embedding_status()[0]:
        pytest.skip(emb.embedding_status()[1])
    seen: list[str] = []
    real = index_embeddings.embed_texts

    def recording(texts, embedder, what):
        seen.extend(texts)
        return real(texts, embedder, what)

    monkeypatch.setattr(index_embeddings, "embed_texts", recording)
    monkeypatch.setattr(index_embeddings, "RERANK_CANDIDATES", 25)
    return seen


def test_candidates_only_then_reused(tmp_path: Path, embedded_texts: list[str], caplog) -> None:
    path = long_pdf(tmp_path / "long.pdf", 60, needle_page=41)
    opts = Options(embeddings=True, embed_max_passages=50)
    cache = DictCache()
    caplog.set_level(logging.INFO, logger="docai.progress")
    with load_document(path, opts) as doc:
        a = answer_question([doc], QUESTION, opts, cache)
    assert a.found and a.citations[0].page_no == 41 and parse_number(a.text) == 1875.0
    assert any("candidates only" in n for n in a.notes)
    first = len(embedded_texts)
    assert 0 < first <= 25  # not the whole document
    assert any("geothermal" in t for t in embedded_texts)
    assert cache.puts == 1  # stored once, with the question's vectors
    ix = deserialize_index(next(iter(cache.data.values())))
    assert ix.embedded is not None and int(ix.embedded.sum()) == first  # the cache kept the vectors
    assert any("reading long.pdf" in r.getMessage() for r in caplog.records)
    with load_document(path, opts) as doc:  # the same question again: nothing new to embed
        b = answer_question([doc], QUESTION, opts, cache)
    assert b.text == a.text and len(embedded_texts) == first and cache.puts == 1
    with load_document(path, opts) as doc:  # another question embeds only its new candidates
        answer_question([doc], "What did the treasury team review?", opts, cache)
    assert first < len(embedded_texts) <= first + 25  # at most its own candidates
    assert len(set(embedded_texts)) == len(embedded_texts)  # no passage embedded twice


def test_short_documents_embed_everything(tmp_path: Path, embedded_texts: list[str]) -> None:
    path = long_pdf(tmp_path / "short.pdf", 3, needle_page=2)
    cache = DictCache()
    with load_document(path) as doc:
        a = answer_question([doc], QUESTION, Options(embeddings=True), cache)
    ix = deserialize_index(next(iter(cache.data.values())))
    assert a.found and ix.embedded is None and len(embedded_texts) == len(ix.passages) > 0
