"""`Database`: the one object the service layer, CLI and web UI use to read and write docai's data."""

from __future__ import annotations

import logging
import os
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from docai.errors import StorageError
from docai.storage.answers import AnswersMixin
from docai.storage.claims import HELD, ClaimsMixin, claim_in, process_owner
from docai.storage.connection import default_database_url, first_line, make_engine, parse_url, to_url
from docai.storage.corrections import CorrectionsMixin
from docai.storage.documents import DocumentsMixin
from docai.storage.migrate import current_revision, upgrade
from docai.storage.runs import RunsMixin
from docai.storage.schemas import SchemasMixin

_log = logging.getLogger(__name__)

DocumentFacts = tuple[str, str, int, str, int | None]
"""(sha256, file name, size in bytes, MIME type, page count or None), as `upsert_document` takes them."""


class Database(DocumentsMixin, SchemasMixin, RunsMixin, ClaimsMixin, AnswersMixin, CorrectionsMixin):
    """Documents, schemas, runs with results and evidence, answers and blobs in one SQL database.

    Thread-safe (one engine with a connection pool) and safe to use from several processes at once.
    """

    def claim_document_run(
        self,
        document: DocumentFacts,
        key: str,
        schema_id: int,
        engine: str,
        model: str | None,
        options: dict[str, Any],
        options_key: str,
        *,
        unless_done: bool = False,
        include_failed: bool = False,
    ) -> int | str:
        """`upsert_document(*document)` then `claim_run` on it, in one write transaction: a batch takes
        the write lock twice a file instead of three times. Returns what `claim_run` returns."""
        upsert, owner = self.document_upsert(*document), process_owner()  # checks the facts now
        upserted: list[int] = []

        def work(s: Session) -> int | str:
            doc_id = upsert(s)
            upserted[:] = [doc_id]
            return claim_in(
                s, key, doc_id, schema_id, engine, model, options, options_key, owner,
                unless_done=unless_done, include_failed=include_failed,
            )  # fmt: skip

        try:
            return self._write(work, "claiming a document")
        except StorageError as e:
            if not upserted or not isinstance(e.__cause__, IntegrityError):
                raise
        self.upsert_document(*document)  # another process claimed it first: the name is still recorded
        return HELD

    def revision(self) -> str | None:
        """The Alembic revision the database is at."""
        return current_revision(self._engine)

    def upgrade(self) -> str | None:
        """Apply pending migrations (open_database already does this)."""
        return upgrade(self._engine)

    @property
    def display_url(self) -> str:
        """`url` with any password masked, for messages."""
        return parse_url(self.url).render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"


def open_database(url_or_path: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Database:
    """Open (creating and migrating as needed) the database at a path or SQLAlchemy URL.

    None means `default_database_url()` ($DOCAI_DB, else docai.db in the data dir).
    """
    url = default_database_url() if url_or_path is None else to_url(url_or_path)
    shown = parse_url(url).render_as_string(hide_password=True)
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
    except StorageError as e:
        engine.dispose()
        raise StorageError(f"{shown}: {e}") from None
    except SQLAlchemyError as e:
        engine.dispose()
        raise StorageError(f"cannot open the database {shown}: {first_line(e)}") from None
    _log.debug("opened database %s", shown)
    return Database(engine, parse_url(url).render_as_string(hide_password=False))
