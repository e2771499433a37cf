"""`Database`: the one object the service layer, CLI and web UI use to read and write docai's data."""

from __future__ import annotations

import logging
import os

from sqlalchemy.exc import SQLAlchemyError

from docai.errors import StorageError
from docai.storage.answers import AnswersMixin
from docai.storage.claims import ClaimsMixin
from docai.storage.connection import default_database_url, first_line, make_engine, parse_url, to_url
from docai.storage.corrections import CorrectionsMixin
from docai.storage.documents import DocumentsMixin
from docai.storage.migrate import current_revision, upgrade
from docai.storage.runs import RunsMixin
from docai.storage.schemas import SchemasMixin

_log = logging.getLogger(__name__)


class Database(DocumentsMixin, SchemasMixin, RunsMixin, ClaimsMixin, AnswersMixin, CorrectionsMixin):
    """Documents, schemas, runs with results and evidence, answers and blobs in one SQL database.

    Thread-safe (one engine with a connection pool) and safe to use from several processes at once.
    """

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
