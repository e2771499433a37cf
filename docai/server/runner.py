"""Runs queued job files: worker threads claim one file at a time from the database, extract it
through the service, record the result, announce it (waiters, SSE, webhooks) and close the job.

A maintenance thread renews this server's leases and returns expired claims (a server that died)
to the queue, so a restarted server resumes its jobs and every file is finished once.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docai.file_result import FileResult
from docai.options import Options
from docai.schema import ResolvedSchema, resolve_schema
from docai.server.metrics import Metrics
from docai.server.webhooks import WebhookSender
from docai.storage.deliveries import end_delivery_id, file_delivery_id
from docai.storage.jobs import Job, JobFile, JobStore

_log = logging.getLogger(__name__)

RunFile = Callable[[Path, ResolvedSchema, int, Options], FileResult]


@dataclass
class _JobPlan:
    """What every file of one job needs, worked out once per job."""

    resolved: ResolvedSchema
    schema_id: int
    options: Options


class Notifier:
    """Wakes whoever waits on a job (a `?wait=` request, an SSE stream) when one of its files ends."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._versions: dict[str, int] = {}

    def version(self, job_id: str) -> int:
        with self._cond:
            return self._versions.get(job_id, 0)

    def notify(self, job_id: str) -> None:
        with self._cond:
            self._versions[job_id] = self._versions.get(job_id, 0) + 1
            self._cond.notify_all()

    def wait(self, job_id: str, seen: int, timeout: float) -> int:
        """Block until the job's version passes `seen` or `timeout` passes; returns the version."""
        with self._cond:
            self._cond.wait_for(lambda: self._versions.get(job_id, 0) > seen, timeout=max(0.0, timeout))
            return self._versions.get(job_id, 0)


