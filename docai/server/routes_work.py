"""POST /v1/extract, /v1/ask, /v1/batch: the work routes. Extract and batch make durable jobs;
`?wait=SECONDS` answers with the results when the job ends within that time, else 202 and the job."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from docai.errors import InputError
from docai.schema import ResolvedSchema
from docai.server.auth import caller_of
from docai.server.errors import ApiError
from docai.server.inputs import allowed_path, pick_options, pick_schema, str_list
from docai.server.state import ServerState, state_of
from docai.storage.jobs import NewFile

router = APIRouter(prefix="/v1", tags=["work"])
MAX_WAIT_S = 600.0

_TEXT = {"type": "string"}
_COMMON = {
    "schema": {"type": "string", "description": "a saved schema name, an example name, or a JSON Schema"},
    "fields": {"type": "string", "description": "shorthand, e.g. 'invoice_number, total number'"},
    "options": {
        "type": "string",
        "description": 'JSON, e.g. {"engine": "text", "lang": "eng", "force": true}',
    },
    "webhook_url": _TEXT,
    "webhook_secret": _TEXT,
    "webhook_per_file": {"type": "boolean"},
}


def _body(properties: dict[str, Any], *, files: bool) -> dict[str, Any]:
    """The request body as OpenAPI describes it (the route reads JSON or a form itself)."""
    content: dict[str, Any] = {"application/json": {"schema": {"type": "object", "properties": properties}}}
    if files:
        form = {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}, **properties}
        content["multipart/form-data"] = {"schema": {"type": "object", "properties": form}}
    return {"requestBody": {"content": content, "required": True}}


_PATHS = {"paths": {"type": "array", "items": _TEXT, "description": "files under the server's --allow-path"}}
EXTRACT_BODY = _body({**_PATHS, **_COMMON}, files=True)
BATCH_BODY = _body({"folder": _TEXT, "glob": _TEXT, **_COMMON}, files=False)
ASK_BODY = _body({**_PATHS, "question": _TEXT, "options": _COMMON["options"]}, files=True)


async def read_request(request: Request) -> tuple[dict[str, Any], list[UploadFile]]:
    """A JSON body, or a form: its text fields (repeated `path` fields make a list) and its files."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "the JSON body must be an object")
        return body, []
    if not (ctype.startswith("multipart/form-data") or ctype.startswith("application/x-www-form-urlencoded")):
        raise ApiError(415, "send multipart/form-data (files) or application/json (paths)")
    form = await request.form(max_files=1000, max_fields=1000)
    fields: dict[str, Any] = {}
    uploads: list[UploadFile] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            uploads.append(value)
        elif key in ("path", "paths"):
            fields.setdefault("paths", []).extend(str_list(value, key))
        else:
            fields[key] = value
    return fields, uploads


def _webhook(body: dict[str, Any]) -> tuple[str | None, str | None, bool]:
    url = body.get("webhook_url") or None
    if url is None:
        return None, None, False
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ApiError(400, "webhook_url must be an http:// or https:// URL")
    secret = body.get("webhook_secret") or secrets.token_urlsafe(24)
    per_file = str(body.get("webhook_per_file", "")).lower() in ("1", "true", "yes", "on")
    return url, str(secret), per_file


async def _files(
    st: ServerState, request: Request, body: dict[str, Any], uploads: list[UploadFile]
) -> list[NewFile]:
    caller = caller_of(request)
    out: list[NewFile] = []
    for up in uploads:
        name = Path(up.filename or "upload").name
        path, sha = await st.uploads.save(up, name, caller.max_upload_bytes)
        out.append(NewFile(str(path), name, sha))
    for text in str_list(body.get("paths"), "paths"):
        path = allowed_path(text, st.config.allowed_paths)
        if not path.is_file():
            raise ApiError(400, f"{text}: no such file")
        out.append(NewFile(str(path), path.name))
    return out


@dataclass
class _Order:
    """What a job request asks for, checked before any upload is stored."""

    resolved: ResolvedSchema
    options: dict[str, Any]
    webhook: tuple[str | None, str | None, bool]


async def _order(st: ServerState, body: dict[str, Any]) -> _Order:
    resolved = await run_in_threadpool(pick_schema, st.service, body.get("schema"), body.get("fields"))
    return _Order(resolved, pick_options(body.get("options")), _webhook(body))


