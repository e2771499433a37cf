"""Drawing on rendered pages: evidence boxes with labels, and the LLaVA-UHD slice grid.

Pure functions on PIL images. Boxes come in PDF points of the page as displayed; the image is the
same page rendered at some dpi, so points scale to pixels by image size / page size.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docai.document import BBox
from docai.results import Evidence

if TYPE_CHECKING:
    from PIL.Image import Image

_log = logging.getLogger(__name__)

VIEW_DPI = 110.0
BOX_COLOR = (220, 38, 38)
SELECTED_COLOR = (37, 99, 235)
GRID_COLOR = (16, 163, 74)


@dataclass(frozen=True)
class PageView:
    """A page ready to show: the image plus a one-line note (what is drawn, or why nothing is)."""

    image: Image | None
    page_no: int | None
    page_count: int | None
    note: str


def scale_bbox(bbox: BBox, page_size: tuple[float, float], image_size: tuple[int, int]) -> tuple[int, ...]:
    """A box in page points as integer pixel coordinates of an image of that page."""
    sx = image_size[0] / page_size[0]
    sy = image_size[1] / page_size[1]
    x0, y0, x1, y1 = bbox
    left, right = sorted((x0 * sx, x1 * sx))
    top, bottom = sorted((y0 * sy, y1 * sy))
    clamp_x = lambda v: round(min(max(v, 0), image_size[0] - 1))  # noqa: E731
    clamp_y = lambda v: round(min(max(v, 0), image_size[1] - 1))  # noqa: E731
    return clamp_x(left), clamp_y(top), clamp_x(right), clamp_y(bottom)


def draw_boxes(
    image: Image,
    page_size: tuple[float, float],
    boxes: Iterable[tuple[str, BBox]],
    selected: str | None = None,
) -> Image:
    """A copy of `image` with each (label, bbox) outlined and labelled; `selected` drawn thicker in blue."""
    from PIL import ImageDraw, ImageFont

    out = image.convert("RGB")
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=max(12, out.size[0] // 70))
    for label, bbox in boxes:
        is_selected = label == selected
        color = SELECTED_COLOR if is_selected else BOX_COLOR
        x0, y0, x1, y1 = scale_bbox(bbox, page_size, out.size)
        pad = 2
        draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), outline=color, width=4 if is_selected else 2)
        if not label:  # an unlabelled box (a citation): nothing is drawn over the page's text
            continue
        tx, ty = x0, max(y0 - pad - font.size - 2, 0)
        text_box = draw.textbbox((tx, ty), label, font=font)
        draw.rectangle(text_box, fill=color)
        draw.text((tx, ty), label, fill=(255, 255, 255), font=font)
    return out


def draw_grid(image: Image, grid: tuple[int, int] | None) -> Image:
    """A copy of `image` with the slice grid (cols, rows) drawn as lines; unchanged copy for None."""
    from PIL import ImageDraw

    out = image.convert("RGB")
    if grid is None:
        return out
    cols, rows = grid
    draw = ImageDraw.Draw(out)
    w, h = out.size
    for c in range(1, cols):
        x = round(c * w / cols)
        draw.line((x, 0, x, h), fill=GRID_COLOR, width=3)
    for r in range(1, rows):
        y = round(r * h / rows)
        draw.line((0, y, w, y), fill=GRID_COLOR, width=3)
    draw.rectangle((0, 0, w - 1, h - 1), outline=GRID_COLOR, width=3)
    return out


def slice_grid_for_page(width_pt: float, height_pt: float) -> tuple[int, int] | None:
    """The (cols, rows) grid MiniCPM-V would cut this page into at the slicing module's render dpi."""
    try:
        from docai.parsers.slicing import SliceConfig, page_pixels, plan_slices, render_dpi_for_page
    except ImportError:
        _log.info("slicing module not available; no grid")
        return None
    config = SliceConfig()
    dpi = render_dpi_for_page(width_pt, height_pt, config)
    w, h = page_pixels(width_pt, height_pt, dpi)
    return plan_slices(w, h, config).grid


