"""The app factory of `docai serve`: FastAPI routes over one `Service`, the key gate, durable jobs,
webhooks, metrics, and the Gradio app at /ui."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response

from docai.server.auth import KeyGate
from docai.server.config import ServerConfig
from docai.server.errors import error_response, install_error_handlers
from docai.server.metrics import server_metrics
from docai.server.retention import Janitor
from docai.server.runner import JobRunner
from docai.server.state import ServerState
from docai.server.uploads import UploadStore
from docai.server.webhooks import WebhookSender
from docai.storage.jobs import JobStore
from docai.storage.keys import KeyStore

_log = logging.getLogger(__name__)


def _upload_dir(config: ServerConfig, service: Any) -> Path:
    if config.upload_dir is not None:
        return config.upload_dir
    from docai.storage.connection import data_dir

    return data_dir() / "uploads"


def _run_file(config: ServerConfig, service: Any) -> tuple[Any, int]:
    """How a job file runs, and on how many threads: here (`--workers`, default 1), or as Ray tasks
    (`--workers`, default as many files in flight as the cluster's CPUs or the openai concurrency)."""
    if config.executor != "ray":
        return None, config.workers or 1
    from docai.executors.ray_executor import RayFileRunner, cluster_slots

    runner = RayFileRunner(service.db.url, type(service), address=config.ray_address)
    return runner.run, config.workers or cluster_slots(runner.ray, service.options)


def build_state(config: ServerConfig, service: Any | None = None) -> ServerState:
    """Everything the routes share, opened on the service's database."""
    from docai.service import Service

    config.check()
    service = service or Service(config.options, db=config.db)
    jobs, keys, metrics = JobStore(service.db), KeyStore(service.db), server_metrics()
    webhooks = WebhookSender(
        jobs, metrics, attempts=config.webhook_attempts, backoff_s=config.webhook_backoff_s,
        timeout_s=config.webhook_timeout_s,
    )  # fmt: skip
    run_file, workers = _run_file(config, service)
    runner = JobRunner(
        service, jobs, metrics, webhooks, workers=workers, lease_s=config.lease_s, run_file=run_file
    )
    uploads = UploadStore(_upload_dir(config, service))
    return ServerState(config, service, jobs, keys, uploads, runner, metrics, webhooks)


def _metered(
    st: ServerState,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception as e:  # the error handlers answer first; this is the last guard
            _log.exception("request failed")
            st.metrics.inc("docai_errors_total", kind="http_500")
            response = error_response(500, f"internal error: {type(e).__name__}")
        route = request.scope.get("route")
        path = getattr(route, "path", None) or ("/ui" if request.url.path.startswith("/ui") else "other")
        st.metrics.inc("docai_http_requests_total", route=path, code=str(response.status_code))
        st.metrics.observe("docai_http_request_seconds", time.perf_counter() - started, route=path)
        return response

    return middleware


def create_app(config: ServerConfig | None = None, service: Any | None = None) -> FastAPI:
    """A FastAPI app for `config`; the job workers start and stop with the app's lifespan."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    config = config or ServerConfig()
    st = build_state(config, service)

    janitor = Janitor(st.jobs, st.uploads, config.retention_days)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        st.runner.start()  # also sends the webhooks a stopped server left pending
        janitor.start()
        try:
            yield
        finally:
            janitor.stop()
            st.runner.stop()
            st.webhooks.close(wait=False)  # what is left is sent by the next server to start

    app = FastAPI(
        title="docai",
        description="Structured data and cited answers from PDFs and scans.",
        version=_version(),
        lifespan=lifespan,
    )
    app.state.docai = st
    install_error_handlers(app)
    gate = KeyGate(
        st.keys, auth=config.auth, max_upload_bytes=config.max_upload_bytes, public_docs=config.public_docs
    )
    app.middleware("http")(gate)
    app.middleware("http")(_metered(st))  # added last: runs first, so refusals are counted too

    from docai.server import routes_jobs, routes_ops, routes_store, routes_work

    for module in (routes_work, routes_jobs, routes_store, routes_ops):
        app.include_router(module.router)
    if config.ui:
        _mount_ui(app, st)
    return app


def _mount_ui(app: FastAPI, st: ServerState) -> None:
    import gradio as gr

    from docai.webui.app import build_app

    gr.mount_gradio_app(app, build_app(st.service), path="/ui")


def _version() -> str:
    from docai import __version__

    return __version__
