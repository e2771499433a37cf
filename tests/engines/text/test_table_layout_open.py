"""`page_regions` opens a PDF once for the pages asked in turn, and afresh for a changed or other file."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pymupdf
import pytest
from table_pdfs import random_spec, table_pdf

from docai.engines.text import table_layout
from docai.engines.text.table_layout import PageRegions, page_regions


def _three_pages(tmp_path: Path, name: str, seed: int) -> Path:
    """Three pages, each with one ruled and one unruled table drawn from `seed`."""
    rng = random.Random(seed)
    out = pymupdf.open()
    for i in range(3):
        part = table_pdf(
            tmp_path / f"{name}-{i}.pdf", [random_spec(rng, False, False), random_spec(rng, True, False)]
        )
        with pymupdf.open(part) as src:
            out.insert_pdf(src)
    path = tmp_path / f"{name}.pdf"
    out.save(path)
    out.close()
    return path


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every pymupdf.open call made from here on, by file name; the per-thread cache starts empty."""
    seen: list[str] = []
    real = pymupdf.open

    def counting(*args, **kwargs):
        seen.append(Path(str(args[0])).name if args else "")
        return real(*args, **kwargs)

    monkeypatch.setattr(pymupdf, "open", counting)
    monkeypatch.setattr(table_layout, "_OPEN", threading.local())
    return seen


def test_pages_of_one_file_open_it_once(tmp_path: Path, opens: list[str]) -> None:
    path = _three_pages(tmp_path, "a", 3)
    opens.clear()
    regions = [page_regions(path, n) for n in (1, 2, 3, 2)]
    assert opens == ["a.pdf"]
    assert all(isinstance(r, PageRegions) and len(r.layout) == 2 and len(r.ruled) == 1 for r in regions)
    assert regions[1] == regions[3]
    # the same answers as a fresh open of the file for each page
    for n, got in zip((1, 2, 3), regions, strict=False):
        table_layout._OPEN.doc = None
        assert page_regions(path, n) == got


def test_a_changed_or_other_file_is_opened_again(tmp_path: Path, opens: list[str]) -> None:
    path = _three_pages(tmp_path, "a", 3)
    other = _three_pages(tmp_path, "b", 11)
    first = page_regions(path, 1)
    assert page_regions(other, 1) != first
    page_regions(path, 1)
    _three_pages(tmp_path, "a", 29)  # rewritten in place: other tables
    opens.clear()
    changed = page_regions(path, 1)
    assert opens == ["a.pdf"] and changed is not None and changed != first


def test_each_thread_opens_its_own(tmp_path: Path, opens: list[str]) -> None:
    path = _three_pages(tmp_path, "a", 3)
    opens.clear()
    here = page_regions(path, 1)
    there: list[PageRegions | None] = []
    worker = threading.Thread(target=lambda: there.append(page_regions(path, 1)))
    worker.start()
    worker.join()
    assert opens == ["a.pdf", "a.pdf"] and there == [here]
