"""The batch's page count is right for fresh and cached files, and with --pages (the progress line and
the summary both read it)."""

from __future__ import annotations

from pathlib import Path

from docai.options import Options
from docai.service import Service
from tests.conftest import make_text_pdf

SCHEMA = {"type": "object", "properties": {"total": {"type": "string"}}}


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, pages in enumerate((5, 7, 3)):
        make_text_pdf(folder / f"d{i}.pdf", [[(72, 72, f"Total: {i}")]] * pages)
    return folder


def test_pages_counted_fresh_cached_and_selected(tmp_path: Path, fake_engine) -> None:
    folder = _folder(tmp_path)
    with Service(Options(engine="fake", ocr="never"), db=str(tmp_path / "p.db")) as service:
        seen: list[int] = []
        first = service.batch(folder, SCHEMA, on_result=lambda r: seen.append(r.page_count or 0))
        assert first.pages == 15 and sorted(seen) == [3, 5, 7]
        again = service.batch(folder, SCHEMA)
        assert all(r.cached for r in again.results) and again.pages == 15
        selected = service.batch(folder, SCHEMA, pages="2-4")
        assert selected.pages == 3 + 3 + 2
        assert service.batch(folder, SCHEMA, pages="2-4").pages == 8  # cached, same count
