"""What the database holds: runs, a document's page with evidence boxes, schemas, exports."""

from __future__ import annotations

import io
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from docai.server.errors import ApiError
from docai.server.inputs import pick_schema, schema_name_ok
from docai.server.state import ServerState, state_of

router = APIRouter(prefix="/v1", tags=["store"])
EXPORT_TYPES = {
    "csv": "text/csv",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/runs")
async def list_runs(
    request: Request,
    limit: int = Query(50, ge=1, le=1000),
    schema: str | None = None,
    status: str | None = None,
    q: str | None = Query(None, description="Part of a file name."),
) -> dict[str, Any]:
    """Runs, newest first, without their full results."""
    st = state_of(request)
    runs = await run_in_threadpool(st.service.history, limit, schema, status, q)
    out = []
    for r in runs:
        d = r.to_dict()
        d.pop("extraction", None)
        out.append(d)
    return {"runs": out}


@router.get("/runs/{run_id}")
async def get_run(request: Request, run_id: int) -> dict[str, Any]:
    """One run: data, evidence, per-field checks, review reasons, reasoning, timings."""
    st = state_of(request)
    run = await run_in_threadpool(st.service.get_run, run_id)
    if run is None:
        raise ApiError(404, f"no run {run_id}")
    return run.to_dict()


def _document_file(st: ServerState, sha: str) -> Path | None:
    found = st.uploads.find(sha)
    if found is not None:
        return found
    path = st.jobs.find_path(sha)
    return Path(path) if path and Path(path).is_file() else None


def _page_png(st: ServerState, sha: str, page_no: int, run_id: int | None, field: str | None) -> bytes:
    from docai.webui.evidence import render_evidence_page

    sha = sha.lower()
    path = _document_file(st, sha)
    if path is None:
        raise ApiError(404, f"document {sha[:12]} is not stored on this server")
    evidence: dict[str, Any] = {}
    if run_id is not None:
        run = st.service.get_run(run_id)
        if run is None or run.sha256 != sha:
            raise ApiError(404, f"no run {run_id} of document {sha[:12]}")
        evidence = run.extraction.evidence if run.extraction else {}
    view = render_evidence_page(path, evidence, page_no=page_no, selected=field)
    if view.image is None:
        raise ApiError(422, view.note)
    if view.page_no != page_no:
        raise ApiError(404, f"document {sha[:12]} has {view.page_count} page(s), not {page_no}")
    buf = io.BytesIO()
    view.image.save(buf, format="PNG")
    return buf.getvalue()


@router.get("/documents/{sha}/pages/{page_no}.png")
async def page_image(
    request: Request,
    sha: str,
    page_no: int,
    run: int | None = Query(None, description="Draw this run's evidence boxes."),
    field: str | None = Query(None, description="Highlight this field's box."),
) -> Response:
    """A page of a stored document as PNG, with the evidence boxes of `run` drawn on it."""
    st = state_of(request)
    data = await run_in_threadpool(_page_png, st, sha, page_no, run, field)
    return Response(data, media_type="image/png")


@router.get("/schemas")
async def list_schemas(request: Request) -> dict[str, Any]:
    st = state_of(request)
    infos = await run_in_threadpool(st.service.list_schemas)
    return {"schemas": [asdict(i) for i in infos]}


@router.get("/schemas/{name}")
async def get_schema(request: Request, name: str) -> dict[str, Any]:
    st = state_of(request)
    schema = await run_in_threadpool(st.service.get_schema, name)
    if schema is None:
        raise ApiError(404, f"no saved schema {name!r}")
    return {"name": name, "schema": schema}


@router.put("/schemas/{name}")
async def put_schema(request: Request, name: str) -> dict[str, Any]:
    """Save a JSON Schema (the body) under `name`; a malformed one is a 422 naming the problem."""
    st = state_of(request)
    if not schema_name_ok(name):
        raise ApiError(400, f"{name!r} is not a usable schema name")
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "the body is not valid JSON") from None
    if isinstance(body, dict) and "schema" in body and isinstance(body["schema"], dict):
        body = body["schema"]
    resolved = pick_schema(st.service, body if isinstance(body, dict) else None, None)
    saved = await run_in_threadpool(st.service.save_schema, name, resolved.schema)
    return {"name": name, "hash": saved.hash, "schema": saved.schema}


def _export(st: ServerState, schema: str, fmt: str, table: str, all_runs: bool) -> bytes:
    with tempfile.TemporaryDirectory(prefix="docai-export-") as tmp:
        written = st.service.export(schema, fmt, Path(tmp) / f"export.{fmt}", all_runs=all_runs)
        if table == "items":  # export_runs writes the documents first, then any line items
            if len(written) < 2:
                raise ApiError(404, f"schema {schema!r} has no line items to export as {fmt}")
            return written[1].read_bytes()
        return written[0].read_bytes()


@router.get("/export")
async def export(
    request: Request,
    schema: str,
    format: str = Query("csv", description="csv, jsonl, parquet or xlsx"),
    table: str = Query("documents", description="documents, or items (line items; csv/jsonl/parquet)"),
    all_runs: bool = False,
) -> Response:
    """A schema's results as a table, one row per document (nested fields flattened)."""
    st = state_of(request)
    if format not in EXPORT_TYPES:
        raise ApiError(400, f"unknown export format {format!r} (one of: {', '.join(EXPORT_TYPES)})")
    if table not in ("documents", "items"):
        raise ApiError(400, "table must be documents or items")
    data = await run_in_threadpool(_export, st, schema, format, table, all_runs)
    name = f"{schema}{'.items' if table == 'items' else ''}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=EXPORT_TYPES[format], headers=headers)
