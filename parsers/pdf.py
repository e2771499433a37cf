"""PDF provider on PyMuPDF: page sizes, text-layer words with boxes, lazy rendering."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from docai.document import Word
from docai.errors import InputError

if TYPE_CHECKING:
    import pymupdf as fitz
    from PIL.Image import Image

_log = logging.getLogger(__name__)


class PdfProvider:
    """An open PDF. Answers page_count, page_size, words and render; holds no page images."""

    def __init__(self, path: Path, password: str | None = None) -> None:
        import pymupdf as fitz

        try:
            self._doc: fitz.Document = fitz.open(path, filetype="pdf")
        except Exception as e:  # PyMuPDF raises several types for broken files
            raise InputError(f"{path.name}: not a readable PDF ({_short(e)})") from None
        self.encrypted = bool(self._doc.needs_pass or self._doc.is_encrypted)
        if self._doc.needs_pass:
            if not password:
                self._doc.close()
                raise InputError(f"{path.name}: the PDF is encrypted; give its password with --password")
            if not self._doc.authenticate(password):
                self._doc.close()
                raise InputError(f"{path.name}: wrong password for the encrypted PDF")
        if self._doc.page_count == 0:
            self._doc.close()
            raise InputError(f"{path.name}: the PDF has no pages")
        self.path = path

    @property
    def metadata(self) -> dict[str, str]:
        return {k: v for k, v in (self._doc.metadata or {}).items() if isinstance(v, str) and v}

    def page_count(self) -> int:
        return self._doc.page_count

    def _page(self, page_no: int) -> fitz.Page:
        try:
            return self._doc.load_page(page_no - 1)
        except Exception as e:
            raise InputError(f"{self.path.name}: page {page_no} cannot be read ({_short(e)})") from None

    def page_size(self, page_no: int) -> tuple[float, float, int]:
        """Width and height in points as displayed, and the page's rotation."""
        page = self._page(page_no)
        rect = page.rect
        return float(rect.width), float(rect.height), int(page.rotation)

    def words(self, page_no: int) -> list[Word]:
        """Text-layer words in display coordinates, in PyMuPDF's reading order."""
        page = self._page(page_no)
        raw = page.get_text("words", sort=False)
        matrix = page.rotation_matrix
        out: list[Word] = []
        for x0, y0, x1, y1, text, block, line, _wno in raw:
            if not text.strip():
                continue
            if page.rotation:
                import pymupdf as fitz

                r = fitz.Rect(x0, y0, x1, y1) * matrix
                x0, y0, x1, y1 = r.x0, r.y0, r.x1, r.y1
            out.append(Word(text, (float(x0), float(y0), float(x1), float(y1)), None, int(block), int(line)))
        return out

    def render(self, page_no: int, dpi: float) -> Image:
        import pymupdf as fitz
        from PIL import Image as PILImage

        page = self._page(page_no)
        zoom = dpi / 72.0
        pix = page.get_pixmap(matrix=fitz.Matrix(zoom, zoom), alpha=False, colorspace=fitz.csRGB)
        return PILImage.frombuffer("RGB", (pix.width, pix.height), pix.samples, "raw", "RGB", 0, 1)

    def close(self) -> None:
        self._doc.close()


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:160]
