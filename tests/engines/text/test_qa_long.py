"""A long document: two hundred pages are indexed page by page and the one relevant page is found."""

from __future__ import annotations

import time
from pathlib import Path

from docai.engines.text.qa import answer_question
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

try:
    from conftest_qa import DictCache
except ImportError:  # the folder became a package
    from .conftest_qa import DictCache

TOPICS = ["logistics", "marketing", "procurement", "compliance", "training", "facilities", "treasury"]


def long_pdf(path: Path, pages: int, needle_page: int) -> Path:
    import pymupdf

    doc = pymupdf.open()
    for i in range(1, pages + 1):
        page = doc.new_page(width=595, height=842)
        topic = TOPICS[i % len(TOPICS)]
        page.insert_text((60, 60), f"Section {i}: {topic} review", fontsize=12, fontname="helv")
        for j in range(12):
            text = f"The {topic} team reviewed item {j} of the {topic} plan and found it in order."
            page.insert_text((60, 90 + j * 14), text, fontsize=10, fontname="helv")
        if i == needle_page:
            page.insert_text(
                (60, 460), "The geothermal plant in Reykjavik produced 1,875 megawatt hours.", fontsize=10
            )
    doc.save(path)
    doc.close()
    return path


def test_two_hundred_pages(tmp_path: Path) -> None:
    path = long_pdf(tmp_path / "long.pdf", 200, needle_page=147)
    opts = Options(embeddings=False)
    cache = DictCache()
    with load_document(path, opts) as doc:
        started = time.perf_counter()
        a = answer_question([doc], "How much did the geothermal plant in Reykjavik produce?", opts, cache)
        first = time.perf_counter() - started
        started = time.perf_counter()
        b = answer_question([doc], "What did the treasury team review?", opts, cache)
        second = time.perf_counter() - started
    assert a.found and a.citations[0].page_no == 147
    assert parse_number(a.text) == 1875.0
    assert b.found and "treasury" in b.text.lower()
    assert second < first  # the index came from the cache
    assert first < 60
