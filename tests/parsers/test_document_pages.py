"""A Document records each page it builds (size, text source, text), for the run record, without anyone
patching its loader; a copy made with dataclasses.replace (as ask does) records into the same place."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from docai.options import Options
from docai.parsers import load_document


def test_loaded_pages_are_recorded_once_each(text_pdf) -> None:
    pdf: Path = text_pdf("three.pdf", [[(72, 72, f"Page {n} total 1{n}.00")] for n in (1, 2, 3)], (300, 400))
    with load_document(pdf, Options(ocr="never", pages="1,3")) as doc:
        assert doc.loaded == {}
        doc.page(3)
        assert list(doc.loaded) == [3]
        pages = list(doc.pages())
        assert [p.page_no for p in pages] == [1, 3]
        assert sorted(doc.loaded) == [1, 3]
        page_no, width, height, source, text = doc.loaded[1]
        assert (page_no, width, height, source) == (1, 300, 400, "layer")
        assert "Page 1 total 11.00" in text
        copy = dataclasses.replace(doc, closer=None)
        copy.page(2)
        assert sorted(doc.loaded) == [1, 2, 3]


def test_the_service_stores_the_pages_the_engine_read(tmp_path: Path, text_pdf, fake_engine) -> None:
    from docai.service import Service

    pdf = text_pdf("two.pdf", [[(72, 72, "Total: 5")], [(72, 72, "Note: second page")]])
    with Service(Options(engine="fake"), db=str(tmp_path / "t.db")) as service:
        result = service.extract([pdf], {"type": "object", "properties": {"total": {"type": "string"}}})[0]
        run = service.db.get_run(result.run_id)
        pages = service.db.get_pages(run.document_id)
    assert [p[0] for p in pages] == [1, 2]
    assert "Total" in pages[0][4] and "second page" in pages[1][4]
