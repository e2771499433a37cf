"""The public library API: docai.extract / docai.ask / docai.batch, and schemas from pydantic models."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import docai
from docai.errors import SchemaError
from docai.schema import resolve_schema


def test_extract_single_and_many(text_pdf, fake_engine, tmp_path: Path) -> None:
    a = text_pdf("a.pdf", [[(72, 72, "Total: 10.00 due at once please")]])
    b = text_pdf("b.pdf", [[(72, 72, "Total: 20.00 due at once please")]])
    one = docai.extract(a, {"type": "object", "properties": {"total": {"type": "string"}}}, engine="fake")
    assert isinstance(one, docai.service.FileResult) and one.data == {"total": "10.00 due at once please"}
    many = docai.extract([a, b], "fields:total", engine="fake", db=str(tmp_path / "x.db"))
    assert [r.data["total"][:5] for r in many] == ["10.00", "20.00"]


def test_pages_option_limits_pages(text_pdf, fake_engine) -> None:
    pdf = text_pdf(
        "p.pdf", [[(72, 72, "Total: 1.00 on the first page")], [(72, 72, "Total: 2.00 on the second page")]]
    )
    assert docai.extract(pdf, "fields:total", engine="fake", pages="2").data["total"].startswith("2.00")
    assert docai.extract(pdf, "fields:total", engine="fake", pages="1").data["total"].startswith("1.00")


def test_batch_and_ask(text_pdf, fake_engine, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    text_pdf("d/one.pdf", [[(72, 72, "Total: 1.00 and revenue of 5 million")]])
    summary = docai.batch(tmp_path / "d", "fields:total", engine="fake")
    assert summary.total == 1 and summary.counts["ok"] == 1
    answer = docai.ask(tmp_path / "d" / "one.pdf", "What about revenue?", engine="fake").answer
    assert answer.found and answer.citations[0].page_no == 1


def test_unknown_option_is_an_error(text_pdf) -> None:
    pdf = text_pdf("u.pdf", [[(72, 72, "Total: 1.00 and nothing else here")]])
    with pytest.raises(docai.errors.InputError, match="unknown option"):
        docai.Service().extract([pdf], "fields:total", colour="red")


def test_pydantic_module_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_models.py").write_text(
        "from pydantic import BaseModel\n"
        "class Line(BaseModel):\n    description: str\n    amount: float | None = None\n"
        "class Invoice(BaseModel):\n    number: str\n    lines: list[Line]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    resolved = resolve_schema("my_models:Invoice")
    items = resolved.schema["properties"]["lines"]["items"]
    assert items["properties"]["amount"]["anyOf"][0] == {"type": "number"}
    assert "$defs" not in resolved.schema
    with pytest.raises(SchemaError, match="no 'Nope'"):
        resolve_schema("my_models:Nope")
    sys.modules.pop("my_models", None)
