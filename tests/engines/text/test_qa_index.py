"""The QA index: built once per document and kept in a BlobCache; several documents as one corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from docai.engines.text import embeddings as emb
from docai.engines.text import retrieval
from docai.engines.text.qa import answer_question
from docai.engines.text.retrieval import deserialize_index, serialize_index, tokenize
from docai.errors import EngineError
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

try:
    from conftest_qa import DictCache, annual_report_pages, multipage_pdf, prose
except ImportError:  # the folder became a package
    from .conftest_qa import DictCache, annual_report_pages, multipage_pdf, prose

BM25_ONLY = Options(embeddings=False)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return multipage_pdf(tmp_path / "northwind.pdf", annual_report_pages())


@pytest.fixture
def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    built: list[str] = []
    real = retrieval.build_index

    def counting(doc, options, embedder):
        built.append(doc.name)
        return real(doc, options, embedder)

    monkeypatch.setattr(retrieval, "build_index", counting)
    return built


def test_cache_round_trip_builds_once(report: Path, count_builds: list[str]) -> None:
    cache = DictCache()
    with load_document(report) as doc:
        first = answer_question([doc], "What was total revenue in 2023?", BM25_ONLY, cache)
        second = answer_question([doc], "What was total revenue in 2022?", BM25_ONLY, cache)
    assert count_builds == ["northwind.pdf"]
    assert cache.puts == 1 and cache.gets == 2
    (key,) = cache.data
    assert doc.sha256 in key and "ocr=auto" in key
    assert parse_number(first.text) == 1234.0 and parse_number(second.text) == 1100.0
    assert any("indexed northwind.pdf" in n for n in first.notes)
    assert not any("indexed" in n for n in second.notes)


def test_ingest_options_change_the_key(report: Path, count_builds: list[str]) -> None:
    cache = DictCache()
    for pages in (None, "2"):
        opts = BM25_ONLY.replace(pages=pages)
        with load_document(report, opts) as doc:
            a = answer_question([doc], "What was total revenue in 2023?", opts, cache)
        assert a.citations[0].page_no == 2
    assert len(count_builds) == 2 and len(cache.data) == 2


def test_serialized_index_is_the_same_index(report: Path) -> None:
    with load_document(report) as doc:
        ix = retrieval.build_index(doc, BM25_ONLY, None)
    blob = serialize_index(ix)
    assert b"pickle" not in blob[:200]
    back = deserialize_index(blob)
    assert [p.text for p in back.passages] == [p.text for p in ix.passages]
    for p, q in zip(back.passages, ix.passages, strict=True):
        assert np.allclose(np.array(p.word_boxes), np.array(q.word_boxes), atol=1e-3)
    assert back.passages[3].columns == ix.passages[3].columns
    q = "total revenue 2023"
    a = [(h.passage.page_no, round(h.score, 5)) for h in retrieval.search([ix], q, None)]
    b = [(h.passage.page_no, round(h.score, 5)) for h in retrieval.search([back], q, None)]
    assert a == b


def test_damaged_cache_entry_is_rebuilt(report: Path, count_builds: list[str]) -> None:
    with pytest.raises(EngineError):
        deserialize_index(b"not an index")
    cache = DictCache()
    with load_document(report) as doc:
        key = retrieval.index_key(doc, BM25_ONLY, None)
        cache.data[key] = b"garbage"
        a = answer_question([doc], "What was total revenue in 2023?", BM25_ONLY, cache)
    assert a.found and count_builds == ["northwind.pdf"]
    deserialize_index(cache.data[key])  # replaced by a good one


def test_two_documents_are_one_corpus(report: Path, tmp_path: Path) -> None:
    other = multipage_pdf(
        tmp_path / "fleet.pdf",
        [
            [(60, 60, "Fleet overview"), *prose(100, ["The company operates a fleet of trucks."])],
            [
                (60, 60, "Warehouses"),
                *prose(100, ["Our largest warehouse is in Hamburg and stores 12,000 pallets of coffee."]),
            ],
        ],
    )
    with load_document(report) as a, load_document(other) as b:
        ans = answer_question([a, b], "How many pallets does the Hamburg warehouse store?", BM25_ONLY, None)
        rev = answer_question([a, b], "What was total revenue in 2023?", BM25_ONLY, None)
    assert ans.found and ans.citations[0].document == "fleet.pdf" and ans.citations[0].page_no == 2
    assert parse_number(ans.text) == 12000.0
    assert rev.citations[0].document == "northwind.pdf" and parse_number(rev.text) == 1234.0


def test_chinese_question_finds_the_chinese_page(tmp_path: Path) -> None:
    path = multipage_pdf(
        tmp_path / "zh.pdf",
        [
            [(60, 60, "Company overview"), *prose(100, ["We sell tea and coffee in many markets."])],
            [
                (60, 60, "公司简介"),
                (60, 90, "本公司成立于二零零一年，总部位于上海。"),
                (60, 110, "公司主要从事茶叶和咖啡的销售。"),
                (60, 130, "员工人数约为三百人。"),
            ],
            [
                (60, 60, "经营业绩"),
                (60, 90, "二零二三年营业收入为5,600万元，同比增长12%。"),
                (60, 110, "净利润为800万元。"),
                (60, 130, "毛利率保持稳定。"),
            ],
        ],
    )
    with load_document(path) as doc:
        a = answer_question([doc], "二零二三年的营业收入是多少？", BM25_ONLY, None)
        b = answer_question([doc], "公司总部在哪里？", BM25_ONLY, None)
    assert a.found and a.citations[0].page_no == 3
    assert "5,600" in a.text
    assert b.citations[0].page_no == 2


def test_cjk_tokens() -> None:
    toks = tokenize("营业收入 Revenue 2023 1,234")
    assert {"营", "营业", "收入", "revenu", "2023", "1234"} <= set(toks)


def test_without_embedder_answers_with_bm25_and_says_so(report: Path, monkeypatch) -> None:
    monkeypatch.setattr(emb, "get_embedder", lambda: None)
    with load_document(report) as doc:
        a = answer_question([doc], "What was total revenue in 2023?", Options(embeddings=True), None)
    assert a.found and parse_number(a.text) == 1234.0
    assert any("BM25 only" in n for n in a.notes)


def test_embedder_vectors() -> None:
    ok, why = emb.embedding_status()
    if not ok:
        pytest.skip(why)
    e = emb.get_embedder()
    assert e is not None and emb.get_embedder() is e
    v = e.encode(["Total revenue grew in 2023.", "Revenue increased last year.", "The cat sat on the mat."])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert e.encode([]).shape == (0, 384)


def test_embedding_cap_embeds_candidates_only(report: Path) -> None:
    if not emb.embedding_status()[0]:
        pytest.skip(emb.embedding_status()[1])
    opts = Options(embeddings=True, embed_max_passages=2)
    with load_document(report, opts) as doc:
        a = answer_question([doc], "What was total revenue in 2022?", opts, DictCache())
    assert a.found and parse_number(a.text) == 1100.0
    assert any("embedded BM25's candidates only" in n for n in a.notes)
