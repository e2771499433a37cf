"""The ingest benchmark's raster figure (evals/bench/ingest.py): every side timed, pixels checked, and
the sides taking turns page by page or a document at a time from an empty glyph cache."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from docai.evals.bench import ingest


@pytest.mark.parametrize("interleave", ["page", "document"])
def test_raster_figure_times_each_side_on_the_same_pixels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interleave: str
) -> None:
    docs = [
        (ingest._generated_pdf(tmp_path / "a.pdf", 2, lines=6), [1, 2]),
        (ingest._generated_pdf(tmp_path / "b.pdf", 3, lines=6), [1, 3]),
    ]
    purges: list[int] = []
    purge = pymupdf.mupdf.fz_purge_glyph_cache
    monkeypatch.setattr(pymupdf.mupdf, "fz_purge_glyph_cache", lambda: purges.append(1) or purge())

    out = ingest.bench_render(docs, repeat=2, interleave=interleave)

    assert out["interleave"] == interleave
    assert out["pages"] == 4
    assert out["pages_with_identical_pixels"] == 4
    for key in ("docai_ms_per_page", "pymupdf_same_pixels_ms_per_page", "pymupdf_refined_only_ms_per_page"):
        assert out[key] > 0, key
    assert out["ratio"] == pytest.approx(out["docai_ms_per_page"] / out["pymupdf_same_pixels_ms_per_page"])
    # a cold glyph cache for each side of each document, in each round; none when pages interleave
    assert len(purges) == (3 * len(docs) * 2 if interleave == "document" else 0)
    rows = dict(
        ingest._rows({"corpus": "generated", "pages": 4, "documents": ["a", "b"], "rasterize_slice": out}, 0)
    )
    assert rows["raster+slice: sides take turns by"] == interleave
