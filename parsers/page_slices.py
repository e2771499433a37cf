"""Pages to LLaVA-UHD pieces: render a page straight at the overview and refined sizes, cut the slices.

Rendering at the exact sizes the slicing needs (instead of rendering once and resampling) keeps text
sharp and costs about as much as rendering those pixels at all (see evals/bench/ingest.py): an overview
drawn from the page's display list costs what the cheapest downsampling of the refined render costs,
and matches a direct render exactly. A PDF page's images lie over MuPDF's pixmaps and its slices are
views of the refined one (`pixmap_views`), so nothing is copied after the render.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from docai.parsers.slicing import (
    SliceConfig,
    SlicePlan,
    cut_slices,
    page_pixels,
    plan_slices,
    render_dpi_for_page,
    slice_image,
)

if TYPE_CHECKING:
    from PIL.Image import Image

    from docai.document import Page

_log = logging.getLogger(__name__)


def plan_page(page: Page, config: SliceConfig | None = None) -> SlicePlan:
    """The slice plan of a page rendered at `render_dpi_for_page` (what `docai inspect` reports)."""
    config = config or SliceConfig()
    dpi = render_dpi_for_page(page.width, page.height, config)
    return plan_slices(*page_pixels(page.width, page.height, dpi), config)


def render_page_slices(page: Page, config: SliceConfig | None = None) -> tuple[Image, list[Image], SlicePlan]:
    """Overview image, slices (row-major) and the plan for one page; one page's pixels in memory."""
    config = config or SliceConfig()
    plan = plan_page(page, config)
    if page.sized_renderer is None:  # a Page built by hand: render once and resample
        dpi = render_dpi_for_page(page.width, page.height, config)
        overview, pieces = slice_image(page.render(dpi=dpi), config)
        return overview, pieces, plan_slices(*page_pixels(page.width, page.height, dpi), config)
    sizes = [plan.overview_size] if plan.refine_size is None else [plan.overview_size, plan.refine_size]
    images = page.sized_renderer(sizes)
    pieces = cut_slices(images[1], plan) if len(images) > 1 else []
    return images[0], pieces, plan