class JobRunner:
    """Worker threads over the job queue of one database."""

    def __init__(
        self,
        service: Any,
        store: JobStore,
        metrics: Metrics,
        webhooks: WebhookSender,
        *,
        workers: int = 1,
        lease_s: float = 30.0,
        run_file: RunFile | None = None,
    ) -> None:
        self.service = service
        self.store = store
        self.metrics = metrics
        self.webhooks = webhooks
        self.notifier = Notifier()
        self.owner = f"{uuid.uuid4().hex[:12]}"
        self.lease_s = lease_s
        self.workers = workers
        self.run_file = run_file or self._run_local
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._plans: dict[str, _JobPlan] = {}
        self._plans_lock = threading.Lock()

    # -- life -------------------------------------------------------------------------------------------
    def start(self) -> None:
        self.store.requeue_expired()
        self._resend_pending()
        for i in range(self.workers):
            t = threading.Thread(target=self._work_loop, name=f"docai-job-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        t = threading.Thread(target=self._maintain_loop, name="docai-job-lease", daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the files in progress, then stop (their claims are released only by finishing)."""
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self._threads.clear()

    def cancel(self, job_id: str) -> Job | None:
        """Stop a job after its files in progress; None if there is no such job."""
        if self.store.cancel(job_id) is None:
            return None
        self._close(job_id)
        return self.store.get(job_id)

    def wake(self) -> None:
        """A job was created: look for work now rather than at the next poll."""
        self._wake.set()

    # -- the loops --------------------------------------------------------------------------------------
    def _work_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before looking: a job created from now on wakes the wait below
            try:
                claimed = self.store.claim(self.owner, self.lease_s)
            except Exception:
                _log.exception("claiming a job file failed")
                claimed = None
            if claimed is None:
                self._wake.wait(0.5)
                continue
            self._process(claimed)

    def _maintain_loop(self) -> None:
        interval = max(0.2, self.lease_s / 3)
        while not self._stop.wait(interval):
            try:
                self.store.heartbeat(self.owner, self.lease_s)
                if self.store.requeue_expired():
                    self._wake.set()
                for job_id in self.store.active_job_ids():
                    self._close(job_id)
            except Exception:
                _log.exception("job maintenance failed")

    # -- one file -------------------------------------------------------------------------------------
    def _plan(self, job: Job) -> _JobPlan:
        with self._plans_lock:
            plan = self._plans.get(job.id)
        if plan is None:
            resolved = resolve_schema(job.schema_json)
            resolved = ResolvedSchema(job.schema_name, resolved.schema, resolved.hash)
            schema_id, _ = self.service.db.save_schema(resolved.schema, resolved.name)
            options = self.service.options.replace(**job.options) if job.options else self.service.options
            plan = _JobPlan(resolved, schema_id, options)
            with self._plans_lock:
                self._plans[job.id] = plan
        return plan

    def _run_local(
        self, path: Path, resolved: ResolvedSchema, schema_id: int, options: Options
    ) -> FileResult:
        return self.service.extract_file(path, resolved, schema_id, options)

    def _process(self, f: JobFile) -> None:
        job = self.store.get(f.job_id)
        if job is None:
            return
        try:
            plan = self._plan(job)
            result = self.run_file(Path(f.path), plan.resolved, plan.schema_id, plan.options)
        except Exception as e:  # the service turns file problems into results; this is a bug or a lost node
            _log.exception("job %s file %s", f.job_id, f.name)
            result = FileResult.failed(f.name, f"{type(e).__name__}: {e}", self.service.options.engine, None)
        result.file = f.name
        payload = result.to_json()
        if not self.store.finish(f.id, self.owner, result.status, result.run_id, payload, result.sha256):
            _log.warning(
                "job %s file %s: claim lost before it finished; result not recorded", f.job_id, f.name
            )
            return
        self.metrics.inc("docai_files_total", status=result.status)
        self.metrics.inc("docai_pages_total", float(result.page_count or 0))
        self.metrics.observe("docai_file_seconds", result.duration_s, engine=result.engine)
        if result.status == "failed":
            self.metrics.inc("docai_errors_total", kind="file_failed")
        if job.webhook_url and job.webhook_per_file:
            self._announce_file(job, f.position, payload)
        self.notifier.notify(job.id)
        self._close(job.id)

    def _close(self, job_id: str) -> None:
        final = self.store.close_if_finished(job_id)
        if final is None:
            return
        with self._plans_lock:
            self._plans.pop(job_id, None)
        self.metrics.inc("docai_jobs_total", state=final)
        self._announce_end(job_id, final)

    def _resend_pending(self) -> None:
        """Webhook events a stopped server left undelivered (never tried, or cut off between retries):
        send them now, going on from the attempt it reached."""
        results: dict[str, dict[int, dict[str, Any]]] = {}  # a job's file results, read once per job
        for p in self.store.pending_deliveries(self.webhooks.attempts):
            job = self.store.get(p.job_id)
            if job is None or not job.webhook_url:
                continue
            _log.info("job %s: sending the %s webhook a stopped server did not deliver", p.job_id, p.event)
            if p.position is not None:
                if job.id not in results:
                    results[job.id] = {f.position: f.result or {} for f in self.store.files(job.id)}
                self._announce_file(job, p.position, results[job.id].get(p.position, {}), p.next_attempt)
            else:
                self._announce_end(p.job_id, p.event.removeprefix("job."), p.next_attempt)

    def _announce_file(
        self, job: Job, position: int, payload: dict[str, Any], first_attempt: int = 1
    ) -> None:
        body = {"job_id": job.id, "position": position, "result": payload}
        self.webhooks.send(
            job.id, job.webhook_url or "", job.webhook_secret or "", "file.done", body,
            file_delivery_id(job.id, position), first_attempt,
        )  # fmt: skip

    def _announce_end(self, job_id: str, final: str, first_attempt: int = 1) -> None:
        job = self.store.get(job_id)
        if job is not None and job.webhook_url:
            results = [x.to_dict() for x in self.store.files(job_id)]
            self.webhooks.send(job.id, job.webhook_url, job.webhook_secret or "", f"job.{final}",
                               {"job": job.to_dict(), "files": results}, end_delivery_id(job_id, final),
                               first_attempt)  # fmt: skip
        self.notifier.notify(job_id)
