"""Image provider: PNG, JPEG, WebP, GIF/BMP, and multi-page TIFF frames as pages.

One pixel is one point (72 dpi), so an image page's size in points is its size in pixels as displayed
(EXIF orientation applied, as phones store photos sideways with a tag).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from docai.document import Word
from docai.errors import InputError

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL.Image import Image

_log = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 120_000_000
"""A 600 dpi A3 scan is 70 MP; beyond this an image is refused (Pillow's bomb check uses it too)."""
_EXIF_ORIENTATION = 0x0112
_SWAPS_SIDES = {5, 6, 7, 8}


class ImageProvider:
    """Frames of an image file. Frame 1 is decoded once on open (to reject damaged files early);
    every frame is decoded again only when rendered."""

    encrypted = False

    def __init__(self, path: Path) -> None:
        from PIL import Image as PILImage

        PILImage.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        self.path = path
        self.metadata: dict[str, str] = {}
        self._lock = threading.RLock()  # seek() makes the open image stateful: one thread at a time
        self._orient: dict[int, int] = {}
        self._first: PILImage.Image | None = None
        self._img = self._open_checked(path)
        try:
            self._frames = int(getattr(self._img, "n_frames", 1) or 1)
        except (OSError, ValueError, EOFError) as e:
            self._img.close()
            raise InputError(f"{path.name}: the image's frames cannot be read ({_short(e)})") from None
        self._describe()

    def _open_checked(self, path: Path) -> PILImage.Image:
        """Open and decode frame 1 once (truncated or corrupt data fails here, not mid-run), then
        reopen a lazy handle for the other frames. The decoded frame 1 is handed to its first render
        (the usual next step, OCR) instead of being decoded again; its EXIF orientation is read now,
        as Pillow decodes a whole PNG again just to look for EXIF."""
        from PIL import Image as PILImage

        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; make it an error here.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            try:
                img = PILImage.open(path)
            except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as e:
                raise InputError(f"{path.name}: not a readable image ({_short(e)})") from None
            except PILImage.DecompressionBombWarning:
                raise InputError(
                    f"{path.name}: the image is too large (over {MAX_IMAGE_PIXELS:,} pixels)"
                ) from None
            try:
                w, h = img.size
                if w < 1 or h < 1 or w * h > MAX_IMAGE_PIXELS:
                    raise InputError(f"{path.name}: image size {w}x{h} is out of range")
                img.seek(0)
                img.load()
            except InputError:
                img.close()
                raise
            except (OSError, SyntaxError, ValueError, EOFError, PILImage.DecompressionBombError) as e:
                img.close()
                raise InputError(f"{path.name}: the image data is damaged ({_short(e)})") from None
            self._orient[1] = _exif_orientation(img)
            self._first = img
            try:
                return PILImage.open(path)
            except (OSError, ValueError) as e:
                img.close()
                self._first = None
                raise InputError(f"{path.name}: not a readable image ({_short(e)})") from None

    def dpi(self) -> float | None:
        """The resolution the file declares (None when absent or implausible)."""
        try:
            value = float(self.metadata.get("dpi", ""))
        except ValueError:
            return None
        return value if 30 <= value <= 4800 else None

    def _describe(self) -> None:
        fmt = self._img.format or ""
        if fmt:
            self.metadata["format"] = fmt
        dpi = self._img.info.get("dpi")
        with contextlib.suppress(TypeError, ValueError, IndexError, ZeroDivisionError):
            if dpi:
                self.metadata["dpi"] = f"{float(dpi[0]):g}"

    def page_count(self) -> int:
        return self._frames

    def _seek(self, page_no: int) -> None:
        try:
            self._img.seek(page_no - 1)
        except (EOFError, OSError, ValueError) as e:
            raise InputError(f"{self.path.name}: frame {page_no} cannot be read ({_short(e)})") from None

    def page_size(self, page_no: int) -> tuple[float, float, int]:
        with self._lock:
            self._seek(page_no)
            w, h = self._img.size
            if page_no not in self._orient:
                self._orient[page_no] = _exif_orientation(self._img)
            turned = self._orient[page_no] in _SWAPS_SIDES
        if turned:
            w, h = h, w
        return float(w), float(h), 0

    def words(self, page_no: int) -> list[Word]:
        return []

    def image_coverage(self, page_no: int) -> float:
        return 1.0

    def render(self, page_no: int, dpi: float, grey: bool = False) -> Image:
        """The frame as displayed, RGB (8-bit grey with `grey`, as OCR wants), scaled by dpi/72."""
        from PIL import Image as PILImage
        from PIL import ImageOps

        with self._lock:
            first, self._first = (self._first, None) if page_no == 1 else (None, self._first)
            if first is None:
                self._seek(page_no)
            try:
                frame = ImageOps.exif_transpose(first if first is not None else self._img)
                if frame.mode in ("I;16", "I;16B", "I", "F"):  # 16-bit/float greyscale scans
                    frame = frame.convert("I").point(lambda v: v * (1 / 256)).convert("L")
                frame = frame.convert("L" if grey else "RGB")
            except (OSError, ValueError, SyntaxError) as e:
                raise InputError(f"{self.path.name}: image data is damaged ({_short(e)})") from None
        if abs(dpi - 72.0) > 0.01:
            w, h = frame.size
            size = (max(1, round(w * dpi / 72.0)), max(1, round(h * dpi / 72.0)))
            frame = frame.resize(size, PILImage.Resampling.LANCZOS)
        return frame

    def render_sizes(self, page_no: int, sizes: list[tuple[int, int]]) -> list[Image]:
        """The frame as displayed, resampled to each exact (width, height)."""
        from PIL import Image as PILImage

        frame = self.render(page_no, 72.0)
        return [
            frame if frame.size == size else frame.resize(size, PILImage.Resampling.BICUBIC, reducing_gap=3.0)
            for size in sizes
        ]

    def close(self) -> None:
        if self._first is not None:
            self._first.close()
            self._first = None
        self._img.close()


def _exif_orientation(img: PILImage.Image) -> int:
    try:
        return int(img.getexif().get(_EXIF_ORIENTATION, 1))
    except Exception:
        return 1


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:160]
