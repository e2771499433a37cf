"""Every webhook attempt of a job, with what the receiver answered (part of the JobStore)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docai.storage.base import DatabaseBase
from docai.storage.job_models import WebhookDeliveryRow
from docai.storage.models import utcnow


class DeliveryLog:
    """Webhook delivery records over `self.db`."""

    db: DatabaseBase

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
