"""Batch runs over a folder: resumable, one failure never stops the rest, results streamed as they finish.

CPU engines run in worker processes (`workers`, see batch_pool.py); the `openai` engine runs concurrent
requests in threads (`concurrency`) so a server's continuous batching stays full. Each document is
claimed in the database while it is worked on, so concurrent batches over one folder share the work:
a document another batch holds is put off to the end, then waited for and served from the cache.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.batch_files import DOCUMENT_SUFFIXES, JsonlOut, collect_files  # noqa: F401 (re-exported)
from docai.batch_pool import Job, WorkerPool, preload, preload_while_migrating
from docai.engines import engine_capabilities
from docai.file_result import BatchSummary, FileResult, ProgressEvent
from docai.options import Options
from docai.parsers.loader import file_sha256
from docai.results import STATUSES
from docai.schema import ResolvedSchema

if TYPE_CHECKING:
    from docai.service import Service

_log = logging.getLogger(__name__)

CLAIMED = "claimed"  # docai.service.CLAIMED (the service imports this module lazily, not the reverse)


def runs_in_threads(engine: str) -> bool:
    """Whether the engine declares that a batch runs it in threads (it waits on a server)."""
    return engine_capabilities(engine).parallelism == "threads"


class _Batch:
    """One batch run: its files, the summary it fills and the --out file it writes."""

    def __init__(
        self,
        service: Service,
        files: list[Path],
        resolved: ResolvedSchema,
        schema_id: int,
        options: Options,
        include_failed: bool,
        writer: JsonlOut | None,
        on_result: Callable[[FileResult], None] | None,
        progress: Callable[[ProgressEvent], None] | None,
    ) -> None:
        self.service, self.files, self.resolved, self.schema_id = service, files, resolved, schema_id
        self.options, self.include_failed, self.writer = options, include_failed, writer
        self.on_result, self.progress = on_result, progress
        self.summary = BatchSummary(counts=dict.fromkeys(STATUSES, 0), total=len(files), duration_s=0.0)
        self.deferred: list[int] = []
        self.stop = GracefulStop()

    def handle(self, index: int, result: FileResult) -> None:
        if result.status == CLAIMED:  # another batch is on it: come back once the rest is done
            self.deferred.append(index)
            return
        summary = self.summary
        summary.counts[result.status] = summary.counts.get(result.status, 0) + 1
        summary.pages += result.page_count or 0
        summary.results.append(result)
        if self.writer:
            self.writer.write(result)
        if self.on_result:
            self.on_result(result)
        if self.progress:
            pages = result.page_count or 0
            self.progress(ProgressEvent(result.file, index, len(self.files), pages, pages, "done"))

    def _extract(self, index: int, engine: Any, *, wait: bool, progress: bool) -> FileResult:
        return self.service.extract_file(
            self.files[index],
            self.resolved,
            self.schema_id,
            self.options,
            engine,
            include_failed=self.include_failed,
            index=index,
            total=len(self.files),
            progress=self.progress if progress else None,
            defer_claimed=not wait,
        )

    def _rounds(self) -> Iterator[tuple[list[int], bool]]:
        """All files without waiting on claims, then those other batches held, waiting for them."""
        yield list(range(len(self.files))), False
        if self.deferred and not self.stop.requested:
            again, self.deferred = self.deferred, []
            yield again, True

    def run_sequential(self) -> None:
        engine = self.service.engine(self.options)
        for indices, wait in self._rounds():
            for i in indices:
                if self.stop.requested:
                    return
                self.handle(i, self._extract(i, engine, wait=wait, progress=True))

    def run_threads(self) -> None:
        engine = self.service.engine(self.options)
        # twice the requests in flight: while `concurrency` requests wait on the server, as many files are
        # loaded, rendered and encoded (or stored), so a freed slot is filled at once; the engine's
        # semaphore still caps requests in flight at `concurrency`
        c = self.options.concurrency
        pool = ThreadPoolExecutor(max_workers=2 * c, thread_name_prefix="docai-batch")
        try:
            for indices, wait in self._rounds():
                sent = engine.requests_sent() if hasattr(engine, "requests_sent") else 0
                futures = {
                    pool.submit(self._extract, i, engine, wait=wait, progress=False): i for i in indices[:c]
                }
                if len(indices) > c:  # the first files reach the server before the rest compete for the CPU
                    _until_sent(engine, sent + c, futures)
                    more = indices[c:]
                    futures |= {
                        pool.submit(self._extract, i, engine, wait=wait, progress=False): i for i in more
                    }
                _drain(futures, self.handle, self.stop)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def run_processes(self) -> None:
        preload(self.options.engine)
        job = Job(
            self.options,
            self.service.db.url,
            self.resolved,
            self.schema_id,
            self.include_failed,
            type(self.service),
        )
        pool = WorkerPool(job, self.options.workers, on_death=self._worker_died)
        clean = False
        try:
            for indices, wait in self._rounds():
                items = [(i, str(self.files[i])) for i in indices]
                pool.run(items, self.handle, lambda: self.stop.requested, wait_claimed=wait)
            clean = True
        finally:
            pool.close(kill=not clean)

    def _worker_died(self, index: int, pid: int, why: str) -> FileResult:
        path = self.files[index]
        message = f"{path.name}: {why}"
        run_ids = self.service.db.fail_claims_of(pid, message)
        try:
            sha = file_sha256(path)
        except OSError:
            sha = None
        o = self.options
        return FileResult.failed(
            str(path), message, o.engine, o.model, sha256=sha, run_id=run_ids[0] if run_ids else None
        )


def run_batch(
    service: Service,
    folder: Path,
    resolved: ResolvedSchema,
    options: Options,
    *,
    glob: str | None,
    out: Path | None,
    retry_failed: bool,
    on_result: Callable[[FileResult], None] | None,
    progress: Callable[[ProgressEvent], None] | None,
    executor: str = "local",
    ray_address: str | None = None,
) -> BatchSummary:
    if executor == "ray":  # the per-file work goes to a Ray cluster (docai/executors/ray_executor.py)
        from docai.executors.ray_executor import run_batch_on_ray

        return run_batch_on_ray(
            service,
            folder,
            resolved,
            options,
            glob=glob,
            out=out,
            retry_failed=retry_failed,
            on_result=on_result,
            progress=progress,
            address=ray_address,
        )
    files = collect_files(folder, glob)
    started = time.perf_counter()
    in_processes = _runs_in_processes(options, len(files))
    if in_processes:  # the database is made or migrated while the workers' modules are imported
        preload_while_migrating(options.engine, service.db_url)
    schema_id, _ = service.db.save_schema(resolved.schema, resolved.name)
    reclaimed = service.db.reclaim_stale()
    if reclaimed:
        _log.warning("%d run(s) left running by a stopped process are marked interrupted", reclaimed)
    writer = JsonlOut(out) if out else None
    batch = _Batch(
        service, files, resolved, schema_id, options, not retry_failed, writer, on_result, progress
    )
    try:
        if options.concurrency > 1 and len(files) > 1 and runs_in_threads(options.engine):
            batch.run_threads()
        elif in_processes:
            batch.run_processes()
        else:
            batch.run_sequential()
    except KeyboardInterrupt:  # a second Ctrl-C: stop now; unfinished runs are discarded or reclaimed later
        batch.summary.interrupted = True
    finally:
        batch.stop.restore()
        if writer:
            writer.close()
    summary = batch.summary
    summary.interrupted = summary.interrupted or batch.stop.requested
    summary.duration_s = time.perf_counter() - started
    return summary


def _runs_in_processes(options: Options, files: int) -> bool:
    """Whether a batch of `files` files runs in worker processes (not threads, not in this process)."""
    threads = options.concurrency > 1 and files > 1 and runs_in_threads(options.engine)
    return not threads and options.workers > 1 and files > 1


class GracefulStop:
    """The first Ctrl-C asks the batch to stop after the files in hand; a second one stops at once.

    Only in the main thread (where Python delivers signals); elsewhere (the web UI) it does nothing.
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)

    def _on_sigint(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        _log.warning("stopping after the files in progress (Ctrl-C again to stop at once)")

    def restore(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


def _until_sent(engine: Any, n: int, futures: dict[Future[FileResult], int], limit_s: float = 5.0) -> None:
    """Until the engine has sent `n` requests in all, a file is done (cached, failed) or `limit_s` passed."""
    wait_for = getattr(engine, "wait_for_requests", None)
    deadline = time.monotonic() + limit_s
    while wait_for is not None and time.monotonic() < deadline:
        if wait_for(n, 0.05) or any(f.done() for f in futures):
            return


def _drain(
    futures: dict[Future[FileResult], int],
    handle: Callable[[int, FileResult], None],
    stop: GracefulStop,
) -> None:
    """Hand each finished file to `handle`; once a stop is asked for, queued files are dropped."""
    cancelled = False
    for fut in as_completed(futures):
        if fut.cancelled():
            continue
        handle(futures[fut], fut.result())
        if stop.requested and not cancelled:
            for pending in futures:
                pending.cancel()
            cancelled = True
