"""slice_image pieces and render_dpi_for_page."""

from __future__ import annotations

import math

import pytest
from PIL import Image, ImageChops, ImageDraw

from docai.parsers.slicing import (
    MAX_RENDER_DPI,
    SliceConfig,
    page_pixels,
    plan_slices,
    render_dpi_for_page,
    slice_image,
)


def _pattern(w: int, h: int) -> Image.Image:
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    for x in range(0, w, 37):
        d.line([(x, 0), (x, h)], fill=(x % 255, 0, 0), width=3)
    for y in range(0, h, 53):
        d.line([(0, y), (w, y)], fill=(0, y % 255, 120), width=2)
    return img


@pytest.mark.parametrize("size", [(1240, 1754), (2000, 400), (300, 300), (5000, 90)])
def test_pieces_tile_the_refined_image(size: tuple[int, int]) -> None:
    img = _pattern(*size)
    plan = plan_slices(*size)
    overview, pieces = slice_image(img)
    assert overview.size == plan.overview_size
    assert len(pieces) == plan.n_slices
    if plan.grid is None:
        assert pieces == []
        return
    cols, rows = plan.grid
    assert all(p.size == plan.slice_size for p in pieces)
    # Paste the pieces back row-major: they rebuild the refined image exactly.
    refined = img.resize(plan.refine_size, Image.Resampling.BICUBIC, reducing_gap=3.0)
    canvas = Image.new("RGB", plan.refine_size)
    sw, sh = plan.slice_size
    for i, piece in enumerate(pieces):
        canvas.paste(piece, ((i % cols) * sw, (i // cols) * sh))
    assert ImageChops.difference(canvas, refined).getbbox() is None
    assert plan.tokens == 64 * (1 + cols * rows)


def test_a4_page_at_render_dpi_gets_full_grid() -> None:
    dpi = render_dpi_for_page(595, 842)
    w, h = page_pixels(595, 842, dpi)
    assert w * h <= 9 * 448 * 448
    assert w * h > 0.98 * 9 * 448 * 448
    plan = plan_slices(w, h)
    assert plan.n_slices in (8, 9, 10) and plan.n_slices <= 9
    assert plan.tokens == 64 * (1 + plan.n_slices)


@pytest.mark.parametrize("size", [(595, 842), (842, 595), (612, 792), (2000, 100), (100000, 10), (30, 40)])
@pytest.mark.parametrize("slices", [1, 4, 9])
def test_render_dpi_never_exceeds_budget(size: tuple[float, float], slices: int) -> None:
    config = SliceConfig(max_slices=slices)
    dpi = render_dpi_for_page(*size, config)
    assert 0 < dpi <= MAX_RENDER_DPI
    w, h = size
    assert math.ceil(w * dpi / 72) * math.ceil(h * dpi / 72) <= slices * 448 * 448


def test_small_image_not_sliced_and_upscaled_overview() -> None:
    plan = plan_slices(100, 50)
    assert plan.grid is None and plan.slice_size is None and plan.refine_size is None
    assert plan.overview_size[0] % 56 == 0 and plan.overview_size[1] % 56 == 0
    assert plan.overview_size[0] > 100  # overview of an unsliced image is scaled up to ~448^2
    assert plan.tokens == 64


def test_bad_sizes() -> None:
    with pytest.raises(ValueError):
        plan_slices(0, 10)
    with pytest.raises(ValueError):
        render_dpi_for_page(0, 10)


@pytest.mark.parametrize("rasterizer", ["pymupdf", "pdf2image"])
@pytest.mark.parametrize("rotation", [0, 90])
def test_render_page_slices_matches_plan(tmp_path, rasterizer: str, rotation: int) -> None:
    import pymupdf

    from docai.options import Options
    from docai.parsers import load_document
    from docai.parsers.page_slices import plan_page, render_page_slices

    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for i in range(30):
        page.insert_text((50, 60 + i * 22), f"Row {i} of a long statement of accounts", fontsize=12)
    page.set_rotation(rotation)
    doc.save(tmp_path / "s.pdf")
    with load_document(tmp_path / "s.pdf", Options(rasterizer=rasterizer)) as d:
        p = d.page(1)
        overview, pieces, plan = render_page_slices(p)
        assert plan == plan_page(p)
        whole = p.render(dpi=render_dpi_for_page(p.width, p.height))
    assert plan.grid is not None and len(pieces) == plan.n_slices
    assert overview.size == plan.overview_size
    assert all(piece.size == plan.slice_size for piece in pieces)
    # The pieces show the page: the slices' ink matches the page's ink, slice by slice, roughly.
    cols = plan.grid[0]
    small = whole.convert("L").resize(plan.refine_size)
    sw, sh = plan.slice_size
    for i, piece in enumerate(pieces):
        c, r = i % cols, i // cols
        ref = small.crop((c * sw, r * sh, (c + 1) * sw, (r + 1) * sh))
        ink_ref = sum(1 for v in ref.tobytes() if v < 128)
        ink = sum(1 for v in piece.convert("L").tobytes() if v < 128)
        assert abs(ink - ink_ref) <= 0.25 * max(ink_ref, 200), (i, ink, ink_ref)
