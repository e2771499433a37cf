"""Webhook calls: a JSON body signed with HMAC-SHA256, retried with exponential backoff, every attempt
recorded in the database. Sent from a small thread pool so no worker waits on a slow receiver.

A receiver checks `X-Docai-Signature: sha256=<hex>` against HMAC-SHA256(secret, raw body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import httpx

from docai.server.metrics import Metrics
from docai.storage.jobs import JobStore

_log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Docai-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    return header is not None and hmac.compare_digest(sign(secret, body), header)


class WebhookSender:
    """Queues deliveries; `attempts` tries each, waiting `backoff_s`, 2x, 4x… between them."""

    def __init__(
        self,
        store: JobStore,
        metrics: Metrics,
        *,
        attempts: int = 5,
        backoff_s: float = 0.5,
        timeout_s: float = 10.0,
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self._client = httpx.Client(timeout=timeout_s, follow_redirects=False)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="docai-webhook")
        self._closed = False

    def send(
        self,
        job_id: str,
        url: str,
        secret: str,
        event: str,
        payload: dict[str, Any],
        delivery_id: str = "",
        first_attempt: int = 1,
    ) -> Future[bool]:
        """Queue one event. `delivery_id` is the same for every attempt and any resend of the event, so a
        receiver can drop repeats (delivery is at least once); every attempt is recorded under it, so a
        restarted server sends what a stopped one left pending (`first_attempt`: where it goes on)."""
        body = json.dumps({"event": event, **payload}, ensure_ascii=False, default=str).encode()
        did = delivery_id or f"{job_id}.{event}"
        return self._pool.submit(self._deliver, job_id, url, secret, event, body, did, first_attempt)

    def _deliver(
        self, job_id: str, url: str, secret: str, event: str, body: bytes, delivery_id: str, first: int
    ) -> bool:
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(secret, body),
            "X-Docai-Event": event,
            "X-Docai-Delivery": delivery_id,
        }
        for attempt in range(max(1, first), self.attempts + 1):
            if self._closed:
                return False
            started = time.perf_counter()
            code: int | None = None
            error: str | None = None
            try:
                code = self._client.post(url, content=body, headers=headers).status_code
                if not 200 <= code < 300:
                    error = f"HTTP {code}"
            except httpx.HTTPError as e:
                error = f"{type(e).__name__}: {e}"
            ok = error is None
            self.store.record_delivery(
                job_id, event, url, attempt, status_code=code, error=error, delivered=ok,
                duration_s=time.perf_counter() - started, delivery_id=delivery_id,
            )  # fmt: skip
            self.metrics.inc("docai_webhook_deliveries_total", outcome="delivered" if ok else "failed")
            if ok:
                return True
            _log.warning("webhook %s for job %s: attempt %d: %s", event, job_id, attempt, error)
            if attempt < self.attempts:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
        return False

    def close(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
        self._closed = True
        self._client.close()
