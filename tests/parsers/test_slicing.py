"""slice_image pieces and render_dpi_for_page."""

from __future__ import annotations

import math

import pytest
from docai.parsers.slicing import (
    MAX_RENDER_DPI,
    SliceConfig,
    page_pixels,
    plan_slices,
    render_dpi_for_page,
    slice_image,
)
from PIL import Image, ImageChops, ImageDraw


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
