"""Where a docai batch against a server spends its time, next to a bare client (serving_overhead --breakdown).

Both run in this process with their HTTP calls timed. For each: wall time, requests in flight over
time (mean, and the share of time with all `concurrency` slots busy), the time before the first
request and after the last answer, and this process's CPU seconds (on a 2-core machine the client's
CPU is taken from the server). For docai also the summed time of each stage, from timers put around
a few of its functions for this run only (they are restored after). A stage that is renamed in docai
fails the breakdown with the name, rather than reporting zero.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_STAGES = (  # (module, owner in it or "", function, label)
    ("docai.service", "", "_checked_sha256", "hash"),
    ("docai.service", "", "load_document", "load"),
    ("docai.engines.vlm.common", "", "image_parts", "render"),
    ("docai.engines.openai_engine", "OpenAIEngine", "_payload", "encode"),
    ("docai.engines.vlm.common", "", "parse_reply", "parse"),
    ("docai.service", "", "check_extraction", "verify"),
    ("docai.storage.database", "Database", "upsert_document", "db"),
    ("docai.storage.database", "Database", "claim_run", "db"),
    ("docai.storage.database", "Database", "find_cached_run", "db"),
    ("docai.storage.database", "Database", "finish_run", "db"),
)


@dataclass
class Timeline:
    """Timed spans (label, start, end) from any thread; `t0` is when the run started."""

    t0: float = field(default_factory=time.perf_counter)
    spans: list[tuple[str, float, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, start: float, end: float) -> None:
        with self.lock:
            self.spans.append((label, start - self.t0, end - self.t0))

    def wrap(self, fn: Any, label: str) -> Any:
        @functools.wraps(fn)
        def timed(*args: Any, **kw: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                self.add(label, start, time.perf_counter())

        return timed

    def of(self, label: str) -> list[tuple[float, float]]:
        return [(s, e) for name, s, e in self.spans if name == label]


@contextlib.contextmanager
def _patched(timeline: Timeline) -> Iterator[None]:
    """Timers around docai's stages and its HTTP posts, for the duration of the block."""
    import importlib

    import httpx

    undo: list[tuple[Any, str, Any]] = []
    targets = [(importlib.import_module(m), owner, name, label) for m, owner, name, label in _STAGES]
    targets.append((httpx, "Client", "post", "request"))
    try:
        for module, owner, name, label in targets:
            obj = getattr(module, owner) if owner else module
            if not hasattr(obj, name):
                raise RuntimeError(
                    f"serving_trace: {module.__name__}.{owner + '.' if owner else ''}{name} is gone"
                )
            original = getattr(obj, name)
            undo.append((obj, name, original if name in vars(obj) else None))
            setattr(obj, name, timeline.wrap(original, label))
        yield
    finally:
        for obj, name, original in reversed(undo):
            if original is None:  # inherited (a mixin's method): drop the timer, the base's shows again
                delattr(obj, name)
            else:
                setattr(obj, name, original)


def occupancy(spans: list[tuple[float, float]], start: float, end: float, slots: int) -> dict[str, float]:
    """Requests in flight between start and end: the mean, and seconds with all slots / none busy."""
    edges = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    level, last, area, full, idle = 0, start, 0.0, 0.0, 0.0
    for t, step in [*edges, (end, 0)]:
        t = min(max(t, start), end)
        width = t - last
        area += level * width
        full += width if level >= slots else 0.0
        idle += width if level == 0 else 0.0
        level, last = level + step, t
    wall = max(end - start, 1e-9)
    return {"mean_in_flight": area / wall, "all_slots_busy_s": full, "none_in_flight_s": idle}


def _summary(timeline: Timeline, wall: float, cpu: float, slots: int, pages: int) -> dict[str, Any]:
    requests = timeline.of("request")
    first = min((s for s, _ in requests), default=wall)
    last = max((e for _, e in requests), default=wall)
    out: dict[str, Any] = {
        "wall_s": wall,
        "requests": len(requests),
        "before_first_request_s": first,
        "after_last_answer_s": wall - last,
        "client_cpu_s_per_page": cpu / max(1, pages),
        **occupancy(requests, 0.0, wall, slots),
    }
    stages: dict[str, float] = {}
    for label, s, e in timeline.spans:
        if label != "request":
            stages[label] = stages.get(label, 0.0) + (e - s)
    out["stage_s_per_page"] = {k: v / max(1, pages) for k, v in sorted(stages.items())}
    return out


def traced_docai(
    folder: Path, schema: dict[str, Any], base_url: str, concurrency: int, max_slices: int, db: Path
) -> dict[str, Any]:
    """`docai batch` over folder in this process (Service.batch, as the CLI runs it), timed by stage."""
    from docai.options import Options
    from docai.service import Service

    options = Options(
        engine="openai",
        base_url=base_url,
        ocr="never",
        think=False,
        concurrency=concurrency,
        max_slices=max_slices,
    )
    pages = len(list(folder.glob("*.pdf")))
    with Service(options, db=str(db)) as service:
        _ = service.db  # opened (and migrated) before the clock, as the subprocess's start-up would
        timeline = Timeline()
        cpu0 = time.process_time()
        with _patched(timeline):
            timeline.t0 = time.perf_counter()
            summary = service.batch(folder, schema)
            wall = time.perf_counter() - timeline.t0
        cpu = time.process_time() - cpu0
    if summary.counts.get("failed"):
        raise RuntimeError(f"traced docai batch: {summary.counts['failed']} file(s) failed")
    return _summary(timeline, wall, cpu, concurrency, pages)


def traced_bare(payloads: list[dict[str, Any]], base_url: str, concurrency: int) -> dict[str, Any]:
    """The bare async client (as serving_overhead times it), with each request's span."""
    import httpx

    timeline = Timeline()

    async def go() -> None:
        slots = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:

            async def one(payload: dict[str, Any]) -> None:
                async with slots:
                    start = time.perf_counter()
                    r = await client.post("/chat/completions", json=payload)
                    timeline.add("request", start, time.perf_counter())
                    r.raise_for_status()

            timeline.t0 = time.perf_counter()
            await asyncio.gather(*(one(p) for p in payloads))

    cpu0 = time.process_time()
    asyncio.run(go())
    wall = max(e for _, _, e in timeline.spans)
    return _summary(timeline, wall, time.process_time() - cpu0, concurrency, len(payloads))
