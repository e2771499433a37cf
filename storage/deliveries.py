"""Every webhook attempt of a job, with what the receiver answered (part of the JobStore), and the
deliveries a stopped server left pending: an event with no attempt that got through and tries left.

An event's delivery id is the same for every attempt (`{job}.file.{position}`, `{job}.job.{state}`), so
a restarted server finds what is pending by id and goes on where the stopped one left off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from docai.storage.base import DatabaseBase
from docai.storage.job_models import JobFileRow, JobRow, WebhookDeliveryRow
from docai.storage.models import utcnow


def file_delivery_id(job_id: str, position: int) -> str:
    return f"{job_id}.file.{position}"


def end_delivery_id(job_id: str, state: str) -> str:
    return f"{job_id}.job.{state}"


@dataclass
class PendingDelivery:
    """A webhook event not yet delivered, with the attempt to go on from (1 for one never tried)."""

    job_id: str
    event: str
    delivery_id: str
    next_attempt: int
    position: int | None = None  # a per-file event's file; None for the end event


class DeliveryLog:
    """Webhook delivery records over `self.db`."""

    db: DatabaseBase

    def pending_deliveries(
        self, attempts: int, within: timedelta = timedelta(days=1)
    ) -> list[PendingDelivery]:
        """Per-file and end events of jobs with a webhook, finished within `within`, that no attempt
        delivered and that have tries left (fewer than `attempts` recorded), per-file events first."""

        def work(s: Session) -> list[PendingDelivery]:
            since = utcnow() - within
            files = s.execute(
                select(JobFileRow.job_id, JobFileRow.position)
                .join(JobRow, JobRow.id == JobFileRow.job_id)
                .where(JobRow.webhook_url.is_not(None), JobRow.webhook_per_file.is_(True))
                .where(JobFileRow.state == "done", JobFileRow.finished_at >= since)
                .order_by(JobFileRow.job_id, JobFileRow.position)
            ).all()
            ends = s.execute(
                select(JobRow.id, JobRow.state)
                .where(JobRow.state.in_(("done", "cancelled")), JobRow.webhook_url.is_not(None))
                .where(JobRow.finished_at >= since)
                .order_by(JobRow.finished_at)
            ).all()
            tried = _attempts(s, {j for j, _ in files} | {j for j, _ in ends})
            out = []
            for job_id, position in files:
                left = _next_attempt(tried, file_delivery_id(job_id, position), attempts)
                if left:
                    did = file_delivery_id(job_id, position)
                    out.append(PendingDelivery(job_id, "file.done", did, left, position))
            for job_id, state in ends:
                did = end_delivery_id(job_id, state)
                left = _next_attempt(tried, did, attempts, legacy=tried.get((job_id, "job.*")))
                if left:
                    out.append(PendingDelivery(job_id, f"job.{state}", did, left))
            return out

        return self.db._read(work, "finding pending webhook deliveries")

    def record_delivery(
        self,
        job_id: str,
        event: str,
        url: str,
        attempt: int,
        *,
        status_code: int | None,
        error: str | None,
        delivered: bool,
        duration_s: float,
        delivery_id: str | None = None,
    ) -> None:
        def work(s: Session) -> None:
            s.add(
                WebhookDeliveryRow(
                    job_id=job_id,
                    event=event,
                    url=url,
                    attempt=attempt,
                    status_code=status_code,
                    error=error,
                    delivered=delivered,
                    duration_s=duration_s,
                    created_at=utcnow(),
                    delivery_id=delivery_id,
                )
            )

        self.db._write(work, "recording a webhook delivery")

    def deliveries(self, job_id: str) -> list[dict[str, Any]]:
        def work(s: Session) -> list[dict[str, Any]]:
            q = select(WebhookDeliveryRow).where(WebhookDeliveryRow.job_id == job_id)
            return [
                {
                    "event": r.event,
                    "attempt": r.attempt,
                    "status_code": r.status_code,
                    "error": r.error,
                    "delivered": r.delivered,
                    "at": r.created_at.isoformat(),
                }
                for r in s.scalars(q.order_by(WebhookDeliveryRow.id))
            ]

        return self.db._read(work, "reading webhook deliveries")


def _attempts(s: Session, job_ids: set[str]) -> dict[Any, tuple[int, bool]]:
    """(attempts recorded, any delivered) per delivery id of these jobs; attempts recorded before
    delivery ids were (migration 0007) count under (job id, "job.*") for end events."""
    out: dict[Any, tuple[int, bool]] = {}
    ids = sorted(job_ids)
    for i in range(0, len(ids), 500):
        q = (
            select(
                WebhookDeliveryRow.job_id,
                WebhookDeliveryRow.event,
                WebhookDeliveryRow.delivery_id,
                func.max(WebhookDeliveryRow.attempt),
                func.max(func.cast(WebhookDeliveryRow.delivered, Integer)),
            )
            .where(WebhookDeliveryRow.job_id.in_(ids[i : i + 500]))
            .group_by(WebhookDeliveryRow.job_id, WebhookDeliveryRow.event, WebhookDeliveryRow.delivery_id)
        )
        for job_id, event, did, most, delivered in s.execute(q):
            key = did if did is not None else (job_id, "job.*" if event.startswith("job.") else event)
            seen = out.get(key, (0, False))
            out[key] = (max(seen[0], most or 0), seen[1] or bool(delivered))
    return out


def _next_attempt(
    tried: dict[Any, tuple[int, bool]],
    delivery_id: str,
    attempts: int,
    legacy: tuple[int, bool] | None = None,
) -> int:
    """The attempt to go on from, or 0 when the event was delivered or its tries are used up (an end
    event with any attempt from before delivery ids counts as handled, as it did then)."""
    if legacy is not None:
        return 0
    count, delivered = tried.get(delivery_id, (0, False))
    if delivered or count >= attempts:
        return 0
    return count + 1
