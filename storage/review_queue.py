"""The review queue's query: the newest finished run of each document (per schema) whose status can
need a person, filtered by schema and batch in SQL, so a large database hands back only candidates.

Whether an `ok` run has a flagged field is read from its stored field reports by `docai.review`
(JSON the query does not look into)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from docai.storage.models import DocumentRow, RunRow

CHUNK = 500
"""Ids or hashes per IN list (well under any backend's limit on bound parameters)."""


def latest_runs(schema_ids: list[int] | None) -> Select[tuple[int]]:
    """Ids of the newest finished run of each document: per schema, or across the given schema's
    versions (a name's versions count as one schema)."""
    partition = [RunRow.document_id] if schema_ids is not None else [RunRow.document_id, RunRow.schema_id]
    rank = func.row_number().over(
        partition_by=partition, order_by=(RunRow.started_at.desc(), RunRow.id.desc())
    )
    ranked = select(RunRow.id.label("id"), rank.label("rank")).where(RunRow.status != "running")
    if schema_ids is not None:
        ranked = ranked.where(RunRow.schema_id.in_(schema_ids))
    sub = ranked.subquery()
    return select(sub.c.id).where(sub.c.rank == 1)


def batch_conditions(run_ids: Iterable[int], shas: Iterable[str]) -> list[ColumnElement[bool]]:
    """One condition per chunk: a run of the batch, or a run of a document the batch holds."""
    ids, hashes = sorted(set(run_ids)), sorted({h.lower() for h in shas})
    conds: list[ColumnElement[bool]] = [RunRow.id.in_(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]
    for i in range(0, len(hashes), CHUNK):
        docs = select(DocumentRow.id).where(DocumentRow.sha256.in_(hashes[i : i + CHUNK]))
        conds.append(RunRow.document_id.in_(docs))
    return conds


def queue_run_rows(
    s: Session,
    query: Select[tuple[RunRow]],
    statuses: tuple[str, ...],
    schema_ids: list[int] | None,
    batch: tuple[set[int], set[str]] | None,
) -> list[RunRow]:
    """The candidate runs, newest first (`query` is the runs query with its eager loads)."""
    q = query.where(RunRow.id.in_(latest_runs(schema_ids)), RunRow.status.in_(statuses))
    q = q.order_by(RunRow.started_at.desc(), RunRow.id.desc())
    if batch is None:
        return list(s.scalars(q).unique())
    found: dict[int, RunRow] = {}
    for cond in batch_conditions(*batch):
        for row in s.scalars(q.where(cond)).unique():
            found[row.id] = row
    return sorted(found.values(), key=lambda r: (r.started_at, r.id), reverse=True)
