"""Every webhook attempt of a job, with what the receiver answered (part of the JobStore)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docai.storage.base import DatabaseBase
from docai.storage.job_models import JobRow, WebhookDeliveryRow
from docai.storage.models import utcnow


class DeliveryLog:
    """Webhook delivery records over `self.db`."""

    db: DatabaseBase

    def ended_without_end_delivery(self, within: timedelta = timedelta(days=1)) -> list[tuple[str, str]]:
        """(job id, final state) of jobs with a webhook that ended within `within` and have no attempt at
        their end event recorded: the server that closed them stopped before it could send it."""

        def work(s: Session) -> list[tuple[str, str]]:
            tried = select(WebhookDeliveryRow.job_id).where(WebhookDeliveryRow.event.like("job.%"))
            q = select(JobRow.id, JobRow.state).where(
                JobRow.state.in_(("done", "cancelled")),
                JobRow.webhook_url.is_not(None),
                JobRow.finished_at >= utcnow() - within,
                JobRow.id.not_in(tried),
            )
            return [(job_id, state) for job_id, state in s.execute(q.order_by(JobRow.finished_at))]

        return self.db._read(work, "finding unannounced job ends")

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
