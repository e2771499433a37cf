"""The service layer over a real SQLite file and real PDFs, with a recording fake engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docai.errors import SchemaError
from docai.options import Options
from docai.service import Service

SCHEMA = {"type": "object", "properties": {"invoice_number": {"type": "string"}, "total": {"type": "string"}}}


@pytest.fixture
def service(tmp_path: Path, fake_engine: type) -> Service:
    with Service(Options(engine="fake"), db=str(tmp_path / "t.db")) as s:
        yield s


def test_extract_stores_and_caches(service: Service, text_pdf, fake_engine) -> None:
    pdf = text_pdf("a.pdf", [[(72, 72, "Invoice number: INV-7"), (72, 100, "Total: 12.50")]])
    first = service.extract([pdf], SCHEMA)[0]
    assert first.status == "ok" and first.data == {"invoice_number": "INV-7", "total": "12.50"}
    assert first.cached is False and first.run_id is not None
    assert first.evidence["total"].page_no == 1
    second = service.extract([pdf], SCHEMA)[0]
    assert second.cached is True and second.run_id == first.run_id and second.data == first.data
    assert [c[0] for c in fake_engine.calls] == ["extract"]
    forced = service.extract([pdf], SCHEMA, force=True)[0]
    assert forced.cached is False and forced.run_id != first.run_id
    stored = service.get_run(first.run_id)
    assert stored is not None and stored.status == "ok" and stored.extraction.data["total"] == "12.50"


def test_bad_file_fails_alone(service: Service, text_pdf, tmp_path: Path) -> None:
    good = text_pdf("good.pdf", [[(72, 72, "Total: 3")]])
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    missing = tmp_path / "missing.pdf"
    results = service.extract([good, bad, missing], SCHEMA)
    # SCHEMA requires nothing, so the missing invoice number leaves the file verified, not partial
    assert [r.status for r in results] == ["ok", "failed", "failed"]
    assert results[1].error and "\n" not in results[1].error and results[1].run_id is not None
    assert "no such file" in (results[2].error or "")
    runs = service.history(status="failed")
    assert len(runs) == 1 and runs[0].error == results[1].error


def test_engine_error_becomes_failed_run(service: Service, text_pdf) -> None:
    pdf = text_pdf("c.pdf", [[(72, 72, "CRASH now")]])
    r = service.extract([pdf], SCHEMA)[0]
    assert r.status == "failed" and "crash" in (r.error or "")
    assert service.get_run(r.run_id).status == "failed"


def test_schema_errors_before_work(service: Service, text_pdf, fake_engine) -> None:
    pdf = text_pdf("d.pdf", [[(72, 72, "Total: 1")]])
    with pytest.raises(SchemaError):
        service.extract([pdf], '{"type": "object", "properties": {"a": {"type": "nope"}}}')
    assert fake_engine.calls == []


def test_saved_and_shorthand_schemas(service: Service, text_pdf) -> None:
    pdf = text_pdf("e.pdf", [[(72, 72, "Total: 9")]])
    service.save_schema("mine", json.dumps(SCHEMA))
    assert service.extract([pdf], "mine")[0].data["total"] == "9"
    assert service.extract([pdf], "fields:total")[0].data == {"total": "9"}


def test_ask_cites_and_stores(service: Service, text_pdf) -> None:
    pdf = text_pdf(
        "r.pdf", [[(72, 72, "An introduction to this report")], [(72, 72, "Revenue was 5 million in 2024")]]
    )
    result = service.ask([pdf], "What was revenue?")
    assert result.answer.found and result.answer.citations[0].page_no == 2
    assert result.answer_id is not None


def test_pages_are_stored_as_the_engine_reads_them(service: Service, text_pdf) -> None:
    pdf = text_pdf(
        "pp.pdf", [[(72, 72, "Invoice number: A-1 for you")], [(72, 72, "Total: 5.00 in euros only")]]
    )
    r = service.extract([pdf], SCHEMA)[0]
    doc = service.db.get_document(r.sha256)
    pages = service.db.get_pages(doc.id)
    assert [(p[0], p[3]) for p in pages] == [(1, "layer"), (2, "layer")]
    assert "Total: 5.00" in pages[1][4] and pages[0][1] == 595
