"""The cache key covers the engine's code and every option that changes a result; cached results name
the file at hand and an encrypted PDF's cached result needs its password again."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from docai.cache_key import _source_hash, engine_version, options_key
from docai.options import Options
from docai.service import Service

SCHEMA = {"type": "object", "properties": {"total": {"type": "string"}}}


@pytest.fixture
def service(tmp_path: Path, fake_engine: type) -> Service:
    with Service(Options(engine="fake"), db=str(tmp_path / "t.db")) as s:
        yield s


@pytest.mark.parametrize(
    "change",
    [
        {"semantic": False},
        {"response_format": False},
        {"max_context": 8192},
        {"max_pages": 10},
        {"dtype": "float16"},
        {"load_in_4bit": True},
    ],
)
def test_result_changing_options_change_the_key(change: dict) -> None:
    base = Options()
    assert options_key(base.replace(**change)) != options_key(base)


@pytest.mark.parametrize("change", [{"workers": 4}, {"password": "x"}, {"api_key": "k"}, {"concurrency": 9}])
def test_plumbing_options_leave_the_key(change: dict) -> None:
    base = Options()
    assert options_key(base.replace(**change)) == options_key(base)


def test_engine_version_follows_rule_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "rulepkg_docai_test"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "rules.py").write_text("THRESHOLD = 0.5\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from docai import cache_key

    monkeypatch.setitem(cache_key.ENGINE_SOURCES, "text", ("rulepkg_docai_test",))
    before = engine_version("text")
    (pkg / "rules.py").write_text("THRESHOLD = 0.6\n")
    _source_hash.cache_clear()
    assert engine_version("text") != before
    monkeypatch.setitem(cache_key.ENGINE_VERSIONS, "text", "999")
    assert engine_version("text").startswith("text:999:")


def test_real_engines_hash_real_source() -> None:
    for name in ("text", "openai", "transformers"):
        _, _, digest = engine_version(name).split(":")
        assert digest != _source_hash(())  # something was read


def test_engine_version_bump_misses_the_cache(service: Service, text_pdf, fake_engine) -> None:
    pdf = text_pdf("a.pdf", [[(72, 72, "Total: 1")]])
    assert service.extract([pdf], SCHEMA)[0].cached is False
    assert service.extract([pdf], SCHEMA)[0].cached is True
    fake_engine.version = "2"
    try:
        assert service.extract([pdf], SCHEMA)[0].cached is False
    finally:
        del fake_engine.version
    assert service.extract([pdf], SCHEMA, semantic=False)[0].cached is False


def test_engine_key_keeps_engine_options(service: Service) -> None:
    a = service.engine(service.options.replace(semantic=True))
    b = service.engine(service.options.replace(semantic=False))
    assert a is not b
    assert service.engine(service.options.replace(semantic=True)) is a


def test_cached_failure_names_the_file_at_hand(service: Service, tmp_path: Path) -> None:
    resolved = service.resolve_schema(SCHEMA)
    schema_id, _ = service.db.save_schema(resolved.schema, None)
    first, second = tmp_path / "empty.pdf", tmp_path / "inv_016.pdf"
    first.write_bytes(b"")
    second.write_bytes(b"")
    r1 = service.extract_file(first, resolved, schema_id, service.options, include_failed=True)
    r2 = service.extract_file(second, resolved, schema_id, service.options, include_failed=True)
    assert r1.error == "empty.pdf: the file is empty" and r1.error_code == 3
    assert r2.cached is True and r2.error == "inv_016.pdf: the file is empty"


def _encrypted_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Total: 42", fontsize=11)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="s3cret", owner_pw="owner-pw")
    doc.close()
    return path


def test_cached_encrypted_result_needs_its_password(service: Service, tmp_path: Path, fake_engine) -> None:
    pdf = _encrypted_pdf(tmp_path / "locked.pdf")
    opened = service.extract([pdf], SCHEMA, password="s3cret")[0]
    assert opened.status == "ok" and opened.data == {"total": "42"}
    for password in (None, "wrong"):
        again = service.extract([pdf], SCHEMA, password=password)[0]
        assert again.status == "failed" and again.data is None and again.error_code == 3
        assert "password" in (again.error or "")
    assert service.extract([pdf], SCHEMA, password="s3cret")[0].cached is True
    assert [c[0] for c in fake_engine.calls] == ["extract"]
