"""Open a file as a Document: detect the type from the bytes, pick a provider, choose layer or OCR."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from docai.parsers.images import ImageProvider
from docai.parsers.ocr import ocr_words
from docai.parsers.page_ranges import parse_page_ranges
from docai.parsers.pdf import PdfProvider

from docai.document import Document, Page, Word
from docai.errors import InputError
from docai.options import Options

_log = logging.getLogger(__name__)

OCR_DPI = 300.0
MAX_PAGE_SIDE_PT = 14400.0  # PDF's own limit is 14,400 user units (200 inches)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect_mime(path: Path) -> str:
    """MIME type from the file's first bytes, not its name."""
    with path.open("rb") as f:
        head = f.read(16)
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
    """A text layer worth trusting: some words, mostly printable (not a font-encoding mess)."""
    if len(words) < 3:
        return False
    text = "".join(w.text for w in words)
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32))
    return bad / len(text) < 0.1


def load_document(path: str | Path, options: Options | None = None) -> Document:
    """Open `path` as a Document; raises InputError with a one-line reason for anything unusable."""
    options = options or Options()
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a document")
    try:
        size = p.stat().st_size
        mime = detect_mime(p)
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    if size == 0:
        raise InputError(f"{p.name}: the file is empty")
    if mime == "application/pdf":
        provider: PdfProvider | ImageProvider = PdfProvider(p, options.password)
    elif mime.startswith("image/"):
        provider = ImageProvider(p)
    else:
        raise InputError(f"{p.name}: not a PDF or an image (PNG, JPEG, TIFF, WebP)")
    try:
        count = provider.page_count()
        numbers = parse_page_ranges(options.pages, count)
        sha = file_sha256(p)
    except BaseException:
        provider.close()
        raise
    is_image = mime.startswith("image/")

    def load_page(page_no: int) -> Page:
        width, height, rotation = provider.page_size(page_no)
        if width > MAX_PAGE_SIDE_PT * (10 if is_image else 1) or height > MAX_PAGE_SIDE_PT * (
            10 if is_image else 1
        ):
            raise InputError(f"{p.name}: page {page_no} has an absurd size ({width:.0f}x{height:.0f} pt)")
        if width < 1 or height < 1:
            raise InputError(f"{p.name}: page {page_no} has an empty size")
        words = provider.words(page_no) if options.ocr != "always" else []
        source = "layer"
        if options.ocr == "always" or (options.ocr == "auto" and not usable_text_layer(words)):
            dpi = 72.0 if is_image else OCR_DPI
            image = provider.render(page_no, dpi)
            words = ocr_words(image, dpi / 72.0, options.lang)
            source = "ocr"
        if not words:
            source = "none" if options.ocr == "never" or source == "layer" else source

        def render(dpi: float, _n: int = page_no) -> object:
            return provider.render(_n, dpi)

        return Page(page_no, width, height, rotation, words, source, render)  # type: ignore[arg-type]

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
