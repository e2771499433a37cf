"""Durable jobs of `docai serve`: create, claim files one at a time, finish, cancel, resume after a crash.

Exactly-once per file rests on two guarded updates: a claim (`queued` -> `claimed`, only if still queued)
and a finish (`claimed` -> `done`, only by the claim's owner while it holds it). A server that dies
leaves its claims to expire (`lease_until`); whoever runs next puts them back in the queue. A file
finished twice would need two owners to both pass the finish guard, which the row lock forbids.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from docai.errors import InputError
from docai.storage.base import DatabaseBase
from docai.storage.deliveries import DeliveryLog
from docai.storage.job_models import JobFileRow, JobRow, WebhookDeliveryRow
from docai.storage.models import utcnow


@dataclass
class JobFile:
    id: int
    job_id: str
    position: int
    path: str
    name: str
    sha256: str | None
    state: str
    attempts: int
    run_id: int | None = None
    status: str | None = None
    result: dict[str, Any] | None = None
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "name": self.name,
            "sha256": self.sha256,
            "state": self.state,
            "status": self.status,
            "run_id": self.run_id,
            "result": self.result,
        }


@dataclass
class Job:
    id: str
    kind: str
    state: str
    schema_name: str | None
    schema_json: dict[str, Any]
    options: dict[str, Any]
    webhook_url: str | None
    webhook_secret: str | None
    webhook_per_file: bool
    cancel_requested: bool
    created_at: datetime
    finished_at: datetime | None
    counts: dict[str, int] = field(default_factory=dict)
    key_id: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        done = self.counts.get("done", 0)
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "schema": self.schema_name,
            "cancel_requested": self.cancel_requested,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "progress": {"done": done, "total": self.total, "files": dict(self.counts)},
            "webhook_url": self.webhook_url,
        }


@dataclass
class NewFile:
    path: str
    name: str
    sha256: str | None = None


def _job(row: JobRow, counts: dict[str, int]) -> Job:
    return Job(
        row.id,
        row.kind,
        row.state,
        row.schema_name,
        row.schema_json,
        row.options or {},
        row.webhook_url,
        row.webhook_secret,
        row.webhook_per_file,
        row.cancel_requested,
        row.created_at,
        row.finished_at,
        counts,
        key_id=row.key_id,
    )


def _file(row: JobFileRow) -> JobFile:
    return JobFile(
        row.id,
        row.job_id,
        row.position,
        row.path,
        row.name,
        row.sha256,
        row.state,
        row.attempts,
        row.run_id,
        row.status,
        row.result,
        row.seq,
    )


class JobStore(DeliveryLog):
    """Job queries over one `Database` (it shares the database's retried transactions)."""

    def __init__(self, db: DatabaseBase) -> None:
        self.db = db

    def create(
        self,
        kind: str,
        files: list[NewFile],
        schema: dict[str, Any],
        *,
        schema_name: str | None = None,
        options: dict[str, Any] | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        webhook_per_file: bool = False,
        key_id: int | None = None,
    ) -> str:
        """A queued job with its files in order; returns its id."""
        if not files:
            raise InputError("no files to work on")
        job_id = secrets.token_hex(16)

        def work(s: Session) -> str:
            s.add(
                JobRow(
                    id=job_id,
                    kind=kind,
                    state="queued",
                    schema_name=schema_name,
                    schema_json=schema,
                    options=dict(options or {}),
                    webhook_url=webhook_url,
                    webhook_secret=webhook_secret,
                    webhook_per_file=webhook_per_file,
                    key_id=key_id,
                    cancel_requested=False,
                    created_at=utcnow(),
                )
            )
            s.flush()
            for i, f in enumerate(files):
                s.add(
                    JobFileRow(
                        job_id=job_id,
                        position=i,
                        path=f.path,
                        name=f.name,
                        sha256=f.sha256,
                        state="queued",
                        attempts=0,
                    )
                )
            return job_id

        return self.db._write(work, "creating a job")

    def get(self, job_id: str) -> Job | None:
        def work(s: Session) -> Job | None:
            row = s.get(JobRow, job_id)
            return _job(row, self._counts(s, job_id)) if row is not None else None

        return self.db._read(work, "reading a job")

    @staticmethod
    def _counts(s: Session, job_id: str) -> dict[str, int]:
        rows = s.execute(
            select(JobFileRow.state, func.count())
            .where(JobFileRow.job_id == job_id)
            .group_by(JobFileRow.state)
        ).all()
        return {state: n for state, n in rows}

    def files(self, job_id: str, *, state: str | None = None, after_seq: int | None = None) -> list[JobFile]:
        """A job's files by position; `after_seq`: only files finished after that sequence number."""

        def work(s: Session) -> list[JobFile]:
            q = select(JobFileRow).where(JobFileRow.job_id == job_id)
            if state:
                q = q.where(JobFileRow.state == state)
            if after_seq is not None:
                q = q.where(JobFileRow.seq > after_seq).order_by(JobFileRow.seq)
            else:
                q = q.order_by(JobFileRow.position)
            return [_file(r) for r in s.scalars(q)]

        return self.db._read(work, "reading a job's files")

    def active_job_ids(self) -> list[str]:
        """Jobs not yet finished, oldest first."""

        def work(s: Session) -> list[str]:
            q = select(JobRow.id).where(JobRow.state.in_(("queued", "running"))).order_by(JobRow.created_at)
            return list(s.scalars(q))

        return self.db._read(work, "listing jobs")

    def claim(self, owner: str, lease_s: float, job_id: str | None = None) -> JobFile | None:
        """Take the next queued file of an active, not cancelled job for `owner`, or None."""
        now = utcnow()

        def work(s: Session) -> JobFile | None:
            q = (
                select(JobFileRow)
                .join(JobRow, JobRow.id == JobFileRow.job_id)
                .where(JobFileRow.state == "queued", JobRow.state.in_(("queued", "running")))
                .where(JobRow.cancel_requested.is_(False))
                .order_by(JobRow.created_at, JobFileRow.position)
                .limit(1)
            )
            if job_id is not None:
                q = q.where(JobFileRow.job_id == job_id)
            if self.db.dialect == "postgresql":
                q = q.with_for_update(skip_locked=True, of=JobFileRow)
            row = s.scalar(q)
            if row is None:
                return None
            taken = s.execute(
                update(JobFileRow)
                .where(JobFileRow.id == row.id, JobFileRow.state == "queued")
                .values(
                    state="claimed",
                    claimed_by=owner,
                    lease_until=now + timedelta(seconds=lease_s),
                    attempts=JobFileRow.attempts + 1,
                )
            ).rowcount
            if taken != 1:
                return None
            s.execute(
                update(JobRow)
                .where(JobRow.id == row.job_id, JobRow.state == "queued")
                .values(state="running", started_at=now)
            )
            s.refresh(row)
            return _file(row)

        return self.db._write(work, "claiming a job file")

    def finish(
        self,
        file_id: int,
        owner: str,
        status: str,
        run_id: int | None,
        result: dict[str, Any],
        sha256: str | None = None,
    ) -> bool:
        """Record a claimed file's result; False (and nothing written) if `owner` no longer holds it."""

        def work(s: Session) -> bool:
            job_id = select(JobFileRow.job_id).where(JobFileRow.id == file_id).scalar_subquery()
            seq = (s.scalar(select(func.max(JobFileRow.seq)).where(JobFileRow.job_id == job_id)) or 0) + 1
            done = s.execute(
                update(JobFileRow)
                .where(
                    JobFileRow.id == file_id, JobFileRow.state == "claimed", JobFileRow.claimed_by == owner
                )
                .values(
                    state="done",
                    status=status,
                    run_id=run_id,
                    result=result,
                    finished_at=utcnow(),
                    seq=seq,
                    lease_until=None,
                    **({"sha256": sha256} if sha256 else {}),
                )
            ).rowcount
            return done == 1

        return self.db._write(work, "finishing a job file")

    def release(self, file_id: int, owner: str) -> None:
        """Give a claimed file back to the queue (the owner is stopping before it ran)."""

        def work(s: Session) -> None:
            s.execute(
                update(JobFileRow)
                .where(
                    JobFileRow.id == file_id, JobFileRow.claimed_by == owner, JobFileRow.state == "claimed"
                )
                .values(state="queued", claimed_by=None, lease_until=None)
            )

        self.db._write(work, "releasing a job file")

    def heartbeat(self, owner: str, lease_s: float) -> int:
        """Extend every lease `owner` holds; returns how many."""

        def work(s: Session) -> int:
            return s.execute(
                update(JobFileRow)
                .where(JobFileRow.claimed_by == owner, JobFileRow.state == "claimed")
                .values(lease_until=utcnow() + timedelta(seconds=lease_s))
            ).rowcount

        return self.db._write(work, "renewing job leases")

    def requeue_expired(self) -> int:
        """Claims whose owner stopped renewing them go back to the queue; returns how many."""

        def work(s: Session) -> int:
            return s.execute(
                update(JobFileRow)
                .where(JobFileRow.state == "claimed", JobFileRow.lease_until < utcnow())
                .values(state="queued", claimed_by=None, lease_until=None)
            ).rowcount

        return self.db._write(work, "requeueing expired job files")

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop: queued files are dropped, files in progress finish (then close it)."""

        def work(s: Session) -> bool:
            row = s.get(JobRow, job_id)
            if row is None:
                return False
            if row.state in ("queued", "running"):
                row.cancel_requested = True
                s.execute(
                    update(JobFileRow)
                    .where(JobFileRow.job_id == job_id, JobFileRow.state == "queued")
                    .values(state="cancelled")
                )
            return True

        if not self.db._write(work, "cancelling a job"):
            return None
        return self.get(job_id)

    def close_if_finished(self, job_id: str) -> str | None:
        """Mark the job done (or cancelled) once no file is queued or claimed. Returns the final state
        only to the one caller that made the change, so the end is announced once."""

        def work(s: Session) -> str | None:
            counts = self._counts(s, job_id)
            if counts.get("queued", 0) or counts.get("claimed", 0):
                return None
            row = s.get(JobRow, job_id)
            if row is None:
                return None
            final = "cancelled" if row.cancel_requested else "done"
            changed = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.state.in_(("queued", "running")))
                .values(state=final, finished_at=utcnow())
            ).rowcount
            return final if changed == 1 else None

        return self.db._write(work, "closing a job")

    def find_path(self, sha256: str) -> str | None:
        """The most recent path a job read the document with this SHA-256 from."""

        def work(s: Session) -> str | None:
            q = (
                select(JobFileRow.path)
                .where(JobFileRow.sha256 == sha256.lower())
                .order_by(JobFileRow.id.desc())
            )
            return s.scalar(q.limit(1))

        return self.db._read(work, "finding a document")

    def delete_finished_before(self, cutoff: datetime) -> int:
        """Forget jobs that ended (done or cancelled) before `cutoff`, with their files and webhook
        deliveries; returns how many jobs. Runs and results stay (they are the history)."""

        def work(s: Session) -> int:
            old = list(
                s.scalars(
                    select(JobRow.id).where(
                        JobRow.state.in_(("done", "cancelled")), JobRow.finished_at < cutoff
                    )
                )
            )
            for i in range(0, len(old), 500):
                part = old[i : i + 500]
                s.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.job_id.in_(part)))
                s.execute(delete(JobFileRow).where(JobFileRow.job_id.in_(part)))
                s.execute(delete(JobRow).where(JobRow.id.in_(part)))
            return len(old)

        return self.db._write(work, "deleting old jobs")

    def upload_paths_in_use(self) -> set[str]:
        """Paths the jobs still kept read their files from."""
        return self.db._read(
            lambda s: set(s.scalars(select(JobFileRow.path).distinct())), "listing job files"
        )
