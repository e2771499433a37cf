"""Image provider: PNG, JPEG, WebP, and multi-page TIFF frames as pages (1 pixel = 1 point at 72 dpi)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docai.document import Word
from docai.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_IMAGE_PIXELS = 200_000_000


class ImageProvider:
    """Frames of an image file. Each frame is decoded only when rendered."""

    encrypted = False

    def __init__(self, path: Path) -> None:
        from PIL import Image as PILImage

        PILImage.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        self.path = path
        self.metadata: dict[str, str] = {}
        try:
            self._img = PILImage.open(path)
            self._frames = getattr(self._img, "n_frames", 1)
            self._sizes: dict[int, tuple[int, int]] = {}
            self._img.seek(0)
            w, h = self._img.size
        except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as e:
            raise InputError(f"{path.name}: not a readable image ({e})") from None
        if w < 1 or h < 1 or w * h > MAX_IMAGE_PIXELS:
            raise InputError(f"{path.name}: image size {w}x{h} is out of range")

    def page_count(self) -> int:
        return self._frames

    def page_size(self, page_no: int) -> tuple[float, float, int]:
        self._seek(page_no)
        w, h = self._img.size
        return float(w), float(h), 0

    def words(self, page_no: int) -> list[Word]:
        return []

    def _seek(self, page_no: int) -> None:
        try:
            self._img.seek(page_no - 1)
        except (EOFError, OSError) as e:
            raise InputError(f"{self.path.name}: frame {page_no} cannot be read ({e})") from None

    def render(self, page_no: int, dpi: float) -> Image:
        from PIL import Image as PILImage

        self._seek(page_no)
        try:
            frame = self._img.convert("RGB")
        except OSError as e:
            raise InputError(f"{self.path.name}: image data is damaged ({e})") from None
        if abs(dpi - 72.0) > 0.01:
            w, h = frame.size
            size = (max(1, round(w * dpi / 72.0)), max(1, round(h * dpi / 72.0)))
            frame = frame.resize(size, PILImage.Resampling.LANCZOS)
        return frame

    def close(self) -> None:
        self._img.close()
