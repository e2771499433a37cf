"""LLaVA-UHD slicing as MiniCPM-V does it: an overview image plus a grid of slices of ~448x448 each.

Pure functions. `plan_slices` gives the same grid, overview size and refined size as transformers'
MiniCPM-V 4.6 image processor (checked by tests/parsers/test_slicing_oracle.py); `slice_image` cuts a
PIL image along that plan; `render_dpi_for_page` picks a render resolution whose pixel area is about
what the slicing can use, so pages are not rendered at more pixels than the model will see.

Sizes are (width, height) and grids (cols, rows) everywhere in this module.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

_log = logging.getLogger(__name__)

MAX_RENDER_DPI = 300.0
"""`render_dpi_for_page` never goes above this, so a business-card page is not rendered at 1,000 dpi."""


@dataclass(frozen=True)
class SliceConfig:
    """Slicing parameters. `merge_factor` is how many patches per side one visual token merges:
    4 for MiniCPM-V 4.6's default "16x" downsampling (sizes are multiples of 56 px), 2 for its "4x"
    mode, 1 for MiniCPM-V 4.5 and earlier (multiples of the patch size)."""

    scale_resolution: int = 448
    patch_size: int = 14
    max_slices: int = 9
    query_num: int = 64
    merge_factor: int = 4


@dataclass(frozen=True)
class SlicePlan:
    """How one image is cut. `tokens` counts `query_num` for the overview and for each slice."""

    grid: tuple[int, int] | None
    overview_size: tuple[int, int]
    slice_size: tuple[int, int] | None
    refine_size: tuple[int, int] | None
    tokens: int

    @property
    def n_slices(self) -> int:
        return 0 if self.grid is None else self.grid[0] * self.grid[1]


def _snap(length: float, divisor: int) -> int:
    """Nearest multiple of `divisor` (Python rounding, half to even), at least `divisor`."""
    return max(round(length / divisor) * divisor, divisor)


def _fit(width: float, height: float, config: SliceConfig, upscale: bool) -> tuple[int, int]:
    """Size that keeps the aspect ratio at about scale_resolution^2 pixels (only shrinking unless
    `upscale`), snapped to whole merged patches."""
    side = config.scale_resolution
    if width * height > side * side or upscale:
        aspect = width / height
        height = int(side / math.sqrt(aspect))
        width = int(height * aspect)
    unit = config.patch_size * config.merge_factor
    return _snap(width, unit), _snap(height, unit)


def best_grid(width: int, height: int, config: SliceConfig = SliceConfig()) -> tuple[int, int] | None:
    """(cols, rows) for an image, or None when it fits in one slice.

    The slice count is the image area over scale_resolution^2 (rounded up, capped at max_slices), give
    or take one; among the factorisations of those counts the grid whose cols/rows ratio is closest
    (in log space) to the image's wins, ties going to more rows.
    """
    side = config.scale_resolution
    wanted = min(math.ceil(width * height / (side * side)), config.max_slices)
    if wanted <= 1:
        return None
    target = math.log(width / height)
    best: tuple[int, int] = (1, 1)
    best_err = math.inf
    for count in (wanted - 1, wanted, wanted + 1):
        if count == 1 or count > config.max_slices:
            continue
        for rows in range(1, count + 1):
            if count % rows:
                continue
            cols = count // rows
            err = abs(target - math.log(cols / rows))
            if err < best_err or (err == best_err and rows > best[1]):
                best, best_err = (cols, rows), err
    return best


def plan_slices(width: int, height: int, config: SliceConfig = SliceConfig()) -> SlicePlan:
    """The slicing of a `width` x `height` image: grid, overview size, slice size, refined size."""
    if width < 1 or height < 1:
        raise ValueError(f"image size must be positive, not {width}x{height}")
    grid = best_grid(width, height, config)
    overview = _fit(width, height, config, upscale=grid is None)
    if grid is None:
        return SlicePlan(None, overview, None, None, config.query_num)
    cols, rows = grid
    cell_w = _snap(width, cols) / cols
    cell_h = _snap(height, rows) / rows
    slice_w, slice_h = _fit(cell_w, cell_h, config, upscale=True)
    refine = (slice_w * cols, slice_h * rows)
    return SlicePlan(grid, overview, (slice_w, slice_h), refine, config.query_num * (1 + cols * rows))


def slice_image(image: Image, config: SliceConfig = SliceConfig()) -> tuple[Image, list[Image]]:
    """The overview image and the slices (row-major) that the plan for `image` asks for."""
    from PIL import Image as PILImage

    plan = plan_slices(image.width, image.height, config)
    bicubic = PILImage.Resampling.BICUBIC
    # reducing_gap: shrink by whole factors with a box filter first; much faster on big pages and
    # visually the same at these sizes.
    overview = _resize(image, plan.overview_size, bicubic)
    if plan.grid is None or plan.refine_size is None or plan.slice_size is None:
        return overview, []
    refined = _resize(image, plan.refine_size, bicubic)
    return overview, cut_slices(refined, plan)


def cut_slices(refined: Image, plan: SlicePlan) -> list[Image]:
    """The slices (row-major) of an image already at `plan.refine_size`."""
    if plan.grid is None or plan.slice_size is None:
        return []
    if refined.size != plan.refine_size:
        raise ValueError(f"image is {refined.size}, the plan needs {plan.refine_size}")
    cols, rows = plan.grid
    sw, sh = plan.slice_size
    return [
        refined.crop((c * sw, r * sh, (c + 1) * sw, (r + 1) * sh)) for r in range(rows) for c in range(cols)
    ]


def _resize(image: Image, size: tuple[int, int], resample: int) -> Image:
    if image.size == size:
        return image
    return image.resize(size, resample, reducing_gap=3.0)


def render_dpi_for_page(width_pt: float, height_pt: float, config: SliceConfig = SliceConfig()) -> float:
    """A dpi at which the page's pixel area is about max_slices * scale_resolution^2, never more
    (and never above MAX_RENDER_DPI): the most detail the slicing can pass on to the model."""
    if width_pt <= 0 or height_pt <= 0:
        raise ValueError(f"page size must be positive, not {width_pt}x{height_pt}")
    budget = config.max_slices * config.scale_resolution**2
    dpi = min(72.0 * math.sqrt(budget / (width_pt * height_pt)), MAX_RENDER_DPI)
    # Renderers round pixel sizes up or to nearest; step down until the rounded area fits.
    while math.ceil(width_pt * dpi / 72.0) * math.ceil(height_pt * dpi / 72.0) > budget and dpi > 1.0:
        dpi *= 0.999
    return dpi


def page_pixels(width_pt: float, height_pt: float, dpi: float) -> tuple[int, int]:
    """Pixel size of a page rendered at `dpi` (rounded to nearest, at least 1)."""
    return max(1, round(width_pt * dpi / 72.0)), max(1, round(height_pt * dpi / 72.0))
