"""Alembic migrations run programmatically, under a lock, whenever a database is opened.

The lock is the write transaction itself: SQLite's `BEGIN IMMEDIATE` (see connection.py) or a
PostgreSQL transaction-level advisory lock. The second process to arrive waits, then finds the schema
at head and does nothing. DDL is transactional on both, so a failed migration leaves the old schema.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from docai.errors import StorageError
from docai.storage.connection import WRITE_OPTION, first_line, with_retries

_log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_ID = 0x64_6F_63_61  # "doca"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""

    def read() -> str | None:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    try:
        return with_retries(read, "cannot read the database")
    except SQLAlchemyError as e:
        raise StorageError(f"cannot read the database: {first_line(e)}") from None


def _check_known(rev: str | None) -> None:
    if rev is None:
        return
    try:
        known = _scripts().get_revision(rev) is not None
    except Exception:
        known = False
    if not known:
        raise StorageError(
            f"the database is at schema revision {rev!r}, which this docai does not know "
            "(made by a newer version?)"
        )


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database to `revision` (default: head). Returns the revision it is at afterwards."""
    target = head_revision() if revision == "head" else revision
    before = current_revision(engine)
    _check_known(before)
    if before == target:
        return before

    def run() -> str | None:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_ID})
            now = MigrationContext.configure(conn).get_current_revision()
            _check_known(now)
            if now == target:
                return now
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            _log.info("migrating database from %s to %s", now or "empty", target)
            command.upgrade(cfg, revision)
            return MigrationContext.configure(conn).get_current_revision()

    try:
        return with_retries(run, "migrating the database")
    except StorageError:
        raise
    except SQLAlchemyError as e:
        raise StorageError(f"migrating the database failed: {first_line(e)}") from e
