"""The Batch tab: many files or a zip, processed by service.batch; the table fills as files finish."""

from __future__ import annotations

import logging
import os
import queue
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from docai.errors import DocaiError
from docai.webui.cards import cards_html
from docai.webui.common import engine_overrides, file_path, schema_input, store_files
from docai.webui.extract_tab import EngineInputs, SchemaInputs, frame
from docai.webui.tables import FILE_META_HEADERS, file_rows, item_rows
from docai.webui.uploads import max_upload_bytes, safe_file_name, unpack_zip, uploads_dir

_log = logging.getLogger(__name__)


def _unzipped_name(path: str) -> str:
    """The name a user knows a file by: unpacked zip members lose the 'NNNN_' prefix unpack_zip adds."""
    name = Path(path).name
    if "/_unzipped/" in path.replace("\\", "/") and name[:4].isdigit() and name[4:5] == "_":
        return name[5:]
    return name


def prepare_batch_folder(files: list[Any] | None) -> tuple[Path, list[str]]:
    """A fresh folder under uploads/batches holding links to the stored uploads (zips unpacked first)."""
    folder = uploads_dir() / "batches" / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    plain: list[str] = []
    errors: list[str] = []
    for item in files or []:
        path = file_path(item)
        if path.lower().endswith(".zip"):
            try:
                plain.extend(str(p) for p in unpack_zip(path, folder / "_unzipped", refused=errors))
            except DocaiError as e:
                errors.append(f"{Path(path).name}: {e}")
        else:
            plain.append(path)
    stored, refused = store_files(plain, names=[_unzipped_name(p) for p in plain])
    shutil.rmtree(folder / "_unzipped", ignore_errors=True)
    errors.extend(refused)
    used: set[str] = set()
    for s in stored:
        name = safe_file_name(s.name, Path(s.name).suffix.lower() or s.path.suffix)  # the user's name
        while name in used:
            name = f"{s.sha256[:8]}_{name}"
        used.add(name)
        try:
            os.link(s.path, folder / name)
        except OSError:
            shutil.copyfile(s.path, folder / name)
    return folder, errors


def make_batch_handler(service: Any):
    def run_batch(
        files: list[Any] | None,
        schema_mode: str,
        schema_name: str | None,
        schema_text: str | None,
        field_table: Any,
        engine: str | None,
        model: str | None,
        base_url: str | None,
        think: bool,
        pages: str | None,
        force: bool,
        lang: str | None = None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - gradio's way to ask for a progress bar
    ):
        limit_mb = max_upload_bytes() / 1048576
        if not files:
            message = f"no documents to run: upload documents or a .zip (each at most {limit_mb:.0f} MB)"
            yield message, empty_frame(), empty_frame(), cards_html([], [message])
            return
        try:
            schema = schema_input(schema_mode, schema_name, schema_text, field_table)
            overrides = engine_overrides(engine, model, base_url, think, pages, force, lang)
            service.resolve_schema(schema)
        except DocaiError as e:
            yield f"batch not started: {e}", empty_frame(), empty_frame(), cards_html([], [f"schema: {e}"])
            return
        yield "unpacking and storing the uploads…", empty_frame(), empty_frame(), ""
        folder, refused = prepare_batch_folder(files)
        alert = cards_html([], refused) if refused else ""
        events: queue.Queue[tuple[str, Any]] = queue.Queue()

        def work() -> None:
            try:
                summary = service.batch(
                    folder,
                    schema,
                    on_result=lambda r: events.put(("result", r)),
                    progress=lambda ev: events.put(("progress", ev)),
                    **overrides,
                )
                events.put(("done", summary))
            except DocaiError as e:
                events.put(("error", str(e)))
            except Exception as e:  # a bug must still end the stream with a message
                _log.exception("batch failed")
                events.put(("error", f"internal error: {type(e).__name__}: {e}"))

        threading.Thread(target=work, name="docai-ui-batch", daemon=True).start()
        results: list[Any] = []
        lines = [f"{m} (not processed)" for m in refused]
        progress(0, desc="starting")
        while True:
            kind, value = events.get()
            if kind == "progress":
                frac = value.file_index + (value.pages_done / value.pages_total if value.pages_total else 0)
                progress(frac / max(value.file_total, 1), desc=f"{Path(value.file).name}")
                continue
            if kind == "result":
                value.file = Path(value.file).name
                results.append(value)
                lines.append(f"{value.file}: {value.status}" + (f": {value.error}" if value.error else ""))
            elif kind == "done":
                counts = ", ".join(f"{k} {v}" for k, v in value.counts.items() if v)
                lines.append(
                    f"done: {value.total} file(s) in {value.duration_s:.1f}s ({counts or 'nothing'})"
                )
            elif kind == "error":
                lines.append(f"batch stopped: {value}")
            headers, rows = file_rows(results)
            ih, irows = item_rows(results)
            yield "\n".join(lines), frame(headers, rows), frame(ih, irows), alert
            if kind in ("done", "error"):
                return

    return run_batch


def empty_frame() -> Any:
    return frame(FILE_META_HEADERS, [])


def build_batch_tab(service: Any, schema: SchemaInputs, engine: EngineInputs) -> None:
    gr.Markdown(
        "Runs every document of the uploads with the schema and engine chosen in the Extract tab. "
        "A .zip is unpacked (documents only; entries that are refused are listed)."
    )
    files = gr.File(label="Documents or .zip files", file_count="multiple", elem_id="batch-upload")
    run = gr.Button("Run batch", variant="primary", elem_id="batch-run")
    alert = gr.HTML(elem_id="batch-alert", js_on_load=None)
    status = gr.Textbox(label="Progress", lines=4, interactive=False, elem_id="batch-status")
    table = gr.Dataframe(
        value=empty_frame(), label="Results", interactive=False, max_height=400, elem_id="batch-table"
    )
    items = gr.Dataframe(
        value=frame(["file", "list", "#"], []),
        label="Line items",
        interactive=False,
        max_height=300,
        elem_id="batch-items",
    )
    run.click(
        make_batch_handler(service),
        [files, *schema.all, *engine.all],
        [status, table, items, alert],
        api_name="batch",
        show_progress_on=[status],
    )


def batch_tab(ctx: Any) -> None:
    """The Batch tab in the app's tab list (see docai.webui.app.TABS)."""
    build_batch_tab(ctx.service, ctx.schema, ctx.engine)
