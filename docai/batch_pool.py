"""Worker processes for `docai batch`: forked once with the engine's modules already imported, fed files
in chunks over a pipe, and watched, so that

- a worker dies with its parent (PR_SET_PDEATHSIG on Linux, and EOF on its pipe elsewhere): a `kill -9`
  of the batch leaves no process behind;
- a worker killed mid-file fails that file with the reason (its run too), the rest of its chunk goes
  back to the queue and a new worker takes its place;
- a stop request (the first Ctrl-C) lets every worker finish the file in hand and start no other.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.file_result import FileResult
from docai.options import Options
from docai.schema import ResolvedSchema

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

_log = logging.getLogger(__name__)

CHUNK_MAX = 8
"""Files handed to a worker at once: fewer round trips, and still a fair share at the end of a batch."""
_PR_SET_PDEATHSIG = 1
_PRELOAD = ("docai.service", "docai.storage", "docai.parsers.loader", "docai.parsers.ocr")
_ENGINE_PRELOAD = {"text": ("docai.engines.text.extractor", "docai.engines.text.embeddings")}
"""Modules an engine imports on its first page (NumPy, its rules and their regular expressions): about
0.23 s CPU that each worker would pay again on its first file; imported once in the parent instead."""
_ENGINE_WARM = {"text": "docai.engines.text.embeddings:get_embedder"}
"""A call that loads what the engine's first page would load (the text engine: MiniLM's weights and
tokenizer, about 65 ms CPU), once in the parent instead of in every worker. It must not start threads
(encoding would start the tokenizer's thread pool, which a fork cannot carry)."""


@dataclass(frozen=True)
class Job:
    """What every worker needs to extract files of one batch."""

    options: Options
    db_url: str
    resolved: ResolvedSchema
    schema_id: int
    include_failed: bool
    service_type: Callable[..., Any]
    """Makes each worker's service as `service_type(options, db=db_url)`: the batch's own service
    class, handed down so that this module need not import the service (which imports it)."""


def start_method() -> str:
    """fork where it is safe (Linux, torch not loaded): workers start at once with the parent's imports
    and a script that calls `docai.batch` at top level is not re-run; spawn elsewhere."""
    if sys.platform == "linux" and "torch" not in sys.modules:
        return "fork"
    return "spawn"


def preload(engine: str) -> None:
    """Import what a worker needs before forking, so each worker does not import it again."""
    from docai.engines import _BUILTIN

    modules = list(_PRELOAD)
    warm = None
    if engine in _BUILTIN and _can_limit_blas():
        modules.append(_BUILTIN[engine].partition(":")[0])
        modules.extend(_ENGINE_PRELOAD.get(engine, ()))
        warm = _ENGINE_WARM.get(engine)
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as e:  # the worker will report it per file
            _log.debug("preloading %s failed: %s", name, e)
    from docai.parsers._pymupdf import import_pymupdf

    with contextlib.suppress(ImportError):
        import_pymupdf()  # every PDF needs it; without its add-ons, as the parsers import it
    if warm is not None:
        module, _, name = warm.partition(":")
        try:
            getattr(importlib.import_module(module), name)()
        except ImportError as e:  # the worker will report it per file
            _log.debug("warming %s failed: %s", warm, e)


def preload_while_migrating(engine: str, db_url: str | None) -> None:
    """`preload(engine)` in this process while a forked child opens the database `db_url` (creating or
    migrating it: importing Alembic and running the migrations cost about 0.2 s CPU on a new database),
    so the two serial parts of a multi-process batch run on two cores at once. The child only prepares:
    this process opens the database afterwards as always (at head by then), and any error the child
    met is met and reported again there. Without fork, or with other threads running (a fork copies
    their locks), the two run one after the other.

    The storage modules (SQLAlchemy, about 0.3 s CPU) are imported before the fork: both sides need
    them, so the child inherits them instead of importing them again, and only imports Alembic and
    migrates."""
    pid = 0
    if start_method() == "fork" and threading.active_count() == 1:
        with contextlib.suppress(ImportError):  # the child, then the parent, reports it
            importlib.import_module("docai.storage")
        pid = os.fork()
        if pid == 0:  # the child: open (migrate) and leave at once, running no exit handlers
            code = 1
            try:
                from docai.storage import open_database

                open_database(db_url).close()
                code = 0
            finally:
                os._exit(code)
    try:
        preload(engine)
    finally:
        if pid:
            os.waitpid(pid, 0)


def _can_limit_blas() -> bool:
    """Whether a forked worker can bring an already loaded BLAS down to one thread; if not, the engine
    (NumPy) is left for each worker to import under OPENBLAS_NUM_THREADS=1."""
    if "numpy" in sys.modules:
        return True
    return importlib.util.find_spec("threadpoolctl") is not None


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took hold
        os._exit(1)


def _one_thread() -> None:
    """One core per worker: BLAS pools inside N workers on N cores oversubscribe them (measured here:
    2 workers went from 3.2 s to 19 s per 100 invoices)."""
    for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(key, "1")
    if "numpy" in sys.modules:
        with contextlib.suppress(ImportError):
            from threadpoolctl import threadpool_limits

            threadpool_limits(1)


def _worker_main(conn: Connection, job: Job, parent_pid: int) -> None:
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    _one_thread()
    service = job.service_type(job.options, db=job.db_url)
    try:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return
            if msg[0] == "stop":
                return
            _work_chunk(conn, service, job, msg[1], wait_claimed=msg[2])
    finally:
        service.close()


def _work_chunk(
    conn: Connection, service: Any, job: Job, items: list[tuple[int, str]], *, wait_claimed: bool
) -> None:
    for index, path in items:
        if conn.poll():  # a stop request between two files
            msg = conn.recv()
            if msg[0] == "stop":
                conn.send(("returned", [i for i, _ in items if i >= index]))
                return
        conn.send(("start", index))
        result = service.extract_file(
            Path(path),
            job.resolved,
            job.schema_id,
            job.options,
            include_failed=job.include_failed,
            defer_claimed=not wait_claimed,
        )
        result.extraction = None  # the parent has what it needs; keep the pickle small
        conn.send(("done", index, result))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    assigned: list[int] = field(default_factory=list)
    current: int | None = None

    @property
    def busy(self) -> bool:
        return bool(self.assigned)


class WorkerPool:
    """N forked workers over a queue of (index, path); results come back through `on_result`."""

    def __init__(self, job: Job, workers: int, on_death: Callable[[int, int, str], FileResult]) -> None:
        """`on_death(index, pid, why)`: the failed result of the file a dead worker had in hand."""
        self.job = job
        self.size = workers
        self._ctx = multiprocessing.get_context(start_method())
        self._on_death = on_death
        self._workers: list[_Worker] = []
        self._paths: dict[int, str] = {}
        self.replaced = 0

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=_worker_main, args=(child, self.job, os.getpid()), daemon=True, name="docai-worker"
        )
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def run(
        self,
        items: Iterable[tuple[int, str]],
        on_result: Callable[[int, FileResult], None],
        stop_requested: Callable[[], bool],
        *,
        wait_claimed: bool = False,
    ) -> None:
        """Process `items` until done or a stop is requested (files in hand are finished)."""
        queue = deque(items)
        self._paths.update(dict(queue))
        if not queue:
            return
        while len(self._workers) < self.size:
            self._workers.append(self._spawn())
        stopping = False
        while queue or any(w.busy for w in self._workers):
            if stop_requested() and not stopping:
                stopping = True
                queue.clear()
                for w in self._workers:
                    if w.busy:
                        with contextlib.suppress(OSError):
                            w.conn.send(("stop",))
            if not stopping:
                self._hand_out(queue, wait_claimed)
            self._receive(on_result, queue, stopping)

    def _hand_out(self, queue: deque[tuple[int, str]], wait_claimed: bool) -> None:
        idle = [w for w in self._workers if not w.busy]
        for w in idle:
            if not queue:
                return
            share = max(1, min(CHUNK_MAX, len(queue) // (2 * self.size)))
            chunk = [queue.popleft() for _ in range(min(share, len(queue)))]
            try:
                w.conn.send(("work", chunk, wait_claimed))
            except OSError:  # it died since the last look: its sentinel will say so
                queue.extendleft(reversed(chunk))
                continue
            w.assigned = [i for i, _ in chunk]

    def _receive(
        self, on_result: Callable[[int, FileResult], None], queue: deque[tuple[int, str]], stopping: bool
    ) -> None:
        by_conn = {w.conn: w for w in self._workers}
        by_sentinel = {w.process.sentinel: w for w in self._workers}
        ready = wait([*by_conn, *by_sentinel], timeout=0.5)
        for obj in ready:
            w = by_conn.get(obj)  # type: ignore[call-overload]
            if w is not None:
                try:
                    msg = w.conn.recv()
                except (EOFError, OSError):
                    continue  # its sentinel tells the rest
                self._message(w, msg, on_result)
        for obj in ready:
            w = by_sentinel.get(obj)  # type: ignore[call-overload]
            if w is not None and w in self._workers and not w.process.is_alive():
                self._replace(w, on_result, queue, stopping)

    def _message(
        self, w: _Worker, msg: tuple[Any, ...], on_result: Callable[[int, FileResult], None]
    ) -> None:
        kind = msg[0]
        if kind == "start":
            w.current = msg[1]
        elif kind == "done":
            index, result = msg[1], msg[2]
            w.current = None
            if index in w.assigned:
                w.assigned.remove(index)
            on_result(index, result)
        elif kind == "returned":  # it stopped before these
            w.assigned, w.current = [], None

    def _replace(
        self,
        w: _Worker,
        on_result: Callable[[int, FileResult], None],
        queue: deque[tuple[int, str]],
        stopping: bool,
    ) -> None:
        """A worker died: its file in hand fails with the reason, its other files go back to the queue."""
        while w.conn.poll():  # results it sent before dying
            try:
                self._message(w, w.conn.recv(), on_result)
            except (EOFError, OSError):
                break
        code = w.process.exitcode
        why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        if w.current is not None:
            message = f"the worker process died ({why}) while working on it"
            on_result(w.current, self._on_death(w.current, w.process.pid or 0, message))
            if w.current in w.assigned:
                w.assigned.remove(w.current)
        if not stopping:
            queue.extendleft((i, self._paths[i]) for i in reversed(w.assigned))
        w.conn.close()
        self._workers.remove(w)
        self.replaced += 1
        _log.warning("a batch worker died (%s); starting another", why)
        if not stopping:
            self._workers.append(self._spawn())

    def close(self, *, kill: bool = False) -> None:
        for w in self._workers:
            with contextlib.suppress(OSError):
                w.conn.send(("stop",))
        for w in self._workers:
            if kill:
                w.process.kill()
            w.process.join(timeout=None if not kill else 5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=5)
            w.conn.close()
        self._workers.clear()

    def worker_pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.process.pid is not None]
