"""A batch file's database work in SQLAlchemy Core, with its statements built once per dialect.

Each file of a batch is looked up in the cache, claimed (document row, name, run, claim) and finished
(result, evidence, pages, run status, claim released). Through the ORM those three steps cost about
14 ms of CPU a file, nearly all of it SQLAlchemy building statements, cache keys and unit-of-work
flushes, and the two writes spent 10 to 12 ms of it holding the database's write lock, which two
workers then queue on. The same statements built once and run on the transaction's `Connection`
take well under a millisecond together; SQLite itself was about 2% of the time.

These are the only statements that write those rows: docai stores its data in SQLite or PostgreSQL
(`connection.make_engine` refuses any other dialect), whose INSERT ... ON CONFLICT DO NOTHING this
module uses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, Executable, bindparam, delete, func, insert, or_, select, update

from docai.errors import StorageError
from docai.storage.models import (
    ClaimRow,
    DocumentName,
    DocumentRow,
    EvidenceRow,
    PageRow,
    ResultRow,
    RunRow,
    SchemaRow,
)

DIALECTS = ("sqlite", "postgresql")
_runs = RunRow.__table__
_docs = DocumentRow.__table__
_names = DocumentName.__table__
_pages = PageRow.__table__
_results = ResultRow.__table__
_evidence = EvidenceRow.__table__
_claims = ClaimRow.__table__
_schemas = SchemaRow.__table__


def on_conflict_insert(dialect: str, table: Any, keys: list[str]) -> Executable:
    """INSERT into `table` that does nothing when a row with the same unique `keys` is there."""
    if dialect not in DIALECTS:
        raise StorageError(f"docai stores its data in SQLite or PostgreSQL, not {dialect}")
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=keys)


class _DocumentStatements(NamedTuple):
    insert_document: Executable
    document_id: Executable
    set_page_count: Executable
    insert_name: Executable
    touch_name: Executable


@lru_cache(maxsize=4)
def _document_statements(dialect: str) -> _DocumentStatements:
    return _DocumentStatements(
        on_conflict_insert(dialect, _docs, ["sha256"]),
        select(_docs.c.id).where(_docs.c.sha256 == bindparam("sha")),
        update(_docs).where(_docs.c.id == bindparam("doc_id")).values(page_count=bindparam("count")),
        on_conflict_insert(dialect, _names, ["document_id", "name"]),
        update(_names)
        .where(_names.c.document_id == bindparam("doc_id"), _names.c.name == bindparam("file_name"))
        .values(last_seen=bindparam("now")),
    )


def upsert_document(
    conn: Connection, sha: str, filename: str, size_bytes: int, mime: str, page_count: int | None, now: Any
) -> int:
    """`DocumentsMixin.document_upsert`'s work on `conn`: the id of the document with these bytes,
    `filename` recorded as a name it was seen under. `sha` is checked (lower-case hex) by the caller."""
    st = _document_statements(conn.dialect.name)
    values = {"sha256": sha, "size_bytes": size_bytes, "mime": mime, "page_count": page_count}
    conn.execute(st.insert_document, {**values, "first_seen": now})
    doc_id = conn.execute(st.document_id, {"sha": sha}).scalar_one()
    if page_count is not None:
        conn.execute(st.set_page_count, {"doc_id": doc_id, "count": page_count})
    conn.execute(
        st.insert_name, {"document_id": doc_id, "name": filename, "first_seen": now, "last_seen": now}
    )
    conn.execute(st.touch_name, {"doc_id": doc_id, "file_name": filename, "now": now})
    return int(doc_id)


_CLAIM_OF = select(_claims.c.run_id, _claims.c.owner, _claims.c.lease_until).where(
    _claims.c.key == bindparam("claim_key")
)
_DROP_CLAIM = delete(_claims).where(_claims.c.key == bindparam("claim_key"))
_INSERT_RUN = insert(_runs)
_INSERT_CLAIM = insert(_claims)


def claim_of(conn: Connection, key: str) -> Any:
    """(run_id, owner, lease_until) of the claim on `key`, None when there is none."""
    return conn.execute(_CLAIM_OF, {"claim_key": key}).first()


def drop_claim(conn: Connection, key: str) -> None:
    conn.execute(_DROP_CLAIM, {"claim_key": key})


def _job_filter(model_is_none: bool) -> list[Any]:
    return [
        _runs.c.document_id == bindparam("doc_id"),
        _runs.c.schema_id == bindparam("schema_id"),
        _runs.c.engine == bindparam("engine"),
        _runs.c.model.is_(None) if model_is_none else _runs.c.model == bindparam("model"),
        _runs.c.options_key == bindparam("options_key"),
        _runs.c.status != "running",
    ]


@lru_cache(maxsize=4)
def _done_query(model_is_none: bool, include_failed: bool, interrupted: str) -> Executable:
    """A finished run of one job (document, schema, engine, model, options), as `claim_in` asks."""
    not_failed = (
        _runs.c.status != "failed" if not include_failed else func.coalesce(_runs.c.error, "") != interrupted
    )
    return select(_runs.c.id).where(*_job_filter(model_is_none), not_failed).limit(1)


def finished_run_exists(
    conn: Connection, job: dict[str, Any], *, include_failed: bool, interrupted: str
) -> bool:
    """Whether `job` (doc_id, schema_id, engine, model, options_key) has a finished run."""
    q = _done_query(job["model"] is None, include_failed, interrupted)
    return conn.execute(q, job).first() is not None


def job_of(
    document_id: int, schema_id: int, engine: str, model: str | None, options_key: str
) -> dict[str, Any]:
    """The parameters that name one job (a document under a schema, engine, model and options), as the
    run statements here bind them."""
    return {
        "doc_id": document_id,
        "schema_id": schema_id,
        "engine": engine,
        "model": model,
        "options_key": options_key,
    }


def insert_run(conn: Connection, job: dict[str, Any], options: dict[str, Any] | None, now: Any) -> int:
    """A `running` run of `job` (doc_id, schema_id, engine, model, options_key); returns its id."""
    run = {
        "document_id": job["doc_id"],
        "schema_id": job["schema_id"],
        "engine": job["engine"],
        "model": job["model"],
        "options": dict(options or {}),
        "options_key": job["options_key"],
        "status": "running",
        "started_at": now,
    }
    return int(conn.execute(_INSERT_RUN, run).inserted_primary_key[0])


def insert_run_and_claim(
    conn: Connection, job: dict[str, Any], options: dict[str, Any], key: str, owner: str, now: Any, until: Any
) -> int:
    """A `running` run of `job` and the claim `key` holding it; returns the run's id (IntegrityError when
    another process inserted the same claim first)."""
    run_id = insert_run(conn, job, options, now)
    conn.execute(_INSERT_CLAIM, {"key": key, "run_id": run_id, "owner": owner, "lease_until": until})
    return run_id


@lru_cache(maxsize=8)
def _cached_run_query(model_is_none: bool, include_failed: bool, interrupted: str) -> Executable:
    docs = select(_docs.c.id).where(_docs.c.sha256 == bindparam("sha")).scalar_subquery()
    schemas = select(_schemas.c.id).where(_schemas.c.hash == bindparam("schema_hash")).scalar_subquery()
    where = [
        _runs.c.document_id == docs,
        _runs.c.schema_id == schemas,
        *_job_filter(model_is_none)[2:],
    ]
    if not include_failed:
        where.append(_runs.c.status != "failed")
    else:  # a run cut short by a crash says nothing about the file: do it again
        where.append(or_(_runs.c.status != "failed", func.coalesce(_runs.c.error, "") != interrupted))
    return select(_runs.c.id).where(*where).order_by(_runs.c.finished_at.desc(), _runs.c.id.desc()).limit(1)


def cached_run_id(
    conn: Connection, job: dict[str, Any], *, include_failed: bool, interrupted: str
) -> int | None:
    """The id of the latest finished run of `job` (sha, schema_hash, engine, model, options_key)."""
    q = _cached_run_query(job["model"] is None, include_failed, interrupted)
    found = conn.execute(q, job).scalar()
    return int(found) if found is not None else None


_RUN_OF = select(_runs.c.document_id, _runs.c.model, _runs.c.usage).where(_runs.c.id == bindparam("rid"))
_DROP_RESULT = delete(_results).where(_results.c.run_id == bindparam("rid"))
_INSERT_RESULT = insert(_results)
_INSERT_EVIDENCE = insert(_evidence)
_RELEASE = delete(_claims).where(_claims.c.run_id == bindparam("rid"))
_DROP_PAGES = delete(_pages).where(
    _pages.c.document_id == bindparam("doc_id"), _pages.c.page_no.in_(bindparam("numbers", expanding=True))
)
_INSERT_PAGES = insert(_pages)


def run_of(conn: Connection, run_id: int) -> Any:
    """(document_id, model, usage) of a run, None when there is no such run."""
    return conn.execute(_RUN_OF, {"rid": run_id}).first()


def store_result(
    conn: Connection, run_id: int, result: dict[str, Any], evidence: list[dict[str, Any]], run: dict[str, Any]
) -> None:
    """Replace the run's result with `result` and its `evidence` rows, release its claim and set the
    run's columns in `run` (status, error, finished_at, duration_s, model and, when given, usage)."""
    conn.execute(_DROP_RESULT, {"rid": run_id})
    result_id = conn.execute(_INSERT_RESULT, {"run_id": run_id, **result}).inserted_primary_key[0]
    if evidence:
        conn.execute(_INSERT_EVIDENCE, [{"result_id": result_id, **row} for row in evidence])
    release_claim(conn, run_id)
    values = {f"v_{column}": value for column, value in run.items()}
    conn.execute(_finish_statement(tuple(sorted(run))), {"rid": run_id, **values})


