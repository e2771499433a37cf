"""The session plumbing every part of `Database` shares: read sessions, retried write transactions,
dialect-aware insert-or-ignore, and name lookups used by several queries."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Self, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from docai.errors import DocaiError, StorageError
from docai.storage import core_writes
from docai.storage.connection import WRITE_OPTION, first_line, with_retries
from docai.storage.models import Base, DocumentName, SchemaName, SchemaRow

_log = logging.getLogger(__name__)
T = TypeVar("T")
_HEX = set("0123456789abcdef")


def is_hex_prefix(ref: str, min_len: int = 6) -> bool:
    return len(ref) >= min_len and set(ref.lower()) <= _HEX


class DatabaseBase:
    """Holds the engine; subclasses add the queries."""

    url: str
    """The full SQLAlchemy URL (password included: usable by open_database in another process)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        self.url = url

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        """Release pooled connections (the object must not be used afterwards)."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, fn: Callable[[Session], T], what: str = "reading the database") -> T:
        return self._transaction(self._engine, fn, what)

    def _write(self, fn: Callable[[Session], T], what: str = "writing the database") -> T:
        """Run `fn` in one write transaction (BEGIN IMMEDIATE on SQLite), retried on lock contention."""
        return self._transaction(self._write_engine, fn, what)

    @staticmethod
    def _transaction(engine: Engine, fn: Callable[[Session], T], what: str) -> T:
        def once() -> T:
            with Session(engine, expire_on_commit=False) as s, s.begin():
                return fn(s)

        try:
            return with_retries(once, what)
        except DocaiError:
            raise
        except SQLAlchemyError as e:
            raise StorageError(f"{what}: {first_line(e)}") from e

    def _insert_ignore(self, s: Session, model: type[Base], values: dict[str, Any], keys: list[str]) -> None:
        """INSERT unless a row with the same unique `keys` exists (ON CONFLICT DO NOTHING)."""
        table = model.__table__  # type: ignore[attr-defined]
        s.execute(core_writes.on_conflict_insert(self.dialect, table, keys), values)

    @staticmethod
    def _shown_names(s: Session, doc_ids: Iterable[int]) -> dict[int, str]:
        """The most recently seen file name of each document."""
        ids = sorted(set(doc_ids))
        if not ids:
            return {}
        rows = s.execute(
            select(DocumentName.document_id, DocumentName.name)
            .where(DocumentName.document_id.in_(ids))
            .order_by(DocumentName.last_seen, DocumentName.id)
        ).all()
        return {doc_id: name for doc_id, name in rows}

    @staticmethod
    def _schema_ids(s: Session, ref: str) -> list[int]:
        """Schema rows a user reference means: every version of a name, or a hash / hash prefix."""
        ids = set(s.scalars(select(SchemaName.schema_id).where(SchemaName.name == ref)))
        ids |= set(s.scalars(select(SchemaRow.id).where(SchemaRow.name == ref)))
        if is_hex_prefix(ref):
            ids |= set(s.scalars(select(SchemaRow.id).where(SchemaRow.hash.startswith(ref.lower()))))
        return sorted(ids)
