"""Alembic migrations run programmatically, under a lock, whenever a database is opened.

The lock is the write transaction itself: SQLite's `BEGIN IMMEDIATE` (see connection.py) or a
PostgreSQL transaction-level advisory lock. The second process to arrive waits, then finds the schema
at head and does nothing. DDL is transactional on both, so a failed migration leaves the old schema.

Opening a database that is already at head (every run but the first) must stay cheap: the head is
read from the `revision = ...` lines of the migration files and the database's revision with one
SELECT, so Alembic (about a third of the storage import time, with Mako) is imported only when there
is something to migrate or the files are not a simple chain.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from docai.errors import StorageError
from docai.storage.connection import WRITE_OPTION, first_line, with_retries

_log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_ID = 0x64_6F_63_61  # "doca"
VERSION_TABLE = "alembic_version"
_REVISION_RE = re.compile(r"""^revision\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.M)
_DOWN_RE = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(?:None|["']([^"']+)["'])\s*(?:#.*)?$""", re.M)

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@lru_cache(maxsize=1)
def declared_revisions() -> dict[str, str | None] | None:
    """revision -> down_revision as the migration files declare them, or None when some file says
    it in a form this reader does not follow (a merge, a computed value): then Alembic decides."""
    chain: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION_RE.findall(source), _DOWN_RE.findall(source)
        if len(rev) != 1 or len(down) != 1 or rev[0] in chain:
            return None
        chain[rev[0]] = down[0] or None
    return chain or None


def _simple_head() -> str | None:
    """The one revision nothing revises, if the files form a simple chain."""
    chain = declared_revisions()
    if chain is None:
        return None
    heads = set(chain) - {d for d in chain.values() if d}
    return heads.pop() if len(heads) == 1 else None


def head_revision() -> str:
    head = _simple_head() or _scripts().get_current_head()
    assert head is not None
    return head


def _read_revision(engine: Engine) -> str | None:
    """The version table's one row, by plain SQL (None without the table or a row)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise StorageError(f"the database has {len(rows)} schema revisions (branches); docai keeps one")
    return rows[0] if rows else None


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    try:
        return with_retries(lambda: _read_revision(engine), "cannot read the database")
    except SQLAlchemyError as e:
        raise StorageError(f"cannot read the database: {first_line(e)}") from None


def _check_known(rev: str | None) -> None:
    if rev is None:
        return
    chain = declared_revisions()
    if chain is not None and rev in chain:
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

    from alembic import command
    from alembic.runtime.migration import MigrationContext

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
