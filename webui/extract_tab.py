"""The Extract tab: upload, choose a schema and engine, run with progress, see tables, JSON and evidence."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from docai.errors import DocaiError
from docai.webui.cards import FIELD_HEADERS, cards_html, field_rows
from docai.webui.common import SCHEMA_MODES, engine_overrides, schema_input, store_files, ui_error
from docai.webui.engine_inputs import EngineInputs, build_engine_inputs
from docai.webui.home import example_invoice, welcome_html
from docai.webui.schema_builder import TABLE_HEADERS
from docai.webui.tables import FILE_META_HEADERS, file_rows, item_rows
from docai.webui.viewer import Viewer, build_viewer, item_from_result, refresh

_log = logging.getLogger(__name__)

DEFAULT_TABLE = [["invoice_number", "text", ""], ["issue_date", "date", ""], ["total", "number", ""]]


@dataclass
class SchemaInputs:
    mode: gr.Radio
    name: gr.Dropdown
    text: gr.Code
    table: gr.Dataframe

    @property
    def all(self) -> list[Any]:
        return [self.mode, self.name, self.text, self.table]


def schema_choices(service: Any) -> list[str]:
    """Saved schema names, then the bundled examples (marked), for the schema dropdown."""
    from docai.schema import example_schema_names

    saved: list[str] = []
    try:
        saved = sorted({s.name for s in service.list_schemas() if s.name})
    except DocaiError as e:
        _log.warning("cannot list saved schemas: %s", e)
    return saved + [f"{n} (example)" for n in example_schema_names() if n not in saved]


def frame(headers: list[str], rows: list[list[str]]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=headers)


def build_schema_inputs(service: Any) -> SchemaInputs:
    choices = schema_choices(service)
    default = next((c for c in choices if c.startswith("invoice")), choices[0] if choices else None)
    mode = gr.Radio(list(SCHEMA_MODES), value=SCHEMA_MODES[0], label="Schema from", elem_id="schema-mode")
    name = gr.Dropdown(
        choices,
        value=default,
        label="Saved or example schema",
        allow_custom_value=True,
        elem_id="schema-name",
    )
    text = gr.Code(
        visible=False,
        label="JSON Schema or fields shorthand",
        language="json",
        lines=6,
        elem_id="schema-json",
        value='{"type": "object", "properties": {"total": {"type": "number"}}}',
    )
    table = gr.Dataframe(
        visible=False,
        value=DEFAULT_TABLE,
        headers=TABLE_HEADERS,
        column_count=(3, "fixed"),
        type="array",
        interactive=True,
        label="Field table (name, type, description)",
        elem_id="field-table",
    )
    mode.change(
        lambda m: tuple(gr.update(visible=m == choice) for choice in SCHEMA_MODES),
        [mode],
        [name, text, table],
        api_name=False,
    )
    return SchemaInputs(mode, name, text, table)


@dataclass
class ResultViews:
    """Where extraction results are shown; `present` fills them in this order."""

    status: gr.Textbox
    cards: gr.HTML
    fields: gr.Dataframe
    table: gr.Dataframe
    items: gr.Dataframe
    json: gr.Code
    state: gr.State
    welcome: gr.Column
    details: gr.Column

    @property
    def all(self) -> list[Any]:
        return [
            self.status,
            self.cards,
            self.fields,
            self.table,
            self.items,
            self.json,
            self.state,
            self.welcome,
            self.details,
        ]


def present(results: list[Any], items: list[dict[str, Any]], lines: list[str], refused: list[str]) -> tuple:
    """Values for `ResultViews.all` from FileResults (already renamed to display names)."""
    headers, rows = file_rows(results)
    ih, irows = item_rows(results)
    payload = json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2, default=str)
    return (
        "\n".join(lines),
        cards_html(items, refused),
        frame(FIELD_HEADERS, field_rows(items)),
        frame(headers, rows),
        frame(ih, irows),
        payload,
        items,
        gr.Column(visible=not items and not refused),
        gr.Column(visible=any(it.get("status") != "failed" for it in items)),
    )


def status_line(r: Any, name: str) -> str:
    cached = " (cached)" if r.cached else ""
    line = f"{name}: {r.status}{cached} in {r.duration_s:.2f}s"
    if r.error:
        line += f": {r.error}"
    elif not r.data or all(v in (None, [], "") for v in r.data.values()):
        line += ": nothing found for this schema"
    return line


def make_extract_handler(service: Any):
    """The Extract button's function (a closure over the service)."""

    def run_extract(
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
    ) -> tuple[Any, ...]:
        stored, refused = store_files(files)
        if not stored and not refused:
            refused = ["no document yet: upload a PDF or an image on the left first"]
        try:
            schema = schema_input(schema_mode, schema_name, schema_text, field_table)
            overrides = engine_overrides(engine, model, base_url, think, pages, force, lang)
            names = {str(s.named_path): s.name for s in stored}

            def on_progress(ev: Any) -> None:
                frac = (ev.file_index + (ev.pages_done / ev.pages_total if ev.pages_total else 0)) / max(
                    ev.file_total, 1
                )
                label = names.get(ev.file, Path(ev.file).name)
                progress(frac, desc=f"{label}: page {ev.pages_done} of {ev.pages_total}")

            progress(0, desc="starting")
            results = (
                service.extract([s.named_path for s in stored], schema, progress=on_progress, **overrides)
                if stored
                else []
            )
        except DocaiError as e:
            files_named = ", ".join(s.name for s in stored) or "the upload"
            return present([], [], [str(e)], [f"{files_named}: {e}", *refused])
        items = []
        lines = [f"{msg} (not processed)" for msg in refused]
        for r in results:
            path = r.file if r.file in names else None
            name = names.get(r.file, Path(r.file).name)
            if r.error:  # the parser names the stored copy ('notes.bin'); the user knows 'notes.pdf'
                r.error = r.error.replace(Path(r.file).name, name)
            r.file = name
            items.append(item_from_result(r, name, path))
            lines.append(status_line(r, name))
        return present(results, items, lines, refused)

    return run_extract


