"""A blocking cross-process lock around SQLite write transactions.

SQLite lets one writer in at a time; a second writer's `BEGIN IMMEDIATE` waits in SQLite's busy
handler, which sleeps 1, 2, 5, 10, 15, 20, 25 ... 100 ms between tries. With two batch workers that
each write three short transactions a file, most of those sleeps outlast the lock they wait for
(measured under load: about 20 ms lost a file, half the engine's time). Here each write transaction
first takes an exclusive `flock` on `<database>.lock`: a waiter sleeps in the kernel and wakes the
moment the holder commits or rolls back. SQLite's own locking still guards the data; the lock file
only orders the writers. Where the lock file cannot be made (a read-only folder), writes go on
without it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]

_log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"
WAITS = {"count": 0, "seconds": 0.0}
"""Write transactions of this process that found the lock held, and how long they waited in all."""


def lock_path(database: str) -> str | None:
    """The lock file of a SQLite database file (None for in-memory and URI databases)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database + LOCK_SUFFIX


class LockingConnection(sqlite3.Connection):
    """A pysqlite connection whose write transactions hold the database's lock file from
    `acquire_write_lock` (called just before `BEGIN IMMEDIATE`) to `commit`, `rollback` or `close`."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._lock_path = lock_path(os.fspath(database)) if fcntl is not None else None
        self._lock_fd: int | None = None
        self._held = False

    def _fd(self) -> int | None:
        if self._lock_fd is None and self._lock_path is not None:
            try:
                self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as e:
                _log.debug("no write lock file %s (%s): SQLite's busy handler alone", self._lock_path, e)
                self._lock_path = None
        return self._lock_fd

    def acquire_write_lock(self) -> None:
        fd = self._fd()
        if fd is None or self._held:
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                started = time.perf_counter()
                fcntl.flock(fd, fcntl.LOCK_EX)  # sleeps in the kernel until the holder lets go
                WAITS["count"] += 1
                WAITS["seconds"] += time.perf_counter() - started
        except OSError as e:  # a file system without flock (ENOLCK): SQLite's busy handler alone
            _log.debug("no write lock on %s (%s)", self._lock_path, e)
            self._lock_path = None
            with contextlib.suppress(OSError):
                os.close(fd)
            self._lock_fd = None
            return
        self._held = True

    def release_write_lock(self) -> None:
        if self._held and self._lock_fd is not None:
            self._held = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.release_write_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_write_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_write_lock()
            if self._lock_fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._lock_fd)
                self._lock_fd = None
