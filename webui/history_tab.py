"""The History tab: recent runs with filters, opening a run in the evidence viewer, and exports."""

from __future__ import annotations

import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from docai.errors import DocaiError, InputError
from docai.results import STATUSES
from docai.webui.uploads import data_dir, find_stored, safe_file_name
from docai.webui.viewer import viewer_item

_log = logging.getLogger(__name__)

RUN_HEADERS = ["id", "started", "file", "schema", "engine", "model", "status", "seconds", "error"]
EXPORT_FORMATS = ("csv", "jsonl", "xlsx", "parquet")


def _since(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d")
    except ValueError:
        raise InputError(f"date {text.strip()!r}: use YYYY-MM-DD") from None
    return day.replace(tzinfo=UTC)


def _schema_label(run: Any) -> str:
    return run.schema_name or run.schema_hash[:12]


def run_rows(runs: list[Any]) -> list[list[Any]]:
    """Table rows for runs, in the order given (the service returns newest first)."""
    rows = []
    for r in runs:
        started = r.started_at if r.started_at.tzinfo else r.started_at.replace(tzinfo=UTC)
        rows.append(
            [
                r.id,
                started.strftime("%Y-%m-%d %H:%M:%S"),
                r.file_name,
                _schema_label(r),
                r.engine,
                r.model or "",
                r.status,
                round(r.duration_s or 0.0, 2),
                r.error or "",
            ]
        )
    return rows


def document_path_for_run(run: Any) -> str | None:
    """The stored upload for a run (by hash), else the original path when it still exists here."""
    folder = data_dir() / "uploads" / run.sha256
    if folder.is_dir():
        named = folder / Path(run.file_name).name
        if named.is_file():
            return str(named)
    stored = find_stored(run.sha256)
    if stored is not None:
        return str(stored)
    original = Path(run.file_name)
    return str(original) if original.is_file() else None


def make_history_handler(service: Any):
    def list_history(query: str, schema: str | None, status: str | None, since: str, limit: float) -> Any:
        import pandas as pd

        try:
            start = _since(since)
            runs = service.history(
                limit=int(limit or 50),
                schema=schema or None,
                status=status or None,
                query=(query or "").strip() or None,
                since=start,
            )
        except DocaiError as e:
            raise gr.Error(str(e)) from None
        rows = run_rows(runs)
        labels = sorted({_schema_label(r) for r in runs})
        return pd.DataFrame(rows, columns=RUN_HEADERS), gr.Dropdown(choices=labels)

    return list_history


def make_open_handler(service: Any):
    def open_run(run_id: float | None) -> tuple[Any, ...]:
        if not run_id:
            raise gr.Error("type or click a run id first")
        run = service.get_run(int(run_id))
        if run is None:
            raise gr.Error(f"no run with id {int(run_id)}")
        ex = run.extraction
        path = document_path_for_run(run)
        item = viewer_item(
            run.file_name,
            path,
            run.status,
            ex.data if ex else None,
            ex.evidence if ex else {},
            error=run.error,
            reasoning=ex.reasoning if ex else None,
            run_id=run.id,
        )
        note = f"Opened run {run.id} ({run.file_name})."
        if path is None:
            note += " The document file is not stored here, so its pages cannot be shown."
        return [item], note, gr.Tabs(selected="extract")

    return open_run


def make_export_handler(service: Any):
    def export(schema: str | None, fmt: str) -> Any:
        if not schema:
            raise gr.Error("choose a schema to export")
        folder = Path(tempfile.mkdtemp(prefix="docai-export-"))
        target = folder / safe_file_name(schema, f".{fmt}")
        try:
            files = service.export(schema, fmt, target)
        except DocaiError as e:
            raise gr.Error(str(e)) from None
        return [str(f) for f in files]

    return export


def pick_run(evt: gr.SelectData) -> Any:
    """Clicking a row fills the run id box with that row's id."""
    row = evt.row_value if getattr(evt, "row_value", None) else None
    return int(row[0]) if row else gr.skip()


def build_history_tab(service: Any, results_state: gr.State, tabs: gr.Tabs, open_note: gr.Textbox) -> Any:
    """Lay out the History tab; returns the 'open run' event so the caller can refresh the viewer."""
    with gr.Row():
        query = gr.Textbox(label="File name contains", elem_id="history-query")
        schema = gr.Dropdown(label="Schema", choices=[], allow_custom_value=True, elem_id="history-schema")
        status = gr.Dropdown(label="Status", choices=["", *STATUSES], value="", elem_id="history-status")
        since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="history-since")
        limit = gr.Number(
            label="Rows", value=50, precision=0, minimum=1, maximum=1000, elem_id="history-limit"
        )
    refresh = gr.Button("Refresh", elem_id="history-refresh")
    runs = gr.Dataframe(
        headers=RUN_HEADERS, interactive=False, label="Runs (click a row to pick it)", elem_id="history-table"
    )
    with gr.Row():
        run_id = gr.Number(label="Run id", precision=0, elem_id="history-run-id")
        open_btn = gr.Button("Open in evidence viewer", elem_id="history-open")
    with gr.Row():
        export_schema = gr.Dropdown(
            label="Export schema", choices=[], allow_custom_value=True, elem_id="export-schema"
        )
        fmt = gr.Radio(list(EXPORT_FORMATS), value="csv", label="Format", elem_id="export-format")
        export_btn = gr.Button("Export", elem_id="export")
    exported = gr.File(label="Download", file_count="multiple", interactive=False, elem_id="export-files")
    filters = [query, schema, status, since, limit]
    refresh.click(make_history_handler(service), filters, [runs, export_schema], api_name="history")
    runs.select(pick_run, None, [run_id], api_name=False)
    export_btn.click(make_export_handler(service), [export_schema, fmt], [exported], api_name="export")
    return open_btn.click(
        make_open_handler(service), [run_id], [results_state, open_note, tabs], api_name="open_run"
    )