def make_save_handler(service: Any):
    def save_schema(name: str, mode: str, schema_name: str | None, text: str | None, table: Any) -> Any:
        if not name or not name.strip():
            raise ui_error("give the schema a name to save it under")
        try:
            resolved = service.save_schema(name.strip(), schema_input(mode, schema_name, text, table))
        except DocaiError as e:
            raise ui_error(e) from None
        gr.Info(f"Saved schema {resolved.name} ({len(resolved.schema.get('properties', {}))} fields)")
        return gr.Dropdown(choices=schema_choices(service), value=resolved.name)

    return save_schema


def build_results(results_state: gr.State) -> ResultViews:
    """The right-hand column: the first-screen welcome, then cards, tables and JSON after a run."""
    with gr.Column(visible=True) as welcome:
        gr.HTML(welcome_html(example_invoice() is not None), js_on_load=None)
    cards = gr.HTML(cards_html([]), elem_id="result-cards", js_on_load=None)
    with gr.Column(visible=False) as details:
        fields = gr.Dataframe(
            value=frame(FIELD_HEADERS, []),
            label="Every field (file, field, value, confidence, checks)",
            interactive=False,
            wrap=True,
            max_height=340,
            column_widths=["16%", "20%", "30%", "12%", "10%", "12%"],
            elem_id="fields-table",
        )
        with gr.Accordion("Table: one row per file", open=False):
            table = gr.Dataframe(
                value=frame(FILE_META_HEADERS, []),
                interactive=False,
                max_height=300,
                show_label=False,
                elem_id="results-table",
            )
        with gr.Accordion("Line items", open=False):
            items = gr.Dataframe(
                value=frame(["file", "list", "#"], []),
                interactive=False,
                max_height=300,
                show_label=False,
                elem_id="items-table",
            )
        with gr.Accordion("JSON", open=False):
            result_json = gr.Code(language="json", interactive=False, elem_id="result-json")
        with gr.Accordion("Run log", open=False):
            status = gr.Textbox(show_label=False, lines=3, interactive=False, elem_id="status")
    return ResultViews(status, cards, fields, table, items, result_json, results_state, welcome, details)


def build_extract_tab(
    service: Any, results_state: gr.State
) -> tuple[SchemaInputs, EngineInputs, gr.File, Viewer, ResultViews]:
    """Lay out the Extract tab and wire it; returns the inputs and views other tabs reuse."""
    example = example_invoice()
    with gr.Row():
        with gr.Column(scale=2):
            files = gr.File(label="Documents (PDF or image)", file_count="multiple", elem_id="upload")
            schema = build_schema_inputs(service)
            with gr.Accordion("Save this schema", open=False), gr.Row():
                save_name = gr.Textbox(label="Name to save it under", scale=3, elem_id="save-name")
                save = gr.Button("Save schema", scale=1, elem_id="save-schema")
            engine = build_engine_inputs(service)
            with gr.Row():
                run = gr.Button("Extract", variant="primary", elem_id="run", scale=1)
                try_it = gr.Button(
                    "Try the example invoice", elem_id="try-example", scale=1, visible=example is not None
                )
        with gr.Column(scale=3):
            views = build_results(results_state)
    viewer = build_viewer(results_state)
    handler = make_extract_handler(service)
    inputs = [files, *schema.all, *engine.all]
    run.click(handler, inputs, views.all, api_name="extract", show_progress_on=[views.cards]).then(
        refresh, [results_state, viewer.grid], viewer.outputs, api_name=False
    )
    try_it.click(
        lambda: ([str(example)], SCHEMA_MODES[0], "invoice (example)"),
        None,
        [files, schema.mode, schema.name],
        api_name=False,
    ).then(handler, inputs, views.all, api_name=False, show_progress_on=[views.cards]).then(
        refresh, [results_state, viewer.grid], viewer.outputs, api_name=False
    )
    save.click(make_save_handler(service), [save_name, *schema.all], [schema.name], api_name="save_schema")
    return schema, engine, files, viewer, views


def extract_tab(ctx: Any) -> None:
    """The Extract tab in the app's tab list (see docai.webui.app.TABS)."""
    ctx.schema, ctx.engine, ctx.files, ctx.viewer, ctx.views = build_extract_tab(ctx.service, ctx.results)
