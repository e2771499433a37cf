"""Where the database is and how to connect to it safely from several processes.

SQLite gets WAL, foreign keys, a 30 s busy timeout and `BEGIN IMMEDIATE` for write transactions: a
writer takes the write lock when its transaction starts, so two processes never both hold a read
snapshot and then fight to upgrade it ("database is locked" with no wait). Before that, a writer
queues on the database's lock file (write_lock.py), so it wakes when the other writer commits instead
of in SQLite's sleeping busy handler. Reads use a plain deferred BEGIN and never block writers under
WAL.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from docai.errors import StorageError
from docai.storage.write_lock import LockingConnection

_log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0
WRITE_OPTION = "docai_write"
T = TypeVar("T")
_OPEN_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
"""Every engine make_engine made that is still referenced (see dispose_open_engines)."""


def data_dir() -> Path:
    """Where docai keeps its files (web UI uploads, the default database): `$DOCAI_HOME`; else the folder
    of the SQLite file `$DOCAI_DB` names, so uploads stay beside their database; else the platform's
    user data dir (`~/.local/share/docai`)."""
    home = os.environ.get("DOCAI_HOME")
    if home:
        return Path(home).expanduser()
    implied = data_dir_for(os.environ.get("DOCAI_DB"))
    if implied is not None:
        return implied
    import platformdirs

    return Path(platformdirs.user_data_dir("docai"))


def data_dir_for(db: str | None) -> Path | None:
    """The folder of a SQLite database file (None for other backends, or no database named)."""
    if not db or not db.strip():
        return None
    try:
        path = sqlite_file(parse_url(to_url(db)))
    except StorageError:
        return None
    return path.parent if path is not None else None


def to_url(url_or_path: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL from a URL or a file path (a path means a SQLite file)."""
    text = os.fspath(url_or_path).strip()
    if not text:
        raise StorageError("empty database path")
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def default_database_url() -> str:
    """`$DOCAI_DB` (a path or any SQLAlchemy URL), else `docai.db` in the data dir."""
    env = os.environ.get("DOCAI_DB")
    if env and env.strip():
        return to_url(env)
    return to_url(data_dir() / "docai.db")


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as e:
        raise StorageError(f"not a database URL: {url!r} ({e})") from None


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL (None for in-memory or other backends)."""
    if url.get_backend_name() != "sqlite":
        return None
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's begin event emit BEGIN itself (pysqlite's own transaction handling is off).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() not in ("wal", "memory"):
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


def _on_sqlite_begin(conn: Any) -> None:
    if not conn.get_execution_options().get(WRITE_OPTION, False):
        conn.exec_driver_sql("BEGIN")
        return
    raw = conn.connection.dbapi_connection
    acquire = getattr(raw, "acquire_write_lock", None)
    if acquire is not None:
        acquire()  # writers queue on the lock file instead of SQLite's sleeping busy handler
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if acquire is not None:
            raw.release_write_lock()
        raise


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for `url` (SQLite or PostgreSQL); SQLite files get their folder created and
    the pragmas above."""
    parsed = parse_url(url)
    kwargs: dict[str, Any] = {"future": True}
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):  # the writes are SQLite's and PostgreSQL's statements
        raise StorageError(
            f"cannot use database {parsed.render_as_string(hide_password=True)}: "
            f"docai stores its data in SQLite or PostgreSQL, not {backend}"
        )
    is_sqlite = backend == "sqlite"
    if is_sqlite:
        path = sqlite_file(parsed)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StorageError(f"cannot create the database folder {path.parent}: {e.strerror}") from None
        kwargs["connect_args"] = {
            "timeout": BUSY_TIMEOUT_S,
            "check_same_thread": False,
            "factory": LockingConnection,
        }
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as e:
        raise StorageError(
            f"cannot use database {parsed.render_as_string(hide_password=True)}: {e}"
        ) from None
    except Exception as e:  # e.g. NoSuchModuleError for an unknown dialect
        raise StorageError(
            f"cannot use database {parsed.render_as_string(hide_password=True)}: {e}"
        ) from None
    if is_sqlite:
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    _OPEN_ENGINES.add(engine)
    return engine


def dispose_open_engines() -> None:
    """Close the pooled connections of every engine still alive, for a process about to leave with
    `os._exit` (docai/cli/process_exit.py): closing SQLite's last connection checkpoints its WAL, as
    the interpreter's own teardown would (disposing an engine twice is harmless)."""
    for engine in list(_OPEN_ENGINES):
        engine.dispose()


def is_retryable(exc: BaseException) -> bool:
    """Lock contention that is worth another try (SQLite busy, PostgreSQL deadlock/serialization)."""
    if not isinstance(exc, OperationalError | DBAPIError):
        return False
    text = str(getattr(exc, "orig", exc)).lower()
    code = getattr(getattr(exc, "orig", None), "pgcode", None)
    return "database is locked" in text or "database is busy" in text or code in ("40001", "40P01")


def with_retries(fn: Callable[[], T], what: str, attempts: int = 8) -> T:
    """Run `fn`, retrying on lock contention as a last resort. The busy timeout already waits in most
    cases, but SQLite returns SQLITE_BUSY at once in a few (e.g. while another process switches a new
    file to WAL or recovers the WAL index), so those get a short randomised back-off here."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except (OperationalError, DBAPIError) as e:
            if not is_retryable(e) or attempt == attempts:
                raise StorageError(f"{what}: {first_line(e)}") from e
            _log.warning("%s: %s; retry %d/%d", what, first_line(e), attempt, attempts - 1)
            time.sleep(min(1.0, 0.05 * 2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__
