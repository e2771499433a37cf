"""The same question over the same documents is answered from the blob cache; anything else is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text import qa_answer_cache, retrieval
from docai.engines.text.qa import answer_question
from docai.engines.text.qa_answer_cache import CACHED_NOTE, code_hash
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import DictCache, annual_report_pages, multipage_pdf
except ImportError:  # the folder became a package
    from .conftest_qa import DictCache, annual_report_pages, multipage_pdf

BM25_ONLY = Options(embeddings=False)
QUESTION = "What was total revenue in 2023?"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return multipage_pdf(tmp_path / "northwind.pdf", annual_report_pages())


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Questions that reached retrieval (a cached answer does not)."""
    seen: list[str] = []
    real = retrieval.search

    def counting(indexes, question, embedder, **kw):
        seen.append(question)
        return real(indexes, question, embedder, **kw)

    monkeypatch.setattr("docai.engines.text.qa_answer.search", counting)
    return seen


def test_same_question_is_answered_once(report: Path, searches: list[str]) -> None:
    cache = DictCache()
    with load_document(report) as doc:
        first = answer_question([doc], QUESTION, BM25_ONLY, cache)
        again = answer_question([doc], QUESTION, BM25_ONLY, cache)
    assert searches == [QUESTION]
    assert cache.answer_puts == 1 and cache.answer_gets == 2
    assert again.text == first.text and again.found
    assert [c.to_dict() for c in again.citations] == [c.to_dict() for c in first.citations]
    assert CACHED_NOTE in again.notes and CACHED_NOTE not in first.notes
    assert not any(n.startswith("indexed ") for n in again.notes)


def test_other_question_options_or_bytes_miss(report: Path, tmp_path: Path, searches: list[str]) -> None:
    cache = DictCache()
    with load_document(report) as doc:
        answer_question([doc], QUESTION, BM25_ONLY, cache)
        answer_question([doc], "What was total revenue in 2022?", BM25_ONLY, cache)
        answer_question([doc], QUESTION, Options(embeddings=False, semantic=False), cache)
    changed = multipage_pdf(tmp_path / "other.pdf", annual_report_pages()[:-1])
    with load_document(changed) as doc:
        answer_question([doc], QUESTION, BM25_ONLY, cache)
    assert len(searches) == 4
    assert len(cache.answers) == 4


def test_damaged_entry_is_recomputed(report: Path, searches: list[str]) -> None:
    cache = DictCache()
    with load_document(report) as doc:
        first = answer_question([doc], QUESTION, BM25_ONLY, cache)
        (key,) = cache.answers
        cache.answers[key] = b"{not json"
        again = answer_question([doc], QUESTION, BM25_ONLY, cache)
    assert len(searches) == 2
    assert again.text == first.text and CACHED_NOTE not in again.notes


def test_code_hash_names_the_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An edit to any source file that decides answers changes the key's code part."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(qa_answer_cache, "_source_dirs", lambda: [src])
    monkeypatch.setattr(qa_answer_cache, "_code_hash", None)
    before = code_hash()
    (src / "a.py").write_text("x = 2\n")
    monkeypatch.setattr(qa_answer_cache, "_code_hash", None)
    assert code_hash() != before


def test_key_module_names_the_model_embeddings_loads() -> None:
    from docai.engines.text import embeddings, qa_keys

    assert qa_keys.EMBED_MODEL_NAME == embeddings.MODEL_NAME


_HIT_SCRIPT = """
import json, sys
from pathlib import Path
from docai.engines.text.qa import answer_question
from docai.options import Options
from docai.parsers import load_document

blobs = json.loads(Path(sys.argv[2]).read_text())

class Cache:
    def get(self, key):
        return bytes.fromhex(blobs[key]) if key in blobs else None
    def put(self, key, value):
        raise SystemExit("a cache hit must not write")

with load_document(sys.argv[1]) as doc:
    a = answer_question([doc], sys.argv[3], Options(embeddings=False), Cache())
names = ("numpy", "docai.engines.text.qa_answer", "docai.engines.text.retrieval")
heavy = [m for m in names if m in sys.modules]
print(json.dumps({"text": a.text, "notes": a.notes, "heavy": heavy}))
"""


def test_a_hit_imports_neither_numpy_nor_the_index(report: Path, tmp_path: Path) -> None:
    """The repeated question of a fresh process is answered by the light front module alone."""
    import json
    import subprocess
    import sys

    cache = DictCache()
    with load_document(report) as doc:
        first = answer_question([doc], QUESTION, BM25_ONLY, cache)
    blobs = tmp_path / "answers.json"
    blobs.write_text(json.dumps({k: v.hex() for k, v in cache.answers.items()}))
    out = subprocess.run(
        [sys.executable, "-c", _HIT_SCRIPT, str(report), str(blobs), QUESTION],
        capture_output=True,
        text=True,
        check=True,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["text"] == first.text and CACHED_NOTE in got["notes"]
    assert got["heavy"] == []
