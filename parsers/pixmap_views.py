"""PyMuPDF page renders that Pillow reads in place: no copy of the pixels, and crops that are views.

Pillow stores an RGB image as 4 bytes a pixel (the fourth unused). MuPDF draws an RGB pixmap with
alpha as 4 bytes a pixel too, and drawn onto an opaque white backdrop such a pixmap holds the same
colour bytes as its usual alpha-free render (pixel for pixel on 1,306 renders of every evaldata PDF,
and in tests/parsers/test_pixmap_views.py). So Pillow can map the pixmap's memory as an RGB image,
and a crop of it (a LLaVA-UHD slice) as another image over the same memory with the pixmap's stride.
Copying a 1.8 MP render into Pillow and cropping nine slices cost 0.4 of a render (BENCHMARKS.md,
Ingest); here they cost nothing. The fourth byte is MuPDF's alpha, 255 or, after some transparency
groups, 254: Pillow ignores it in RGB mode.

The images are read-only, as any Pillow image over a buffer: writing to one (paste, ImageDraw) first
copies it, as Pillow does. Each image keeps its pixmap alive until the last view of it is gone.
"""

from __future__ import annotations

import ctypes
import functools
import logging
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from PIL import Image as PILImage

from docai.parsers._pymupdf import import_pymupdf

if TYPE_CHECKING:
    import pymupdf as fitz

_log = logging.getLogger(__name__)

_BYTES_PER_PIXEL = 4


class _Samples:
    """The bytes of one MuPDF pixmap as a buffer Pillow can map, holding the pixmap alive."""

    def __init__(self, pixmap: Any, mupdf: Any) -> None:
        size = mupdf.fz_pixmap_stride(pixmap) * mupdf.fz_pixmap_height(pixmap)
        self.buffer = (ctypes.c_ubyte * size).from_address(mupdf.fz_pixmap_samples_int(pixmap))
        self.buffer._pixmap = pixmap  # type: ignore[attr-defined]  # freed with the last image over it
        self.stride = mupdf.fz_pixmap_stride(pixmap)


class PixmapImage(PILImage.Image):
    """A read-only RGB image over a MuPDF pixmap's memory; `crop` inside it gives another view."""

    _samples: _Samples | None = None
    _offset = 0

    @classmethod
    def over(cls, samples: _Samples, offset: int, size: tuple[int, int]) -> PixmapImage:
        """The `size` image whose top-left pixel is `offset` bytes into `samples`."""
        core = PILImage.core.map_buffer(samples.buffer, size, "raw", offset, ("RGB", samples.stride, 1))
        image = cls()
        image.im = core
        image._mode = core.mode
        image._size = core.size
        image.readonly = 1
        image._samples = samples
        image._offset = offset
        if image.mode != "RGB":  # a Pillow that maps buffers differently: fail here, not in a model
            raise RuntimeError(f"Pillow mapped a pixmap as {image.mode}, not RGB")
        return image

    def crop(self, box: tuple[float, float, float, float] | None = None) -> PILImage.Image:
        """A view for a whole-pixel box inside the image (Pillow copies); any other box as Pillow does."""
        samples = self._samples
        if samples is None or not self.readonly or box is None or not _inside(box, self.size):
            return super().crop(box)
        x0, y0, x1, y1 = (int(v) for v in box)
        offset = self._offset + y0 * samples.stride + x0 * _BYTES_PER_PIXEL
        return PixmapImage.over(samples, offset, (x1 - x0, y1 - y0))

    def _copy(self) -> None:
        super()._copy()  # now a private copy: crops must come from it, not from the pixmap
        self._samples = None


@functools.cache
def views_supported() -> bool:
    """Whether this Pillow maps a buffer as an RGB image the way `PixmapImage` needs (it uses Pillow's
    internal `core.map_buffer`; checked once on a 2x2 buffer). Where it does not, pages are copied into
    ordinary images instead: the same pixels, about 0.2 of a render slower."""
    buffer = (ctypes.c_ubyte * 24)(*([7, 8, 9, 255] * 6))  # 2x2 and a spare row, as `_draw` makes
    try:
        image = PixmapImage.over(SimpleNamespace(buffer=buffer, stride=8), 0, (2, 2))  # type: ignore[arg-type]
        works = image.getpixel((1, 1)) == (7, 8, 9) and image.crop((1, 1, 2, 2)).getpixel((0, 0)) == (7, 8, 9)
    except Exception as e:  # any failure means: do not map
        _log.warning("this Pillow cannot map page renders in place (%s); copying them instead", e)
        return False
    if not works:
        _log.warning("this Pillow maps page renders with other pixels; copying them instead")
    return works


def _inside(box: tuple[float, float, float, float], size: tuple[int, int]) -> bool:
    x0, y0, x1, y1 = box
    whole = all(float(v).is_integer() for v in box)
    return whole and 0 <= x0 < x1 <= size[0] and 0 <= y0 < y1 <= size[1]


def render_rgb_sizes(page: fitz.Page, sizes: list[tuple[int, int]]) -> list[PILImage.Image]:
    """The page as displayed at each exact (width, height), RGB on white, from one interpretation of
    the page (a display list: cheaper than interpreting it per render, even for one size, since
    `Page.get_pixmap` builds one too)."""
    mupdf = import_pymupdf().mupdf
    dlist = mupdf.fz_new_display_list_from_page(page.this)
    rect = page.rect
    out = []
    for w, h in sizes:
        sx, sy = w / rect.width, h / rect.height
        ctm = mupdf.FzMatrix(sx, 0, 0, sy, -rect.x0 * sx, -rect.y0 * sy)
        out.append(_draw(mupdf, dlist, ctm, (w, h)))
    return out


def _draw(mupdf: Any, dlist: Any, ctm: Any, size: tuple[int, int]) -> PILImage.Image:
    w, h = size
    # One row more than the image: Pillow wants a whole stride for every row of a view, and a slice's
    # rows start mid-row, so the bottom-right slice's last row ends up to one row past the image.
    bbox = mupdf.FzIrect(0, 0, w, h + 1)
    pixmap = mupdf.fz_new_pixmap_with_bbox(mupdf.fz_device_rgb(), bbox, mupdf.FzSeparations(), 1)
    mupdf.fz_clear_pixmap_with_value(pixmap, 0xFF)  # opaque white, alpha included
    device = mupdf.fz_new_draw_device(ctm, pixmap)
    try:
        everything = mupdf.FzRect(mupdf.FzRect.Fixed_INFINITE)
        mupdf.fz_run_display_list(dlist, device, mupdf.FzMatrix(), everything, mupdf.FzCookie())
    finally:
        mupdf.fz_close_device(device)
    samples = _Samples(pixmap, mupdf)
    if views_supported():
        return PixmapImage.over(samples, 0, (w, h))
    return PILImage.frombytes("RGB", (w, h), bytes(samples.buffer), "raw", "RGBX", samples.stride, 1)
