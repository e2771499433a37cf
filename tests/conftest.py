"""Shared fixtures: an isolated data dir and database per test, and small PDFs made with PyMuPDF."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EVALDATA = SHARED / "evaldata"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data dir, config dir and SQLite file; nothing touches the real home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DOCAI_HOME", str(home / "data"))
    monkeypatch.setenv("DOCAI_DB", str(home / "data" / "docai.db"))
    monkeypatch.setenv("DOCAI_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    for key in list(os.environ):
        if key.startswith("DOCAI_") and key not in (
            "DOCAI_HOME",
            "DOCAI_DB",
            "DOCAI_CONFIG",
            "DOCAI_TEST_DATABASE_URL",
        ):
            monkeypatch.delenv(key)
    return home


def make_text_pdf(
    path: Path, pages: list[list[tuple[float, float, str]]], size: tuple[float, float] = (595, 842)
) -> Path:
    """A born-digital PDF: each page is a list of (x, y, text) placed with Helvetica 11 pt."""
    import pymupdf

    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=size[0], height=size[1])
        for x, y, text in lines:
            page.insert_text((x, y), text, fontsize=11, fontname="helv")
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def text_pdf(tmp_path: Path):
    """Factory: text_pdf(name, pages) -> Path of a born-digital PDF in the test's temp dir."""

    def _make(
        name: str, pages: list[list[tuple[float, float, str]]], size: tuple[float, float] = (595, 842)
    ) -> Path:
        return make_text_pdf(tmp_path / name, pages, size)

    return _make


@pytest.fixture
def fake_engine() -> type:
    """A recording fake engine registered as "fake" (for service and CLI tests only)."""
    from tests.fakes import install_fake_engine

    return install_fake_engine()


requires_evaldata = pytest.mark.skipif(not EVALDATA.is_dir(), reason="../shared/evaldata is not here")
