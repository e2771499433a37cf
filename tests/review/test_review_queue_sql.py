"""The review queue filters in SQL: only the newest finished run of each document with a status that
can need a person is read back, by schema and by batch. Real SQLite (and PostgreSQL when
DOCAI_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docai.results import Evidence, Extraction
from tests.review.conftest import SCHEMA

OTHER = {"type": "object", "properties": {"shop": {"type": "string"}}}


def _run(
    db: Any, name: str, status: str, schema: dict[str, Any] = SCHEMA, schema_name: str = "review_inv"
) -> int:
    schema_id, _ = db.save_schema(schema, schema_name)
    doc_id = db.upsert_document(name.encode().hex().ljust(64, "0")[:64], name, 100, "application/pdf", 1)
    run_id = db.start_run(doc_id, schema_id, "text", None, {}, "k")
    if status == "failed":
        db.fail_run(run_id, f"{name}: broken", 0.1, 3)
        return run_id
    data = {k: ("x" if k != "total" else 1.0) for k in schema["properties"]}
    evidence = {k: Evidence(1, (1, 1, 2, 2), str(v), 0.99) for k, v in data.items()}
    db.finish_run(run_id, Extraction(data=data, status=status, evidence=evidence, engine="text"), 0.1)  # type: ignore[arg-type]
    return run_id


@pytest.fixture
def service(review_db_url: str) -> Any:
    from docai.options import Options
    from docai.service import Service

    with Service(Options(engine="text"), db=review_db_url) as s:
        yield s


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Ids of the runs the database turns into records (what the queue had to read)."""
    import docai.storage.runs as runs_module

    seen: list[int] = []
    real = runs_module.run_record

    def counting(run: Any, *a: Any, **kw: Any) -> Any:
        seen.append(run.id)
        return real(run, *a, **kw)

    monkeypatch.setattr(runs_module, "run_record", counting)
    return seen


def test_queue_reads_only_candidates(service: Any, loaded: list[int], tmp_path: Path) -> None:
    db = service.db
    _run(db, "a.pdf", "review")  # superseded by a newer run of the same document
    newer_a = _run(db, "a.pdf", "partial")
    b = _run(db, "b.pdf", "review")
    other = _run(db, "shop.pdf", "review", OTHER, "receipts")
    noise = [_run(db, f"ok{i}.pdf", "failed") for i in range(15)]
    finished_then_failed = _run(db, "c.pdf", "review")
    _run(db, "c.pdf", "failed")  # its newest run failed: nothing to review
    loaded.clear()
    queue = service.review_queue()
    assert sorted(i.run_id for i in queue) == sorted([newer_a, b, other])
    assert sorted(loaded) == sorted([newer_a, b, other])  # no failed, superseded or other run was read
    assert finished_then_failed not in loaded and not set(noise) & set(loaded)

    loaded.clear()
    assert sorted(i.run_id for i in service.review_queue(schema="review_inv")) == sorted([newer_a, b])
    assert sorted(loaded) == sorted([newer_a, b])

    out = tmp_path / "batch.jsonl"
    out.write_text(json.dumps({"file": "b.pdf", "run_id": b}) + "\n", encoding="utf-8")
    loaded.clear()
    assert [i.run_id for i in service.review_queue(batch=out)] == [b]
    assert loaded == [b]


def test_a_batch_larger_than_one_in_list(service: Any, tmp_path: Path) -> None:
    db = service.db
    wanted = [_run(db, f"r{i}.pdf", "review") for i in range(3)]
    out = tmp_path / "batch.jsonl"
    fake_ids = list(range(10_000, 11_200))  # more ids than one IN list holds, none of them stored
    rows = [{"file": f"x{i}.pdf", "run_id": i, "sha256": f"{i:064x}"} for i in fake_ids]
    rows += [{"file": f"r{i}.pdf", "run_id": r} for i, r in enumerate(wanted)]
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert sorted(i.run_id for i in service.review_queue(batch=out)) == sorted(wanted)


def test_unknown_schema_is_one_line_error(service: Any) -> None:
    from docai.errors import InputError

    with pytest.raises(InputError, match="no schema named"):
        service.review_queue(schema="nope")
