"""Image provider: PNG, JPEG, WebP, GIF/BMP, and multi-page TIFF frames as pages.

One pixel is one point (72 dpi), so an image page's size in points is its size in pixels as displayed
(EXIF orientation applied, as phones store photos sideways with a tag).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from docai.document import Word
from docai.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image

_log = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 200_000_000
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
        try:
            self._img = PILImage.open(path)
        except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as e:
            raise InputError(f"{path.name}: not a readable image ({_short(e)})") from None
        try:
            self._frames = int(getattr(self._img, "n_frames", 1) or 1)
            self._img.seek(0)
            w, h = self._img.size
            if w < 1 or h < 1 or w * h > MAX_IMAGE_PIXELS:
                raise InputError(f"{path.name}: image size {w}x{h} is out of range")
            self._img.load()  # truncated or corrupt pixel data fails here, not in the middle of a run
        except InputError:
            self._img.close()
            raise
        except (OSError, SyntaxError, ValueError, EOFError, PILImage.DecompressionBombError) as e:
            self._img.close()
            raise InputError(f"{path.name}: the image data is damaged ({_short(e)})") from None
        fmt = self._img.format or ""
        if fmt:
            self.metadata["format"] = fmt
        dpi = self._img.info.get("dpi")
        if dpi:
            self.metadata["dpi"] = f"{float(dpi[0]):g}"

    def page_count(self) -> int:
        return self._frames

    def _seek(self, page_no: int) -> None:
        try:
            self._img.seek(page_no - 1)
        except (EOFError, OSError, ValueError) as e:
            raise InputError(f"{self.path.name}: frame {page_no} cannot be read ({_short(e)})") from None

    def _orientation(self) -> int:
        try:
            return int(self._img.getexif().get(_EXIF_ORIENTATION, 1))
        except Exception:
            return 1

    def page_size(self, page_no: int) -> tuple[float, float, int]:
        with self._lock:
            self._seek(page_no)
            w, h = self._img.size
            turned = self._orientation() in _SWAPS_SIDES
        if turned:
            w, h = h, w
        return float(w), float(h), 0

    def words(self, page_no: int) -> list[Word]:
        return []

    def image_coverage(self, page_no: int) -> float:
        return 1.0

    def render(self, page_no: int, dpi: float) -> Image:
        """The frame as displayed, RGB, scaled by dpi/72."""
        from PIL import Image as PILImage
        from PIL import ImageOps

        with self._lock:
            self._seek(page_no)
            try:
                frame = ImageOps.exif_transpose(self._img)
                if frame.mode in ("I;16", "I;16B", "I", "F"):  # 16-bit/float greyscale scans
                    frame = frame.convert("I").point(lambda v: v * (1 / 256)).convert("L")
                frame = frame.convert("RGB")
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
        self._img.close()


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:160]
