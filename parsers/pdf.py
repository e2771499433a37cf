"""PDF provider on PyMuPDF: page sizes, text-layer words with boxes, lazy rendering.

Rendering goes through PyMuPDF by default, or through poppler's pdftoppm (pdf2image) one page per call
when `rasterizer="pdf2image"`. Both render the page as displayed (its /Rotate applied, crop box).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from docai.document import Word
from docai.errors import InputError
from docai.parsers._pymupdf import import_pymupdf

if TYPE_CHECKING:
    import pymupdf as fitz
    from PIL.Image import Image

_log = logging.getLogger(__name__)

RASTERIZERS = ("pymupdf", "pdf2image")

_T = TypeVar("_T")


def _serialized(method: Callable[..., _T]) -> Callable[..., _T]:
    """Run under the provider's lock: a PyMuPDF document must not be used by two threads at once.
    Callers may still OCR (a Tesseract subprocess) or run poppler from several threads in parallel."""

    @functools.wraps(method)
    def wrapper(self: PdfProvider, *args: Any, **kwargs: Any) -> _T:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class PdfProvider:
    """An open PDF. Answers page_count, page_size, words and render; holds no page images."""

    def __init__(self, path: Path, password: str | None = None, rasterizer: str = "pymupdf") -> None:
        fitz = import_pymupdf()

        _quiet_mupdf(fitz)
        if rasterizer not in RASTERIZERS:
            raise InputError(f"unknown rasterizer {rasterizer!r} (use {' or '.join(RASTERIZERS)})")
        self.path = path
        self.rasterizer = rasterizer
        self._password = password
        self._cached: tuple[int, fitz.Page] | None = None
        self._lock = threading.RLock()
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
        try:
            count = self._doc.page_count
        except Exception as e:
            self._doc.close()
            raise InputError(f"{path.name}: not a readable PDF ({_short(e)})") from None
        if count == 0:
            self._doc.close()
            raise InputError(f"{path.name}: the PDF has no pages")

    @property
    def metadata(self) -> dict[str, str]:
        try:
            meta = self._doc.metadata or {}
        except Exception:
            return {}
        return {k: v for k, v in meta.items() if isinstance(v, str) and v}

    def page_count(self) -> int:
        return self._doc.page_count

    def _page(self, page_no: int) -> fitz.Page:
        # Callers ask for size, words and maybe a render of the same page in a row: keep the last one.
        if self._cached is not None and self._cached[0] == page_no:
            return self._cached[1]
        try:
            page = self._doc.load_page(page_no - 1)
        except Exception as e:
            raise InputError(f"{self.path.name}: page {page_no} cannot be read ({_short(e)})") from None
        self._cached = (page_no, page)
        return page

    @_serialized
    def page_size(self, page_no: int) -> tuple[float, float, int]:
        """Width and height in points as displayed, and the page's rotation."""
        page = self._page(page_no)
        rect = page.rect
        return float(rect.width), float(rect.height), int(page.rotation)

    @_serialized
    def words(self, page_no: int) -> list[Word]:
        """Text-layer words in display coordinates (rotation applied), in PyMuPDF's reading order."""
        fitz = import_pymupdf()

        page = self._page(page_no)
        try:
            raw = page.get_text("words", sort=False)
        except Exception as e:
            raise InputError(
                f"{self.path.name}: text of page {page_no} cannot be read ({_short(e)})"
            ) from None
        if not page.rotation:  # the common case, kept lean: this runs for every page of every PDF
            return [
                Word(t, (x0, y0, x1, y1), None, b, ln) for x0, y0, x1, y1, t, b, ln, _ in raw if t.strip()
            ]
        matrix = page.rotation_matrix
        out: list[Word] = []
        for x0, y0, x1, y1, text, block, line, _wno in raw:
            if not text.strip():
                continue
            r = fitz.Rect(x0, y0, x1, y1) * matrix
            x0, y0, x1, y1 = r.x0, r.y0, r.x1, r.y1
            out.append(Word(text, (float(x0), float(y0), float(x1), float(y1)), None, int(block), int(line)))
        return out

    @_serialized
    def image_coverage(self, page_no: int) -> float:
        """Share of the page's area under images (0..1; overlaps may count twice, capped at 1)."""
        page = self._page(page_no)
        area = page.rect.width * page.rect.height
        if area <= 0:
            return 0.0
        try:
            infos = page.get_image_info()
        except Exception:
            return 0.0
        covered = 0.0
        for info in infos:
            bbox = info.get("bbox")
            if bbox:
                x0, y0, x1, y1 = bbox
                covered += max(0.0, x1 - x0) * max(0.0, y1 - y0)
        return min(1.0, covered / area)

    def render(self, page_no: int, dpi: float, grey: bool = False) -> Image:
        """The page as displayed at `dpi`, RGB (8-bit grey with `grey`, as OCR wants)."""
        if self.rasterizer == "pdf2image":
            img = self._render_poppler(page_no, dpi)
            return img.convert("L") if grey else img
        return self._render_mupdf(page_no, dpi, grey)

    @_serialized
    def _render_mupdf(self, page_no: int, dpi: float, grey: bool = False) -> Image:
        fitz = import_pymupdf()
        from PIL import Image as PILImage

        page = self._page(page_no)
        zoom = dpi / 72.0
        try:
            space = fitz.csGRAY if grey else fitz.csRGB
            pix = page.get_pixmap(matrix=fitz.Matrix(zoom, zoom), alpha=False, colorspace=space)
        except Exception as e:
            raise InputError(f"{self.path.name}: page {page_no} cannot be rendered ({_short(e)})") from None
        # frombytes copies once out of the pixmap; the pixmap is then freed.
        return PILImage.frombytes("L" if grey else "RGB", (pix.width, pix.height), pix.samples_mv)

    def render_sizes(self, page_no: int, sizes: list[tuple[int, int]]) -> list[Image]:
        """The page as displayed at each exact (width, height) in pixels. PyMuPDF interprets the page
        once (a display list) for all sizes, into read-only images over its own pixmaps whose crops
        copy nothing (`pixmap_views`); poppler renders once per size."""
        if self.rasterizer == "pdf2image":
            # pdftoppm's -scale-to-x/y apply before /Rotate, so go by dpi and fix the last pixel.
            width_pt = self.page_size(page_no)[0]
            return [self._render_poppler(page_no, 72.0 * size[0] / width_pt, size) for size in sizes]
        return self._render_sizes_mupdf(page_no, sizes)

    @_serialized
    def _render_sizes_mupdf(self, page_no: int, sizes: list[tuple[int, int]]) -> list[Image]:
        from docai.parsers.pixmap_views import render_rgb_sizes

        page = self._page(page_no)
        try:
            return list(render_rgb_sizes(page, sizes))
        except Exception as e:
            raise InputError(f"{self.path.name}: page {page_no} cannot be rendered ({_short(e)})") from None

    def _render_poppler(self, page_no: int, dpi: float, size: tuple[int, int] | None = None) -> Image:
        from pdf2image import convert_from_path
        from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

        from docai.errors import EngineUnavailable

        try:
            images = convert_from_path(
                self.path,
                dpi=dpi,
                first_page=page_no,
                last_page=page_no,
                userpw=self._password,
                use_cropbox=True,
                timeout=120,
            )
        except PDFInfoNotInstalledError:
            raise EngineUnavailable(
                "poppler-utils is not installed (needed for --rasterizer pdf2image)"
            ) from None
        except (PDFPageCountError, PDFSyntaxError, OSError, ValueError) as e:
            raise InputError(
                f"{self.path.name}: poppler cannot render page {page_no} ({_short(e)})"
            ) from None
        if not images:
            raise InputError(f"{self.path.name}: poppler rendered nothing for page {page_no}")
        img = images[0].convert("RGB")
        if size is not None and img.size != size:
            from PIL import Image as PILImage

            img = img.resize(size, PILImage.Resampling.BICUBIC)
        return img

    @_serialized
    def close(self) -> None:
        self._cached = None
        self._doc.close()


def _quiet_mupdf(fitz: object) -> None:
    """MuPDF prints its own errors and warnings on stderr; docai reports one line itself."""
    tools = getattr(fitz, "TOOLS", None)
    if tools is not None:
        tools.mupdf_display_errors(False)
        tools.mupdf_display_warnings(False)


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:160]


def check_access(path: Path, password: str | None) -> None:
    """InputError unless `path` (when it is a PDF) opens with `password`: a cached result of an encrypted
    document is served only to a caller who could have opened it."""
    try:
        with path.open("rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise InputError(f"{path.name}: cannot read ({e.strerror})") from None
    if b"%PDF" not in head:
        return
    fitz = import_pymupdf()
    _quiet_mupdf(fitz)
    try:
        doc = fitz.open(path, filetype="pdf")
    except Exception as e:
        raise InputError(f"{path.name}: not a readable PDF ({_short(e)})") from None
    try:
        if doc.needs_pass:
            if not password:
                raise InputError(f"{path.name}: the PDF is encrypted; give its password with --password")
            if not doc.authenticate(password):
                raise InputError(f"{path.name}: wrong password for the encrypted PDF")
    finally:
        doc.close()
