"""Batch runs over a folder: resumable, one failure never stops the rest, results streamed as they finish.

CPU engines run in worker processes (`workers`); the `openai` engine runs concurrent requests in threads
(`concurrency`) so a server's continuous batching stays full.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.errors import InputError
from docai.file_result import BatchSummary, FileResult, ProgressEvent
from docai.options import Options
from docai.results import STATUSES
from docai.schema import ResolvedSchema

if TYPE_CHECKING:
    from docai.service import Service

_log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif", ".bmp"}
THREADED_ENGINES = {"openai"}


def collect_files(folder: Path, glob: str | None) -> list[Path]:
    """Files under `folder` matching `glob` (default: every document by suffix), hidden ones skipped."""
    if not folder.exists():
        raise InputError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    files = []
    for p in sorted(folder.glob(glob or "**/*")):
        rel = p.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        if glob is None and p.suffix.lower() not in DOCUMENT_SUFFIXES:
            continue
        files.append(p)
    return files


class JsonlOut:
    """The --out file: one JSON line per file result, each (file, sha256) written once across reruns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: set[tuple[str, str | None]] = set()
        kept: list[str] = []
        damaged = False
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    damaged = True  # a line cut short when a previous run was killed
                    continue
                key = (obj.get("file"), obj.get("sha256"))
                if key in self.seen or obj.get("status") is None:
                    damaged = True
                    continue
                self.seen.add(key)
                kept.append(line)
        if damaged:
            path.write_text("".join(k + "\n" for k in kept), encoding="utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._f = path.open("a", encoding="utf-8")

    def write(self, result: FileResult) -> None:
        key = (result.file, result.sha256)
        if key in self.seen:
            return
        self.seen.add(key)
        self._f.write(json.dumps(result.to_json(), ensure_ascii=False, default=str) + "\n")
        self._f.flush()

    def close(self) -> None:
        self._f.close()


# -- worker processes ----------------------------------------------------------------------------------------
_WORKER: Service | None = None


# Each worker is one core's worth of work: BLAS thread pools inside N workers on N cores would
# oversubscribe them (measured here: 2 workers went from 3.2 s to 19 s per 100 invoices).
_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _start_method() -> str:
    """fork starts workers at once; spawn where fork is unsafe (torch loaded, or not Linux)."""
    if sys.platform == "linux" and "torch" not in sys.modules and "numpy" not in sys.modules:
        return "fork"
    return "spawn"


def _init_worker(options: Options, db_url: str) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    for key, value in _ONE_THREAD.items():  # NumPy is not loaded yet in a new worker (see _start_method)
        os.environ.setdefault(key, value)
    from docai.service import Service

    _WORKER = Service(options, db=db_url)


def _work(path: str, resolved: ResolvedSchema, schema_id: int, include_failed: bool) -> FileResult:
    assert _WORKER is not None
    result = _WORKER.extract_file(
        Path(path), resolved, schema_id, _WORKER.options, include_failed=include_failed
    )
    result.extraction = None  # the parent has what it needs; keep the pickle small
    return result


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
    schema_id, _ = service.db.save_schema(resolved.schema, resolved.name)
    writer = JsonlOut(out) if out else None
    summary = BatchSummary(counts=dict.fromkeys(STATUSES, 0), total=len(files), duration_s=0.0)
    include_failed = not retry_failed

    def handle(index: int, result: FileResult) -> None:
        summary.counts[result.status] = summary.counts.get(result.status, 0) + 1
        summary.pages += result.page_count or 0
        summary.results.append(result)
        if writer:
            writer.write(result)
        if on_result:
            on_result(result)
        if progress:
            pages = result.page_count or 0
            progress(ProgressEvent(result.file, index, len(files), pages, pages, "done"))

    executor: Executor | None = None
    stop = GracefulStop()
    try:
        if options.engine in THREADED_ENGINES and options.concurrency > 1 and len(files) > 1:
            engine = service.engine(options)
            executor = ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="docai-batch")
            futures: dict[Future[FileResult], int] = {
                executor.submit(
                    service.extract_file,
                    p,
                    resolved,
                    schema_id,
                    options,
                    engine,
                    include_failed=include_failed,
                ): i
                for i, p in enumerate(files)
            }
            _drain(futures, handle, stop)
        elif options.workers > 1 and len(files) > 1:
            ctx = multiprocessing.get_context(_start_method())
            executor = ProcessPoolExecutor(
                max_workers=options.workers,
                mp_context=ctx,
                initializer=_init_worker,
                initargs=(options, service.db.url),
            )
            futures = {
                executor.submit(_work, str(p), resolved, schema_id, include_failed): i
                for i, p in enumerate(files)
            }
            _drain(futures, handle, stop)
        else:
            engine = service.engine(options)
            for i, p in enumerate(files):
                if stop.requested:
                    break
                handle(
                    i,
                    service.extract_file(
                        p,
                        resolved,
                        schema_id,
                        options,
                        engine,
                        include_failed=include_failed,
                        index=i,
                        total=len(files),
                        progress=progress,
                    ),
                )
    except KeyboardInterrupt:  # a second Ctrl-C: stop now, unfinished runs are discarded or left behind
        summary.interrupted = True
        _stop(executor)
        executor = None
    finally:
        stop.restore()
        if executor is not None:
            executor.shutdown(wait=True)
        if writer:
            writer.close()
    summary.interrupted = summary.interrupted or stop.requested
    summary.duration_s = time.perf_counter() - started
    return summary


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


def _stop(executor: Executor | None) -> None:
    """Ctrl-C: drop queued files; worker processes are ended (their unfinished runs stay 'running')."""
    if executor is None:
        return
    processes: dict[Any, Any] = getattr(executor, "_processes", None) or {}
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in list(processes.values()):
        proc.terminate()
