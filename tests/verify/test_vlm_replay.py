"""VLM output replayed from a local OpenAI-compatible server (tests/openai_server.py, real HTTP on
127.0.0.1) through the service: a value not on the page is ungrounded and the file `review`; values
that are printed get their boxes; fields and review survive storage, `show --json` and exports."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from docai.service import Service
from tests.openai_server import MODEL_NAME, FakeOpenAIServer, completion

SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "total": {"type": "number"},
    },
    "required": ["invoice_number", "total"],
}


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    s = FakeOpenAIServer()
    yield s
    s.close()


@pytest.fixture
def pdf(text_pdf) -> Path:
    return text_pdf(
        "inv.pdf",
        [[(72, 72, "INVOICE"), (72, 100, "Invoice number: INV-0042"), (72, 120, "Date: 03/04/2024"),
          (72, 160, "Item A   1,234.56"), (72, 180, "TOTAL  1,234.56 EUR")]],
    )  # fmt: skip


def _reply(server: FakeOpenAIServer, total: float) -> None:
    answer = {
        "data": {"invoice_number": "INV-0042", "date": "2024-04-03", "total": total},
        "pages": {"invoice_number": 1, "date": 1, "total": 1},
    }
    server.always(completion(json.dumps(answer)))


def _service(server: FakeOpenAIServer, **extra: object) -> Service:
    from docai.options import Options

    opts = Options(engine="openai", base_url=server.url, model=MODEL_NAME, timeout_s=5.0, retries=1)
    return Service(opts.replace(**extra))


def test_a_value_not_on_the_page_is_ungrounded_and_review(server, pdf, tmp_path: Path) -> None:
    _reply(server, 999.99)  # the page prints 1,234.56
    with _service(server) as svc:
        result = svc.extract([pdf], SCHEMA)[0]
        ex = result.extraction
        assert result.status == "review"
        assert ex.fields["total"].grounded is False
        assert any(line.startswith("total: ungrounded") for line in ex.review)
        assert ex.fields["invoice_number"].grounded is True
        assert ex.evidence["invoice_number"].bbox is not None  # a VLM value gets its box by grounding
        assert ex.fields["total"].confidence < ex.fields["invoice_number"].confidence
        out = result.to_json()
        assert out["fields"]["total"]["grounded"] is False and out["review"]

        stored = svc.get_run(result.run_id).extraction
        assert stored.fields["total"].grounded is False and stored.review == ex.review
        assert stored.notes == ex.notes  # the verification report is not shown as a note
        files = svc.export(svc.db.get_run(result.run_id).schema_hash, "csv", tmp_path / "out.csv")
    row = next(csv.DictReader(files[0].open()))
    assert row["status"] == "review" and "total: ungrounded" in row["review"]
    assert float(row["confidence.total"]) == ex.fields["total"].confidence


def test_verify_with_text_compares_field_by_field(server, pdf) -> None:
    _reply(server, 1234.65)  # a digit swap the page does not print
    with _service(server, verify_with="text") as svc:
        result = svc.extract([pdf], SCHEMA)[0]
    checks = {c.name: c for c in result.extraction.fields["total"].checks}
    assert not checks["agrees_with_text"].passed
    assert "1234.65" in checks["agrees_with_text"].reason and "1234.56" in checks["agrees_with_text"].reason
    number = {c.name: c for c in result.extraction.fields["invoice_number"].checks}
    assert number["agrees_with_text"].passed
    assert result.status == "review"
