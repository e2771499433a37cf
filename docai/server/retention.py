"""Retention of `docai serve`: jobs that ended more than `--retention-days` ago are forgotten (with
their files and webhook deliveries), and uploads no kept job reads and no document awaiting review
needs are deleted once they are that old. Runs and results stay: they are the history.

Runs at start and then every `CLEANUP_EVERY_S` on a thread of its own; `--retention-days 0` keeps
everything."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from docai.server.uploads import UploadStore
from docai.storage.jobs import JobStore
from docai.storage.models import utcnow

_log = logging.getLogger(__name__)

CLEANUP_EVERY_S = 3600.0


@dataclass
class Cleaned:
    jobs: int
    uploads: int


def clean_up(jobs: JobStore, uploads: UploadStore, retention_days: float) -> Cleaned:
    """One pass: old jobs first, then the uploads nothing kept refers to any more."""
    if retention_days <= 0:
        return Cleaned(0, 0)
    cutoff = utcnow() - timedelta(days=retention_days)
    removed_jobs = jobs.delete_finished_before(cutoff)
    in_use = {Path(p) for p in jobs.upload_paths_in_use()}
    keep_shas = jobs.db.documents_awaiting_review()  # type: ignore[attr-defined]
    removed_files = uploads.delete_older_than(cutoff.timestamp(), in_use, keep_shas)
    if removed_jobs or removed_files:
        _log.info("retention: %d old job(s) and %d upload(s) removed", removed_jobs, removed_files)
    return Cleaned(removed_jobs, removed_files)


class Janitor:
    """The thread that runs `clean_up` at start and every `every_s`."""

    def __init__(
        self, jobs: JobStore, uploads: UploadStore, retention_days: float, every_s: float = CLEANUP_EVERY_S
    ) -> None:
        self.jobs, self.uploads, self.retention_days, self.every_s = jobs, uploads, retention_days, every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.retention_days <= 0:
            return
        self._thread = threading.Thread(target=self._loop, name="docai-retention", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                clean_up(self.jobs, self.uploads, self.retention_days)
            except Exception:
                _log.exception("retention clean-up failed")
            if self._stop.wait(self.every_s):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
