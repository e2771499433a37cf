"""GET /v1/jobs/{id} (state, progress, results so far), GET /v1/jobs/{id}/events (server-sent events
as files finish), DELETE /v1/jobs/{id} (cancel: files in progress finish, queued ones are dropped)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from docai.server.auth import caller_of
from docai.server.errors import ApiError
from docai.server.state import ServerState, state_of

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
KEEPALIVE_S = 15.0


async def _job_or_404(st: ServerState, request: Request, job_id: str) -> Any:
    """The job, if it exists and the caller's key made it (a job made without a key is everyone's)."""
    job = await run_in_threadpool(st.jobs.get, job_id)
    key = caller_of(request).key
    if job is None or (key is not None and job.key_id is not None and job.key_id != key.id):
        raise ApiError(404, f"no job {job_id}")
    return job


@router.get("/{job_id}")
async def get_job(request: Request, job_id: str) -> dict[str, Any]:
    """The job's state and progress, every file's state, the results so far and webhook deliveries."""
    st = state_of(request)
    job = await _job_or_404(st, request, job_id)
    files = await run_in_threadpool(st.jobs.files, job_id)
    deliveries = await run_in_threadpool(st.jobs.deliveries, job_id)
    return {"job": job.to_dict(), "files": [f.to_dict() for f in files], "webhook_deliveries": deliveries}


@router.delete("/{job_id}")
async def cancel_job(request: Request, job_id: str) -> dict[str, Any]:
    """Cancel: queued files are dropped, files in progress finish, then the job ends `cancelled`."""
    st = state_of(request)
    await _job_or_404(st, request, job_id)
    job = await run_in_threadpool(st.runner.cancel, job_id)
    if job is None:
        raise ApiError(404, f"no job {job_id}")
    return {"job": job.to_dict()}


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


@router.get("/{job_id}/events")
async def job_events(request: Request, job_id: str) -> StreamingResponse:
    """`event: file` with each finished file's result (those already done first), then `event: end`."""
    st = state_of(request)
    await _job_or_404(st, request, job_id)

    async def stream() -> AsyncIterator[str]:
        sent: set[int] = set()
        waited = 0.0
        while True:
            seen = st.runner.notifier.version(job_id)
            job = await run_in_threadpool(st.jobs.get, job_id)
            files = await run_in_threadpool(st.jobs.files, job_id, state="done")
            for f in sorted(files, key=lambda x: (x.seq or 0, x.position)):
                if f.id not in sent:
                    sent.add(f.id)
                    yield _sse("file", f.to_dict())
            if job is None or job.state in ("done", "cancelled"):
                yield _sse("end", job.to_dict() if job else {"id": job_id, "state": "gone"})
                return
            if await request.is_disconnected():
                return
            if waited >= KEEPALIVE_S:
                waited = 0.0
                yield ": keep-alive\n\n"
            await run_in_threadpool(st.runner.notifier.wait, job_id, seen, 1.0)
            waited += 1.0

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
