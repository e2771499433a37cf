"""Open a file as a Document: detect the type from the bytes, pick a provider, choose layer or OCR.

Page coordinates are points of the page as displayed (see docai/document.py); OCR words land there too,
whichever way a scan was turned (parsers/ocr.py says how).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from docai.document import Document, Page, TextSource, Word
from docai.errors import InputError
from docai.options import Options
from docai.parsers.images import ImageProvider
from docai.parsers.ocr import check_lang, ocr_page
from docai.parsers.ocr_script import split_auto
from docai.parsers.page_ranges import parse_page_ranges
from docai.parsers.pdf import PdfProvider

if TYPE_CHECKING:
    from PIL.Image import Image

_log = logging.getLogger(__name__)

OCR_DPI = 300.0
"""PDF pages are rendered at this resolution for Tesseract (its sweet spot for body text)."""
MAX_PAGE_SIDE_PT = 14400.0
"""PDF's own limit is 14,400 user units (200 inches); anything bigger is a broken or hostile file."""
MAX_IMAGE_SIDE_PX = 60000
SMALL_IMAGE_UPSCALE = 1.0
"""Factor for OCR of image files. Measured on the first 20 SROIE receipts (~150 dpi scans), words vs
the set's line boxes, Tesseract 5.3 eng (`python -m docai.evals.bench.ingest --ocr-receipts 20`):
1x recall 0.517, precision 0.522, 0.77 s/image; 1.5x 0.513 / 0.488, 1.21 s; 2x 0.519 / 0.465, 1.91 s.
Upscaling buys nothing, so images are read at their own pixels."""
MAX_OCR_PIXELS = 36_000_000
FEW_WORDS = 20
SCAN_COVERAGE = 0.6
"""A page with fewer than FEW_WORDS layer words and images over SCAN_COVERAGE of it is OCR'd too."""
OCR_MODES = ("auto", "always", "never")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect_mime(path: Path) -> str:
    """MIME type from the file's first bytes, not its name."""
    with path.open("rb") as f:
        head = f.read(1024)
    if head.startswith(b"%PDF") or b"%PDF-" in head:
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:2] == b"BM":
        return "image/bmp"
    return "application/octet-stream"


def usable_text_layer(words: list[Word]) -> bool:
    """A text layer worth trusting: a few words, few replacement/control/private-use characters, and
    mostly letters or digits (a font-encoding mess often extracts as runs of dots or symbols)."""
    if len(words) < 3:
        return False
    text = "".join(w.text for w in words)
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or ord(ch) < 32 or 0xE000 <= ord(ch) <= 0xF8FF)
    alnum = sum(1 for ch in text if ch.isalnum())
    return bad / len(text) < 0.1 and alnum / len(text) >= 0.3


def ocr_scale(width: float, height: float, is_image: bool) -> float:
    """Pixels per point for OCR: OCR_DPI for PDF pages, the file's own pixels for images, and never
    more than MAX_OCR_PIXELS (a poster-sized page at 300 dpi would be 100+ MP)."""
    scale = SMALL_IMAGE_UPSCALE if is_image else OCR_DPI / 72.0
    pixels = width * height * scale * scale
    if pixels > MAX_OCR_PIXELS:
        scale *= (MAX_OCR_PIXELS / pixels) ** 0.5
    return scale


def _true_dpi(provider: PdfProvider | ImageProvider, scale: float) -> float | None:
    """The OCR image's real resolution: the render's for PDF pages, the declared one for image files."""
    if isinstance(provider, ImageProvider):
        declared = provider.dpi()
        return declared * scale if declared else None
    return 72.0 * scale


def _needs_ocr(mode: str, layer: list[Word], provider: PdfProvider | ImageProvider, page_no: int) -> bool:
    if mode == "never":
        return False
    if mode == "always" or not usable_text_layer(layer):
        return True
    # A few words over a page-filling image is a scan with a stamp or header in its text layer.
    return len(layer) < FEW_WORDS and provider.image_coverage(page_no) >= SCAN_COVERAGE


def _open_provider(p: Path, mime: str, options: Options) -> PdfProvider | ImageProvider:
    if mime == "application/pdf":
        return PdfProvider(p, options.password, options.rasterizer)
    if mime.startswith("image/"):
        return ImageProvider(p)
    raise InputError(f"{p.name}: not a PDF or an image (PNG, JPEG, TIFF, WebP)")


def _size_and_mime(p: Path) -> tuple[int, str]:
    """The file's size and type, or InputError for a missing, folder, unreadable or empty file."""
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a document")
    try:
        size = p.stat().st_size
        mime = detect_mime(p) if size else ""
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    if size == 0:
        raise InputError(f"{p.name}: the file is empty")
    return size, mime


