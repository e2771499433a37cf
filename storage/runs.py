"""Extraction runs: start, finish (result + evidence in one transaction), fail, look up and list.

A run is inserted as `running` and only becomes ok/partial/invalid when its whole result is written in
the same transaction that changes the status, so a crash in between leaves `running`, never a half
result; `find_cached_run` ignores such runs.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, joinedload, selectinload

from docai.errors import InputError, StorageError
from docai.results import STATUSES, Extraction, notes_with_verification
from docai.storage import core_writes
from docai.storage.base import DatabaseBase
from docai.storage.claims import INTERRUPTED, release_claim
from docai.storage.corrections import load_reviews, with_reviews
from docai.storage.models import (
    DocumentName,
    DocumentRow,
    ResultRow,
    RunRow,
    SchemaRow,
    utcnow,
)
from docai.storage.records import RunRecord, run_record
from docai.storage.review_queue import queue_run_rows

_log = logging.getLogger(__name__)

RUN_STATUSES = ("running", *STATUSES)


def _run_query() -> Select[tuple[RunRow]]:
    return select(RunRow).options(
        joinedload(RunRow.document),
        joinedload(RunRow.schema),
        selectinload(RunRow.result).selectinload(ResultRow.evidence),
    )


class RunsMixin(DatabaseBase):
    def start_run(
        self,
        document_id: int,
        schema_id: int,
        engine: str,
        model: str | None,
        options: dict[str, Any],
        options_key: str,
    ) -> int:
        """Insert a run with status `running`; returns its id."""

        def work(s: Session) -> int:
            if s.get(DocumentRow, document_id) is None:
                raise StorageError(f"no document with id {document_id}")
            if s.get(SchemaRow, schema_id) is None:
                raise StorageError(f"no schema with id {schema_id}")
            job = core_writes.job_of(document_id, schema_id, engine, model, options_key)
            return core_writes.insert_run(s.connection(), job, options, utcnow())

        return self._write(work, "starting a run")

    def finish_run(
        self,
        run_id: int,
        extraction: Extraction,
        duration_s: float,
        pages: list[tuple[int, float, float, str, str]] | None = None,
    ) -> None:
        """Store the result and evidence and set status, finish time, duration and usage, atomically;
        with `pages`, the document's pages as the engine read them too (one write transaction less a
        file, which counts when several workers share one SQLite file)."""
        if extraction.status not in STATUSES:
            raise StorageError(f"unknown extraction status {extraction.status!r}")

        def work(s: Session) -> None:
            conn = s.connection()
            run = core_writes.run_of(conn, run_id)
            if run is None:
                raise StorageError(f"no run with id {run_id}")
            columns = _finished_columns(extraction, duration_s, run.model, run.usage is not None)
            result, evidence = _result_values(extraction), _evidence_values(extraction)
            core_writes.store_result(conn, run_id, result, evidence, columns)
            if pages:
                core_writes.store_pages(conn, run.document_id, pages)

        self._write(work, "saving a result")

    def fail_run(self, run_id: int, error: str, duration_s: float, error_code: int | None = None) -> None:
        """Mark a run failed (no result row); `error_code` is its error's exit code (3 bad input, 5
        engine, ...), kept so a cached failure exits like the fresh one."""

        def work(s: Session) -> None:
            run = s.get(RunRow, run_id)
            if run is None:
                raise StorageError(f"no run with id {run_id}")
            s.execute(delete(ResultRow).where(ResultRow.run_id == run_id))
            release_claim(s, run_id)
            run.status = "failed"
            run.error = error
            run.error_code = error_code
            run.finished_at = utcnow()
            run.duration_s = float(duration_s)

        self._write(work, "saving a failed run")

    def discard_run(self, run_id: int) -> None:
        """Forget a run that never finished (the user stopped it); a finished run is left alone."""

        def work(s: Session) -> None:
            run = s.get(RunRow, run_id)
            if run is not None and run.status == "running":
                release_claim(s, run_id)
                s.delete(run)

        self._write(work, "discarding an unfinished run")

    def get_run(self, run_id: int) -> RunRecord | None:
        def work(s: Session) -> RunRecord | None:
            run = s.scalar(_run_query().where(RunRow.id == run_id))
            return self._records(s, [run])[0] if run is not None else None

        return self._read(work)

    def find_cached_run(
        self,
        sha256: str,
        schema_hash: str,
        engine: str,
        model: str | None,
        options_key: str,
        include_failed: bool = False,
    ) -> RunRecord | None:
        """The latest finished run for exactly this document, schema, engine, model and options."""

        def work(s: Session) -> RunRecord | None:
            job = {  # a miss (every new file) costs one plain query
                "sha": sha256.lower(),
                "schema_hash": schema_hash,
                "engine": engine,
                "model": model,
                "options_key": options_key,
            }
            found = core_writes.cached_run_id(
                s.connection(), job, include_failed=include_failed, interrupted=INTERRUPTED
            )
            run = s.scalar(_run_query().where(RunRow.id == found)) if found is not None else None
            return self._records(s, [run])[0] if run is not None else None

        return self._read(work)

    def list_runs(
        self,
        limit: int = 50,
        schema: str | None = None,
        status: str | None = None,
        query: str | None = None,
        since: datetime | None = None,
        offset: int = 0,
    ) -> list[RunRecord]:
        """Runs, newest first. `schema`: name or hash prefix; `query`: part of a file name."""
        if status is not None and status not in RUN_STATUSES:
            raise InputError(f"unknown status {status!r} (one of: {', '.join(RUN_STATUSES)})")

        def work(s: Session) -> list[RunRecord]:
            q = _run_query()
            if schema:
                q = q.where(RunRow.schema_id.in_(self._schema_ids(s, schema)))
            if status:
                q = q.where(RunRow.status == status)
            if query:
                names = select(DocumentName.document_id).where(
                    DocumentName.name.icontains(query, autoescape=True)
                )
                q = q.where(RunRow.document_id.in_(names))
            if since is not None:
                q = q.where(RunRow.started_at >= since)
            q = q.order_by(RunRow.started_at.desc(), RunRow.id.desc()).offset(max(0, offset))
            if limit and limit > 0:
                q = q.limit(limit)
            return self._records(s, list(s.scalars(q).unique()))

        return self._read(work)

    def runs_for_schema(self, schema_name_or_hash: str, latest_per_document: bool = True) -> list[RunRecord]:
        """Finished runs of a schema (every version of a name), newest first; by default only the
        latest run of each document. InputError if no schema matches."""

        def work(s: Session) -> list[RunRecord]:
            ids = self._schema_ids(s, schema_name_or_hash)
            if not ids:
                raise InputError(f"no schema named {schema_name_or_hash!r}")
            q = (
                _run_query()
                .where(RunRow.schema_id.in_(ids), RunRow.status != "running")
                .order_by(RunRow.started_at.desc(), RunRow.id.desc())
            )
            runs = list(s.scalars(q).unique())
            if latest_per_document:
                seen: set[int] = set()
                runs = [r for r in runs if not (r.document_id in seen or seen.add(r.document_id))]
            return self._records(s, runs)

        return self._read(work)

    def review_candidates(
        self,
        statuses: tuple[str, ...],
        schema: str | None = None,
        batch: tuple[set[int], set[str]] | None = None,
    ) -> list[RunRecord]:
        """The newest finished run of each document (per schema) with one of `statuses`; `schema`: a
        name (every version) or hash prefix; `batch`: (run ids, document sha256s) of a batch."""

        def work(s: Session) -> list[RunRecord]:
            schema_ids = None
            if schema:
                schema_ids = list(self._schema_ids(s, schema))
                if not schema_ids:
                    raise InputError(f"no schema named {schema!r}")
            rows = queue_run_rows(s, _run_query(), statuses, schema_ids, batch)
            return self._records(s, rows)

        return self._read(work)

    def documents_awaiting_review(
        self, statuses: tuple[str, ...] = ("review", "partial", "invalid")
    ) -> set[str]:
        """sha256 of the documents with a run a person still has to look at (their files are kept)."""

        def work(s: Session) -> set[str]:
            q = select(DocumentRow.sha256).join(RunRow, RunRow.document_id == DocumentRow.id)
            return set(s.scalars(q.where(RunRow.status.in_(statuses)).distinct()))

        return self._read(work)

    def _records(self, s: Session, runs: list[RunRow]) -> list[RunRecord]:
        names = self._shown_names(s, (r.document_id for r in runs))
        records = [
            run_record(r, names.get(r.document_id, r.document.sha256[:12]), r.schema.name) for r in runs
        ]
        return with_reviews(records, load_reviews(s, [r.id for r in runs]))


def _result_values(extraction: Extraction) -> dict[str, Any]:
    return {
        "data": extraction.data,
        "raw_output": extraction.raw_output,
        "reasoning": extraction.reasoning,
        "notes": notes_with_verification(extraction),
        "errors": list(extraction.errors),
    }


def _evidence_values(extraction: Extraction) -> list[dict[str, Any]]:
    return [
        {
            "field_path": path,
            "page_no": ev.page_no,
            "bbox": list(ev.bbox) if ev.bbox is not None else None,
            "text": ev.text or "",
            "confidence": ev.confidence,
            "document": ev.document,
        }
        for path, ev in extraction.evidence.items()
    ]


def _finished_columns(
    extraction: Extraction, duration_s: float, model: str | None, had_usage: bool
) -> dict[str, Any]:
    """The run's columns once its result is stored. Usage is set only when it changes: a run starts
    with SQL NULL there, which stays NULL (not JSON null) when the result has no usage, as it did
    through the ORM."""
    columns: dict[str, Any] = {
        "status": extraction.status,
        "error": "; ".join(extraction.errors) if extraction.status == "failed" else None,
        "finished_at": utcnow(),
        "duration_s": float(duration_s),
        "model": extraction.model if extraction.model and not model else model,
    }
    if extraction.usage or had_usage:
        columns["usage"] = dict(extraction.usage) if extraction.usage else None
    return columns