def boxes_on_page(evidence: Mapping[str, Evidence], page_no: int) -> list[tuple[str, BBox]]:
    """The (field, bbox) pairs whose evidence lies on `page_no` and has a box."""
    return [(k, ev.bbox) for k, ev in evidence.items() if ev.page_no == page_no and ev.bbox is not None]


def first_evidence_page(evidence: Mapping[str, Evidence], selected: str | None = None) -> int:
    """The page to show first: the selected field's page, else the first page with any evidence, else 1."""
    if selected and selected in evidence and evidence[selected].page_no:
        return int(evidence[selected].page_no)  # type: ignore[arg-type]
    pages = sorted(ev.page_no for ev in evidence.values() if ev.page_no)
    return pages[0] if pages else 1


@dataclass(frozen=True)
class PagePicture:
    """One rendered page (no drawing yet) with its size in points, or a note saying why there is none."""

    image: Image | None
    page_no: int | None
    page_count: int | None
    size: tuple[float, float] | None
    note: str


def render_page(path: str | Path | None, page_no: int, dpi: float = VIEW_DPI) -> PagePicture:
    """Render page `page_no` (clamped to the document) of `path`. Never raises: the note says why not."""
    from docai.errors import DocaiError
    from docai.options import Options
    from docai.parsers import load_document

    if path is None or not Path(path).is_file():
        return PagePicture(
            None, None, None, None, "The document file is not available here, so the page cannot be shown."
        )
    try:
        with load_document(path, Options(ocr="never")) as doc:
            target = min(max(page_no, 1), doc.page_count)
            page = doc.page(target)
            image = page.render(dpi=dpi)
            return PagePicture(image, target, doc.page_count, (page.width, page.height), "")
    except DocaiError as e:
        return PagePicture(None, None, None, None, f"Cannot show the page: {e}")


def render_evidence_page(
    path: str | Path | None,
    evidence: Mapping[str, Evidence],
    page_no: int | None = None,
    selected: str | None = None,
    show_grid: bool = False,
    dpi: float = VIEW_DPI,
) -> PageView:
    """Render `path`'s page (default: where the evidence is) with boxes and optionally the slice grid.

    Never raises for a missing or unreadable file: the note says why there is no image.
    """
    picture = render_page(path, page_no or first_evidence_page(evidence, selected), dpi)
    if picture.image is None or picture.size is None or picture.page_no is None:
        return PageView(None, None, None, picture.note)
    target, size = picture.page_no, picture.size
    boxes = boxes_on_page(evidence, target)
    image = draw_boxes(picture.image, size, boxes, selected)
    note = f"Page {target} of {picture.page_count}: {len(boxes)} field box(es)"
    if show_grid:
        grid = slice_grid_for_page(*size)
        image = draw_grid(image, grid)
        note += f"; slice grid {grid[0]}x{grid[1]}" if grid else "; fits in one slice (no grid)"
    return PageView(image, target, picture.page_count, note)


def describe_field(evidence: Mapping[str, Evidence], name: str | None, data_value: object = None) -> str:
    """Plain-text details of one field's evidence (shown in a Textbox, never as HTML)."""
    if not name:
        return ""
    ev = evidence.get(name)
    lines = [f"field: {name}", f"value: {data_value!r}" if data_value is not None else "value: (none)"]
    if ev is None:
        lines.append("no evidence recorded for this field")
        return "\n".join(lines)
    lines.append(f"page: {ev.page_no if ev.page_no else 'unknown'}")
    if ev.bbox:
        lines.append("box (pt): " + ", ".join(f"{v:.1f}" for v in ev.bbox))
    if ev.confidence is not None:
        lines.append(f"confidence: {ev.confidence:.2f}")
    if ev.text:
        lines.append(f"source text: {ev.text}")
    return "\n".join(lines)