async def _submit(
    st: ServerState, request: Request, kind: str, body: dict[str, Any], order: _Order, files: list[NewFile],
    wait: float,
) -> JSONResponse:  # fmt: skip
    if not files:
        raise ApiError(400, "no files: upload them as 'files' or give 'paths' on the server")
    resolved, options = order.resolved, order.options
    url, secret, per_file = order.webhook
    caller = caller_of(request)
    job_id = await run_in_threadpool(
        st.jobs.create, kind, files, resolved.schema, schema_name=resolved.name, options=options,
        webhook_url=url, webhook_secret=secret, webhook_per_file=per_file,
        key_id=caller.key.id if caller.key else None,
    )  # fmt: skip
    st.metrics.inc("docai_jobs_total", state="created")
    st.runner.wake()
    extra = {"webhook_secret": secret} if url and not body.get("webhook_secret") else {}
    return await job_answer(st, job_id, min(max(wait, 0.0), MAX_WAIT_S), extra)


async def job_answer(st: ServerState, job_id: str, wait: float, extra: dict[str, Any]) -> JSONResponse:
    """200 with the results if the job ends within `wait` seconds, else 202 with where to look."""
    loop_deadline = _now() + wait
    while True:
        seen = st.runner.notifier.version(job_id)
        job = await run_in_threadpool(st.jobs.get, job_id)
        if job is None:
            raise ApiError(404, f"no job {job_id}")
        if job.state in ("done", "cancelled"):
            files = await run_in_threadpool(st.jobs.files, job_id)
            results = [f.result for f in files if f.result is not None]
            return JSONResponse({"job": job.to_dict(), "results": results, **extra}, status_code=200)
        left = loop_deadline - _now()
        if left <= 0:
            links = {"status_url": f"/v1/jobs/{job_id}", "events_url": f"/v1/jobs/{job_id}/events"}
            return JSONResponse({"job": job.to_dict(), **links, **extra}, status_code=202)
        await run_in_threadpool(st.runner.notifier.wait, job_id, seen, min(left, 1.0))


def _now() -> float:
    import time

    return time.monotonic()


@router.post("/extract", status_code=202, openapi_extra=EXTRACT_BODY)
async def extract(request: Request, wait: float = Query(0.0, description="Seconds to wait for the results.")):
    """Extract a schema from uploaded files (multipart `files`) or server paths (`paths`).

    Fields: `schema` (a saved name, an example name or a JSON Schema) or `fields` (shorthand),
    `options` (JSON: engine, lang, pages, ocr, force, …), `webhook_url`, `webhook_secret`,
    `webhook_per_file`.
    """
    st = state_of(request)
    body, uploads = await read_request(request)
    order = await _order(st, body)  # a bad schema or option is refused before uploads are stored
    files = await _files(st, request, body, uploads)
    return await _submit(st, request, "extract", body, order, files, wait)


@router.post("/batch", status_code=202, openapi_extra=BATCH_BODY)
async def batch(request: Request, wait: float = Query(0.0, description="Seconds to wait for the results.")):
    """Extract every document in a server folder (`folder`, optional `glob`) as one job."""
    from docai.batch_files import collect_files

    st = state_of(request)
    body, _ = await read_request(request)
    order = await _order(st, body)
    folder = body.get("folder")
    if not isinstance(folder, str) or not folder:
        raise ApiError(400, "give 'folder', a folder on the server")
    root = allowed_path(folder, st.config.allowed_paths)
    glob = body.get("glob") or None
    found = await run_in_threadpool(collect_files, root, glob)
    if not found:
        raise InputError(f"{folder}: no documents found")
    files = [NewFile(str(p), str(p.relative_to(root))) for p in found]
    return await _submit(st, request, "batch", body, order, files, wait)


@router.post("/ask", openapi_extra=ASK_BODY)
async def ask(request: Request):
    """Answer `question` over the given documents (uploaded `files` or server `paths`), citing pages."""
    st = state_of(request)
    body, uploads = await read_request(request)
    question = body.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ApiError(400, "give a question")
    files = await _files(st, request, body, uploads)
    if not files:
        raise ApiError(400, "no files: upload them as 'files' or give 'paths' on the server")
    options = pick_options(body.get("options"))
    result = await run_in_threadpool(st.service.ask, [Path(f.path) for f in files], question, **options)
    data = result.to_json()
    data["files"] = [f.name for f in files]
    return data
