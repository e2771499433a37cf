"""Per-file work on a Ray cluster: each file is one Ray task that extracts it and writes its run to the
shared database (PostgreSQL across machines) before returning.

A task on a node that dies is retried elsewhere by Ray (`max_retries`). The retry cannot double a
result: a run the lost node already finished is found by the cache lookup and returned as cached, and
a run it had only started is taken over through the run claim once its lease lapses (the old run is
marked failed "interrupted"), so two tasks never both store a result for one document. The driver writes each
file to `--out` once.

CPU engines ask one CPU per task; the `openai` engine asks none and the driver keeps at most
`concurrency` tasks in flight, so the model servers see the same limit as a local batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docai.cache_key import options_key
from docai.engines import engine_capabilities
from docai.errors import EngineUnavailable
from docai.file_result import BatchSummary, FileResult, ProgressEvent
from docai.options import Options
from docai.results import STATUSES
from docai.schema import ResolvedSchema

_log = logging.getLogger(__name__)

MAX_RETRIES = 3
_WORKER_SERVICES: dict[tuple[str, str], Any] = {}
_REMOTE: dict[bool, Any] = {}


def _threaded(engine: str) -> bool:
    """A task of an engine that waits on a server takes no CPU of the cluster (num_cpus=0)."""
    return engine_capabilities(engine).parallelism == "threads"


def require_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise EngineUnavailable("the ray executor needs Ray: pip install 'docai[ray]'") from None
    return ray


def connect(address: str | None) -> Any:
    """Join the cluster at `address` ('auto': the one this machine belongs to; None: start one here)."""
    ray = require_ray()
    if not ray.is_initialized():
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as e:
            raise EngineUnavailable(
                f"cannot reach the Ray cluster at {address or 'a new local one'}: {e}"
            ) from None
    return ray


def _extract_task(
    path: str,
    resolved: ResolvedSchema,
    schema_id: int,
    options: Options,
    db_url: str,
    include_failed: bool,
    service_type: Callable[..., Any],
) -> FileResult:
    """Runs on a Ray worker: one service per worker process and database, reused across tasks.

    `service_type` is the caller's service class (Ray pickles it by reference), passed in so that this
    module does not import the service, which reaches it through the batch runner."""
    key = (db_url, options_key(options) + options.engine)
    service = _WORKER_SERVICES.get(key)
    if service is None:
        service = _WORKER_SERVICES[key] = service_type(options, db=db_url)
    return service.extract_file(Path(path), resolved, schema_id, options, include_failed=include_failed)


def _remote(ray: Any, threaded: bool) -> Any:
    fn = _REMOTE.get(threaded)
    if fn is None:
        fn = _REMOTE[threaded] = ray.remote(
            num_cpus=0 if threaded else 1, max_retries=MAX_RETRIES, retry_exceptions=False
        )(_extract_task)
    return fn


def _lost(path: str, options: Options, error: Exception) -> FileResult:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    why = f"lost on the Ray cluster after {MAX_RETRIES} retries: {text}"
    return FileResult.failed(path, why, options.engine, options.model)


class RayFileRunner:
    """`run(path, resolved, schema_id, options)` for `docai serve --executor ray`: one task per file."""

    def __init__(self, db_url: str, service_type: Callable[..., Any], *, address: str | None = None) -> None:
        self.ray = connect(address)
        self.db_url = db_url
        self.service_type = service_type

    def run(self, path: Path, resolved: ResolvedSchema, schema_id: int, options: Options) -> FileResult:
        fn = _remote(self.ray, _threaded(options.engine))
        ref = fn.remote(str(path), resolved, schema_id, options, self.db_url, False, self.service_type)
        try:
            return self.ray.get(ref)
        except self.ray.exceptions.RayError as e:
            return _lost(str(path), options, e)


def cluster_slots(ray: Any, options: Options) -> int:
    """Files the cluster works on at once: its CPUs, or the openai engine's concurrency limit."""
    if _threaded(options.engine):
        return max(1, options.concurrency)
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def in_flight_limit(ray: Any, options: Options) -> int:
    """Tasks the driver keeps submitted: a CPU engine's queue is kept one round ahead of the cores."""
    slots = cluster_slots(ray, options)
    return slots if _threaded(options.engine) else 2 * slots


def run_batch_on_ray(
    service: Any,
    folder: Path,
    resolved: ResolvedSchema,
    options: Options,
    *,
    glob: str | None,
    out: Path | None,
    retry_failed: bool,
    on_result: Callable[[FileResult], None] | None,
    progress: Callable[[ProgressEvent], None] | None,
    address: str | None = None,
) -> BatchSummary:
    """`docai batch --executor ray`: the same summary, --out file and resume as a local batch."""
    from docai.batch_files import JsonlOut, collect_files

    files = collect_files(folder, glob)
    ray = connect(address)
    started = time.perf_counter()
    schema_id, _ = service.db.save_schema(resolved.schema, resolved.name)
    writer = JsonlOut(out) if out else None
    summary = BatchSummary(counts=dict.fromkeys(STATUSES, 0), total=len(files), duration_s=0.0)
    fn = _remote(ray, _threaded(options.engine))
    limit = in_flight_limit(ray, options)
    queue = list(enumerate(files))
    pending: dict[Any, int] = {}
    try:
        while queue or pending:
            while queue and len(pending) < limit:
                i, p = queue.pop(0)
                pending[
                    fn.remote(
                        str(p), resolved, schema_id, options, service.db.url, not retry_failed, type(service)
                    )
                ] = i
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                i = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayError as e:
                    result = _lost(str(files[i]), options, e)
                _handle(summary, result, writer, on_result, progress, i, len(files))
    except KeyboardInterrupt:
        summary.interrupted = True
        for ref in pending:
            ray.cancel(ref)
    finally:
        if writer:
            writer.close()
    summary.duration_s = time.perf_counter() - started
    return summary


def _handle(
    summary: BatchSummary,
    result: FileResult,
    writer: Any,
    on_result: Callable[[FileResult], None] | None,
    progress: Callable[[ProgressEvent], None] | None,
    index: int,
    total: int,
) -> None:
    summary.counts[result.status] = summary.counts.get(result.status, 0) + 1
    summary.pages += result.page_count or 0
    summary.results.append(result)
    if writer:
        writer.write(result)
    if on_result:
        on_result(result)
    if progress:
        pages = result.page_count or 0
        progress(ProgressEvent(result.file, index, total, pages, pages, "done"))
