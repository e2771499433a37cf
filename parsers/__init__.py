"""Loading files into `Document`s: PDFs (PyMuPDF or pdf2image) and images, text layer or OCR words."""

from docai.parsers._pymupdf import import_pymupdf
from docai.parsers.loader import detect_mime, file_sha256, load_document

__all__ = ["detect_mime", "file_sha256", "import_pymupdf", "load_document"]