def release_claim(conn: Connection, run_id: int) -> None:
    """The claim holding `run_id` goes (with the transaction that finishes, fails or discards it)."""
    conn.execute(_RELEASE, {"rid": run_id})


@lru_cache(maxsize=8)
def _finish_statement(columns: tuple[str, ...]) -> Executable:
    """UPDATE runs SET those columns (bound as v_<column>) WHERE id = :rid."""
    values = {c: bindparam(f"v_{c}") for c in columns}
    return update(_runs).where(_runs.c.id == bindparam("rid")).values(values)


def store_pages(conn: Connection, document_id: int, pages: list[tuple[int, float, float, str, str]]) -> None:
    """The pages of `save_pages` and `finish_run` on `conn`: (page_no, width, height, text_source,
    text), replacing those page numbers; the last row of a page number given twice wins. The document
    must exist (`documents.store_pages` checks)."""
    if not pages:
        return
    rows: dict[int, dict[str, Any]] = {}
    for page_no, width, height, source, text in pages:
        rows[int(page_no)] = {
            "document_id": document_id,
            "page_no": int(page_no),
            "width": float(width),
            "height": float(height),
            "text_source": source,
            "text": text or "",
        }
    conn.execute(_DROP_PAGES, {"doc_id": document_id, "numbers": sorted(rows)})
    conn.execute(_INSERT_PAGES, list(rows.values()))
