"""`Database.claim_document_run`: the document and its claim in one write transaction (a batch file takes
the write lock twice instead of three times), with the same rows and answers as `upsert_document`
followed by `claim_run`. The race where another process inserts the same claim between the two
(IntegrityError) needs two processes in one instant and is not reproduced here."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from docai.results import Extraction
from docai.storage.claims import DONE, HELD, claim_key
from docai.storage.models import ClaimRow, DocumentName, RunRow
from tests.reliability.backends import BACKENDS, database_url

SHA = "cd" * 32


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path):
    from docai.storage import open_database

    for url in database_url(request.param, tmp_path):
        database = open_database(url)
        yield database
        database.close()


def _begins(db) -> list[int]:
    """A list that grows by one at every transaction begun on `db` (reads and writes)."""
    seen: list[int] = []
    event.listen(db.engine, "begin", lambda conn: seen.append(1))
    return seen


def _schema(db) -> int:
    return db.save_schema({"type": "object", "properties": {"t": {"type": "string"}}}, None)[0]


def test_one_transaction_same_rows_as_two_calls(db) -> None:
    schema_id, key = _schema(db), claim_key(SHA, "h", "text", None, "k")
    begins = _begins(db)
    run_id = db.claim_document_run(
        (SHA, "a.pdf", 10, "application/pdf", 2), key, schema_id, "text", None, {}, "k"
    )
    assert isinstance(run_id, int) and len(begins) == 1
    with db.engine.connect() as conn:
        run = conn.execute(select(RunRow.status, RunRow.document_id).where(RunRow.id == run_id)).one()
        claim = conn.execute(select(ClaimRow.run_id).where(ClaimRow.key == key)).scalar_one()
        names = conn.execute(
            select(DocumentName.name).where(DocumentName.document_id == run.document_id)
        ).all()
    assert run.status == "running" and claim == run_id and [n for (n,) in names] == ["a.pdf"]
    assert db.get_document(SHA).page_count == 2 and db.get_document(SHA).id == run.document_id

    del begins[:]  # the old path, for comparison: two write transactions
    doc_id = db.upsert_document("ef" * 32, "c.pdf", 10, "application/pdf", 1)
    db.claim_run(claim_key("ef" * 32, "h", "text", None, "k"), doc_id, schema_id, "text", None, {}, "k")
    assert len(begins) == 2


def test_held_and_done_still_record_the_name(db) -> None:
    schema_id, key = _schema(db), claim_key(SHA, "h", "text", None, "k")
    first = db.claim_document_run(
        (SHA, "a.pdf", 10, "application/pdf", 1), key, schema_id, "text", None, {}, "k"
    )
    again = db.claim_document_run(
        (SHA, "b.pdf", 10, "application/pdf", 1), key, schema_id, "text", None, {}, "k"
    )
    assert isinstance(first, int) and again == HELD  # this live process holds the claim
    db.finish_run(first, Extraction(data={"t": "x"}, status="ok"), 0.1)
    done = db.claim_document_run(
        (SHA, "c.pdf", 10, "application/pdf", 1), key, schema_id, "text", None, {}, "k", unless_done=True
    )
    assert done == DONE
    with db.engine.connect() as conn:
        names = {n for (n,) in conn.execute(select(DocumentName.name))}
    assert names == {"a.pdf", "b.pdf", "c.pdf"}


def test_bad_document_is_refused_before_any_write(db) -> None:
    from docai.errors import InputError

    begins = _begins(db)
    with pytest.raises(InputError):
        db.claim_document_run(("nothex", "a.pdf", 1, "application/pdf", 1), "k", 1, "text", None, {}, "k")
    assert begins == []
