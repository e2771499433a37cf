"""SQLite writers queue on `<database>.lock` (storage/write_lock.py): a second writer sleeps in the kernel
until the first commits, and a failed or rolled-back transaction lets go of the lock."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from docai.storage import open_database
from docai.storage.write_lock import WAITS, LockingConnection, lock_path

HOLD_S = 0.8
_HOLDER = """
import sys, time
from sqlalchemy import text
from docai.storage import open_database
db = open_database(sys.argv[1])
with db._write_engine.begin() as conn:
    conn.execute(text("INSERT INTO blobs (key, value, created_at) VALUES ('held', x'01', '2026-01-01')"))
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
db.close()
"""


def _lock_is_free(db_file: Path) -> bool:
    fd = os.open(lock_path(str(db_file)), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_second_writer_waits_on_the_lock_file_and_wakes_when_the_first_commits(tmp_path: Path) -> None:
    db_file = tmp_path / "w.db"
    open_database(db_file).close()  # created and migrated
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db_file), str(HOLD_S)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not _lock_is_free(db_file)  # the other process holds it inside its transaction
        waits = WAITS["count"]
        started = time.perf_counter()
        with open_database(db_file) as db:
            db.blob_cache().put("mine", b"\x02")  # a write transaction: waits for the holder
            waited = time.perf_counter() - started
            assert WAITS["count"] == waits + 1  # it slept on the lock file, not in SQLite's busy loop
            assert waited > HOLD_S / 4
            cache = db.blob_cache()
            assert cache.get("held") == b"\x01" and cache.get("mine") == b"\x02"
    finally:
        holder.wait(timeout=60)
    assert holder.returncode == 0
    assert _lock_is_free(db_file)


def test_a_failed_write_transaction_lets_go_of_the_lock(tmp_path: Path) -> None:
    db_file = tmp_path / "f.db"
    with open_database(db_file) as db:
        with pytest.raises(Exception, match="no such table"), db._write_engine.begin() as conn:
            assert not _lock_is_free(db_file)
            conn.execute(text("INSERT INTO no_such_table VALUES (1)"))
        assert _lock_is_free(db_file)
        db.blob_cache().put("after", b"\x03")  # the next write goes through
        assert db.blob_cache().get("after") == b"\x03"
        assert _lock_is_free(db_file)


def test_reads_take_no_lock(tmp_path: Path) -> None:
    db_file = tmp_path / "r.db"
    with open_database(db_file) as db, db.engine.begin() as conn:
        conn.execute(text("SELECT count(*) FROM blobs")).scalar()
        assert _lock_is_free(db_file)


def test_without_a_usable_lock_file_writes_go_on(tmp_path: Path) -> None:
    db_file = tmp_path / "n.db"
    Path(lock_path(str(db_file))).mkdir()  # a folder where the lock file would be: it cannot be opened
    with open_database(db_file) as db:
        db.blob_cache().put("k", b"\x04")
        assert db.blob_cache().get("k") == b"\x04"


def test_lock_path_only_for_database_files() -> None:
    assert lock_path("/x/docai.db") == "/x/docai.db.lock"
    assert lock_path(":memory:") is None and lock_path("file:x?mode=memory") is None
    conn = LockingConnection(":memory:")
    conn.acquire_write_lock()  # nothing to lock: a no-op
    conn.close()


def test_a_file_system_without_flock_leaves_writes_to_sqlite(tmp_path: Path, monkeypatch) -> None:
    """No file system here lacks flock, so its ENOLCK is simulated (the one stand-in in this file)."""
    import errno

    import docai.storage.write_lock as write_lock

    def no_flock(fd: int, op: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    with open_database(tmp_path / "nolock.db") as db:
        monkeypatch.setattr(write_lock.fcntl, "flock", no_flock)
        db.blob_cache().put("k", b"\x05")
        db.blob_cache().put("k2", b"\x06")
        assert db.blob_cache().get("k") == b"\x05" and db.blob_cache().get("k2") == b"\x06"
