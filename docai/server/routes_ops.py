"""GET /healthz (no key needed), GET /metrics (Prometheus text), GET /v1/keys/me (the caller's key)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from docai.server.auth import caller_of
from docai.server.state import state_of

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, Any]:
    """Liveness and whether the database answers."""
    st = state_of(request)
    revision = await run_in_threadpool(st.service.db.revision)
    return {"status": "ok", "db_revision": revision, "executor": st.config.executor}


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(request: Request) -> PlainTextResponse:
    st = state_of(request)
    return PlainTextResponse(st.metrics.render(), media_type="text/plain; version=0.0.4")


@router.get("/v1/keys/me")
async def my_key(request: Request) -> dict[str, Any]:
    """The key this request was made with (its name and limits, never the token)."""
    caller = caller_of(request)
    return {
        "key": caller.key.to_dict() if caller.key else None,
        "auth": caller.key is not None,
        "max_upload_bytes": caller.max_upload_bytes,
    }