def _page_words(
    provider: PdfProvider | ImageProvider,
    page_no: int,
    size: tuple[float, float],
    options: Options,
    lang: tuple[str, bool],
    is_image: bool,
) -> tuple[list[Word], str, int]:
    """(words, "layer" or "ocr", orientation): the text layer, or OCR where the layer will not do."""
    layer = provider.words(page_no) if options.ocr != "always" else []
    if not _needs_ocr(options.ocr, layer, provider, page_no):
        return layer, "layer", 0
    scale = ocr_scale(size[0], size[1], is_image)
    image = provider.render(page_no, 72.0 * scale, grey=True)
    result = ocr_page(
        image, scale, lang[0], osd=options.osd, dpi=_true_dpi(provider, scale), detect_script=lang[1]
    )
    del image
    name = getattr(provider, "path", Path("?")).name
    _log.debug("%s p%d: OCR %d words (layer had %d)", name, page_no, len(result.words), len(layer))
    # An unusable layer gives way to any OCR reading; a usable but stamp-sized one (a scan with a Bates
    # number) only to a reading that found more.
    if result.words and (not usable_text_layer(layer) or len(result.words) > len(layer)):
        return result.words, "ocr", result.orientation
    return layer, "layer", 0


def _check_page_cap(p: Path, pages: int, cap: int) -> None:
    if cap and pages > cap:
        raise InputError(
            f"{p.name}: {pages} pages, over the limit of {cap} per document "
            "(raise --max-pages, max_pages in the config or DOCAI_MAX_PAGES, or pick pages with --pages)"
        )


def _budget(p: Path, seconds: float) -> Callable[[], None]:
    """A check that raises InputError once `seconds` have passed since the document was opened."""
    if not seconds:
        return lambda: None
    deadline = time.monotonic() + seconds

    def check() -> None:
        if time.monotonic() > deadline:
            raise InputError(
                f"{p.name}: stopped at the time budget of {seconds:g} s per document "
                "(time_budget_s in the config or DOCAI_TIME_BUDGET_S)"
            )

    return check


def load_document(path: str | Path, options: Options | None = None, *, sha256: str | None = None) -> Document:
    """Open `path` as a Document; raises InputError with a one-line reason for anything unusable.

    `sha256`: the file's hash when the caller has already computed it (the file is then read once).

    Pages are built one at a time by `Document.pages()`/`page(n)`: text-layer words, or OCR words when
    the layer is missing or unusable (options.ocr auto|always|never, options.lang, options.osd).
    """
    options = options or Options()
    if options.ocr not in OCR_MODES:
        raise InputError(f"unknown OCR mode {options.ocr!r} (use auto, always or never)")
    p = Path(path)
    size, mime = _size_and_mime(p)
    # `auto` (the default): eng, plus the pack of a weak page's script; a language named alone is kept
    base_lang, detect_script = split_auto(options.lang)
    lang = check_lang(base_lang) if options.ocr != "never" else base_lang
    provider = _open_provider(p, mime, options)
    try:
        count = provider.page_count()
        numbers = parse_page_ranges(options.pages, count)
        _check_page_cap(p, len(numbers), options.max_pages)
        sha = sha256 or file_sha256(p)
    except BaseException:
        provider.close()
        raise
    over_budget = _budget(p, options.time_budget_s)
    is_image = mime.startswith("image/")
    limit = MAX_IMAGE_SIDE_PX if is_image else MAX_PAGE_SIDE_PT

    def load_page(page_no: int) -> Page:
        over_budget()
        if not 1 <= page_no <= count:
            raise InputError(f"{p.name}: no page {page_no} (the document has {count})")
        width, height, rotation = provider.page_size(page_no)
        if width > limit or height > limit:
            raise InputError(f"{p.name}: page {page_no} has an absurd size ({width:.0f}x{height:.0f} pt)")
        if width < 1 or height < 1:
            raise InputError(f"{p.name}: page {page_no} has an empty size ({width:.1f}x{height:.1f} pt)")
        words, source, orientation = _page_words(
            provider, page_no, (width, height), options, (lang, detect_script), is_image
        )
        text_source: TextSource = source if words else "none"  # type: ignore[assignment]

        def render(dpi: float, _n: int = page_no) -> object:
            return provider.render(_n, dpi)

        def render_sizes(sizes: list[tuple[int, int]], _n: int = page_no) -> list[Image]:
            return provider.render_sizes(_n, sizes)

        return Page(
            page_no,
            width,
            height,
            rotation,
            words,
            text_source,
            render,
            render_sizes,
            orientation,  # type: ignore[arg-type]
        )

    return Document(
        path=p,
        sha256=sha,
        size_bytes=size,
        mime=mime,
        page_count=count,
        page_numbers=numbers,
        encrypted=provider.encrypted,
        metadata=provider.metadata,
        load_page=load_page,
        closer=provider.close,
    )
