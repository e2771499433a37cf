"""Claims: a document being worked on is claimed in the database, so concurrent batches (processes on one
machine, or machines on one PostgreSQL) do each document once, and a crashed worker's run is reclaimed.

A claim row is keyed by the cache key (document, schema, engine, model, options) and holds the `running`
run. It is inserted in the same transaction as that run and deleted in the one that finishes or fails it.
A claim is stale when its owner process is gone (same host: checked by pid and start time) or its lease
ran out (any host: owners renew it with `renew_claims`); a stale claim's run is marked failed
"interrupted" and the claim is taken over.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from datetime import timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docai.errors import StorageError
from docai.storage import core_writes
from docai.storage.base import DatabaseBase
from docai.storage.models import ClaimRow, RunRow, utcnow

_log = logging.getLogger(__name__)

LEASE_S = float(os.environ.get("DOCAI_LEASE_S", "120"))
"""How long a claim lives without renewal; owners renew it every LEASE_S / 4."""
INTERRUPTED = "interrupted: the process working on it stopped before it finished"
HELD, DONE = "held", "done"


def claim_key(sha256: str, schema_hash: str, engine: str, model: str | None, options_key: str) -> str:
    text = "\0".join((sha256.lower(), schema_hash, engine, model or "", options_key))
    return hashlib.sha256(text.encode()).hexdigest()


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks (Linux), to tell a live owner from a reused pid."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


@lru_cache(maxsize=8)
def _owner_for(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}"


def process_owner() -> str:
    """This process as a claim owner: host, pid and start time."""
    return _owner_for(os.getpid())


def owner_alive(owner: str) -> bool | None:
    """True/False for an owner on this host; None when it runs elsewhere (only its lease tells)."""
    host, _, rest = owner.partition(":")
    pid_s, _, ticks = rest.partition(":")
    if host != socket.gethostname() or not pid_s.isdigit():
        return None
    now_ticks = _start_ticks(int(pid_s))
    if now_ticks is None:
        return False
    return ticks in ("?", now_ticks)


def _stale(claim: Any) -> bool:
    """`claim`: a ClaimRow or a row with its owner and lease_until."""
    alive = owner_alive(claim.owner)
    if alive is False:
        return True
    return claim.lease_until < utcnow()


def _interrupt(s: Session | Connection, run_id: int | None) -> None:
    if run_id is None:
        return
    s.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status == "running")
        .values(status="failed", error=INTERRUPTED, finished_at=utcnow())
    )


def claim_in(
    s: Session,
    key: str,
    document_id: int,
    schema_id: int,
    engine: str,
    model: str | None,
    options: dict[str, Any],
    options_key: str,
    owner: str,
    *,
    unless_done: bool,
    include_failed: bool,
) -> int | str:
    """`ClaimsMixin.claim_run`'s work inside the caller's write transaction `s` (IntegrityError when
    another process inserted the same claim first). Runs on the transaction's connection with the
    statements of core_writes.py (the ORM spent most of a batch file's time under the write lock)."""
    conn = s.connection()
    held = core_writes.claim_of(conn, key)
    if held is not None:
        if not _stale(held):
            return HELD
        _log.warning("taking over a stale claim of run %s (owner %s)", held.run_id, held.owner)
        _interrupt(conn, held.run_id)
        core_writes.drop_claim(conn, key)
    job = core_writes.job_of(document_id, schema_id, engine, model, options_key)
    done = unless_done and core_writes.finished_run_exists(
        conn, job, include_failed=include_failed, interrupted=INTERRUPTED
    )
    if done:
        return DONE
    now = utcnow()
    return core_writes.insert_run_and_claim(
        conn, job, options, key, owner, now, now + timedelta(seconds=LEASE_S)
    )


class ClaimsMixin(DatabaseBase):
    def claim_run(
        self,
        key: str,
        document_id: int,
        schema_id: int,
        engine: str,
        model: str | None,
        options: dict[str, Any],
        options_key: str,
        *,
        unless_done: bool = False,
        include_failed: bool = False,
    ) -> int | str:
        """Start a `running` run holding the claim `key` and return its id; HELD when a live owner holds
        the claim, DONE (with `unless_done`) when a finished run for the same job is there by now (it
        finished between the caller's cache lookup and this claim)."""
        owner = process_owner()

        def work(s: Session) -> int | str:
            return claim_in(
                s, key, document_id, schema_id, engine, model, options, options_key, owner,
                unless_done=unless_done, include_failed=include_failed,
            )  # fmt: skip

        try:
            return self._write(work, "claiming a document")
        except StorageError as e:
            if isinstance(e.__cause__, IntegrityError):  # another process inserted the same key first
                return HELD
            raise

    def claim_holder(self, key: str) -> tuple[str, bool] | None:
        """(owner, stale) of the claim on `key`, None when nobody holds it."""

        def work(s: Session) -> tuple[str, bool] | None:
            held = s.get(ClaimRow, key)
            return None if held is None else (held.owner, _stale(held))

        return self._read(work)

    def renew_claims(self, owner: str | None = None) -> int:
        """Push the lease of every claim `owner` (default: this process) holds; returns how many."""
        who = owner or process_owner()

        def work(s: Session) -> int:
            until = utcnow() + timedelta(seconds=LEASE_S)
            result = s.execute(update(ClaimRow).where(ClaimRow.owner == who).values(lease_until=until))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

        return self._write(work, "renewing claims")

    def fail_claims_of(self, pid: int, error: str) -> list[int]:
        """A worker process on this host died: fail the runs it held with `error`; returns their ids."""
        prefix = f"{socket.gethostname()}:{pid}:"

        def work(s: Session) -> list[int]:
            claims = list(
                s.scalars(select(ClaimRow).where(ClaimRow.owner.startswith(prefix, autoescape=True)))
            )
            ids = [c.run_id for c in claims]
            for claim in claims:
                s.execute(
                    update(RunRow)
                    .where(RunRow.id == claim.run_id, RunRow.status == "running")
                    .values(status="failed", error=error, finished_at=utcnow())
                )
                s.delete(claim)
            return ids

        return self._write(work, "failing a dead worker's runs")

    def reclaim_stale(self) -> int:
        """Mark the runs of stale claims, and `running` runs no claim holds, failed 'interrupted'."""

        def work(s: Session) -> int:
            count = 0
            for claim in list(s.scalars(select(ClaimRow))):
                if _stale(claim):
                    _interrupt(s, claim.run_id)
                    s.delete(claim)
                    count += 1
            s.flush()
            held = select(ClaimRow.run_id)
            old = utcnow() - timedelta(seconds=LEASE_S)  # a claim-less run of another caller may be live
            orphans = s.execute(
                update(RunRow)
                .where(RunRow.status == "running", RunRow.id.not_in(held), RunRow.started_at < old)
                .values(status="failed", error=INTERRUPTED, finished_at=utcnow())
            )
            return count + int(orphans.rowcount or 0)  # type: ignore[attr-defined]

        return self._write(work, "reclaiming interrupted runs")


def release_claim(s: Session, run_id: int) -> None:
    """Inside the transaction that finishes, fails or discards a run: its claim goes with it."""
    core_writes.release_claim(s.connection(), run_id)


class LeaseKeeper:
    """A daemon thread renewing this process's claims every LEASE_S / 4 until `stop()`."""

    def __init__(self, db: ClaimsMixin) -> None:
        self._db = db
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="docai-lease", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(LEASE_S / 4):
            try:
                self._db.renew_claims()
            except Exception as e:  # a missed renewal is retried; the lease has room for three
                _log.warning("renewing claims failed: %s", e)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
