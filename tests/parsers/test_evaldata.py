"""Real documents from ../shared/evaldata (skipped where that folder is missing)."""

from __future__ import annotations

import json

from parsers_support import EVALDATA, requires_evaldata

from docai.options import Options
from docai.parsers import load_document


@requires_evaldata
def test_sroie_receipts_read_by_ocr() -> None:
    """Scanned receipts (JPEG, ~150 dpi): OCR finds the printed total and date on most of them."""
    root = EVALDATA / "sroie"
    records = [json.loads(line) for line in (root / "gt.jsonl").read_text(encoding="utf-8").splitlines()[:6]]
    totals = dates = 0
    for rec in records:
        with load_document(root / rec["doc"]) as doc:
            page = doc.page(1)
        assert page.text_source == "ocr" and len(page.words) > 30
        totals += rec["fields"]["total"] in page.text
        dates += rec["fields"]["date"] in page.text
    assert totals >= 3 and dates >= 3, (totals, dates)


@requires_evaldata
def test_financebench_filing_text_layer() -> None:
    pdfs = sorted((EVALDATA / "financebench" / "pdfs").glob("*.pdf"))
    assert pdfs
    with load_document(pdfs[0], Options(pages="1-10", ocr="never")) as doc:
        assert doc.page_count > 50 and doc.page_numbers == list(range(1, 11))
        pages = list(doc.pages())
    assert sum(p.text_source == "layer" for p in pages) >= 8
    assert sum(len(p.words) for p in pages) > 1000
