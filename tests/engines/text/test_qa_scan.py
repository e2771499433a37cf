"""A scanned page (an image, read by Tesseract) answers like its born-digital original."""

from __future__ import annotations

from pathlib import Path

from docai.engines.text.qa import answer_question
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

try:
    from conftest_qa import annual_report_pages, multipage_pdf
except ImportError:  # the folder became a package
    from .conftest_qa import annual_report_pages, multipage_pdf


def test_scanned_income_statement(tmp_path: Path) -> None:
    import pymupdf

    pdf = multipage_pdf(tmp_path / "report.pdf", [annual_report_pages()[1]])
    png = tmp_path / "scan.png"
    with pymupdf.open(pdf) as doc:
        doc[0].get_pixmap(dpi=200).save(png)
    opts = Options(embeddings=False)
    with load_document(png, opts) as doc:
        assert doc.page(1).text_source == "ocr"
        a = answer_question([doc], "What was total revenue in 2022?", opts, None)
        b = answer_question([doc], "What was the operating income in 2023?", opts, None)
    assert a.found and parse_number(a.text) == 1100.0, a.text
    assert b.found and parse_number(b.text) == 318.0, b.text
    # boxes are in page points of the image (72 dpi: one pixel is one point)
    x0, y0, x1, y1 = a.citations[0].bbox
    assert x1 > x0 > 1000 and y1 > y0
