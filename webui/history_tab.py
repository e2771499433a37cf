"""The History tab: extraction runs and answers, searchable; each opens in the view it was made in."""

from __future__ import annotations

import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from docai.errors import DocaiError, InputError
from docai.file_result import FileResult
from docai.results import STATUSES
from docai.webui.common import what_to_do
from docai.webui.uploads import data_dir, find_stored, safe_file_name
from docai.webui.viewer import item_from_result

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


HISTORY_HEADERS = [
    "kind",
    "id",
    "when",
    "file(s)",
    "schema or question",
    "status or answer",
    "engine",
    "seconds",
]
KINDS = ("Runs and answers", "Extraction runs", "Answers")


def _when(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).strftime("%Y-%m-%d %H:%M:%S")


def _short(text: str, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def answer_rows(answers: list[Any]) -> list[list[Any]]:
    return [
        [
            "answer",
            a.id,
            _when(a.created_at),
            ", ".join(a.file_names),
            _short(a.question),
            _short(a.text if a.found else "not found"),
            a.answer.engine,
            round(a.duration_s or 0.0, 2),
        ]
        for a in answers
    ]


def matches(answer: Any, query: str, start: datetime | None) -> bool:
    """An answer matches when the query is in its question, answer or file names (case-insensitive)."""
    created = answer.created_at if answer.created_at.tzinfo else answer.created_at.replace(tzinfo=UTC)
    if start and created < start:
        return False
    hay = " ".join([answer.question, answer.text, *answer.file_names]).lower()
    return not query or query.lower() in hay


def history_rows(
    service: Any, query: str, kind: str, schema: str | None, status: str | None, start: Any, limit: int
) -> list[list[Any]]:
    """Runs and answers, newest first, as table rows."""
    dated: list[tuple[datetime, list[Any]]] = []
    if kind != KINDS[2]:
        runs = service.history(limit=limit, schema=schema, status=status, query=query or None, since=start)
        for r, row in zip(runs, run_rows(runs), strict=True):
            dated.append(
                (r.started_at, ["extraction", row[0], row[1], row[2], row[3], row[6], row[4], row[7]])
            )
    if kind != KINDS[1] and not schema and not status:
        answers = [a for a in service.db.list_answers(limit=max(limit * 4, 200)) if matches(a, query, start)]
        answers = answers[:limit]
        dated += [(a.created_at, row) for a, row in zip(answers, answer_rows(answers), strict=True)]
    aware = lambda d: d if d.tzinfo else d.replace(tzinfo=UTC)  # noqa: E731
    dated.sort(key=lambda pair: aware(pair[0]), reverse=True)
    return [row for _, row in dated[:limit]]


def make_history_handler(service: Any):
    def list_history(
        query: str, kind: str, schema: str | None, status: str | None, since: str, limit: float
    ) -> Any:
        import pandas as pd

        try:
            start = _since(since)
            rows = history_rows(
                service, (query or "").strip(), kind, schema or None, status or None, start, int(limit or 50)
            )
            labels = sorted({_schema_label(r) for r in service.history(limit=500)})
        except DocaiError as e:
            raise gr.Error(f"History: {e}. What to do: {what_to_do(str(e))}") from None
        return (
            pd.DataFrame(rows, columns=HISTORY_HEADERS),
            gr.Dropdown(choices=labels),
            gr.Dropdown(choices=labels),
        )

    return list_history


def run_result(run: Any, path: str | None) -> tuple[Any, dict[str, Any]]:
    """A FileResult and a viewer item rebuilt from a stored run."""
    name = Path(run.file_name).name
    result = FileResult.from_run(run, name, run.duration_s or 0.0)
    return result, item_from_result(result, name, path)


def answer_paths(record: Any) -> tuple[list[Path], dict[str, str]]:
    """The stored files an answer was asked over, and their shown names."""
    paths: list[Path] = []
    names: dict[str, str] = {}
    for sha, name in zip(record.sha256s, record.file_names, strict=False):
        folder = data_dir() / "uploads" / sha
        named = next(iter(sorted(folder.glob("*"))), None) if folder.is_dir() else None
        found = named or find_stored(sha)
        if found is not None:
            paths.append(found)
            names[str(found)] = name
    return paths, names


def make_open_handler(service: Any, n_extract: int, n_ask: int):
    """Open the picked row in the view it was made in: a run in Extract, an answer in Ask."""
    from docai.webui.ask_tab import answer_outputs, citations_for
    from docai.webui.extract_tab import present

    def open_row(picked: str) -> tuple[Any, ...]:
        kind, _, ref = (picked or "").partition(" ")
        if not ref.strip().isdigit():
            raise gr.Error("click a row of the table first, then Open")
        if kind == "extraction":
            run = service.get_run(int(ref))
            if run is None:
                raise gr.Error(f"no run with id {ref}: press Refresh, the list may be old")
            path = document_path_for_run(run)
            result, item = run_result(run, path)
            note = f"Opened run {run.id} ({item['name']})."
            if path is None:
                note += " The document file is not stored here, so its pages cannot be shown."
            lines = [f"{item['name']}: {run.status} (run {run.id}, {_when(run.started_at)})"]
            shown = present([result], [item], lines, [])
            return (*shown, *([gr.skip()] * n_ask), gr.Tabs(selected="extract"), note)
        try:
            record = service.db.get_answer(int(ref))
        except DocaiError as e:
            raise gr.Error(str(e)) from None
        paths, names = answer_paths(record)
        cites = citations_for(record.answer, paths, names)
        shown = answer_outputs([], record.question, record.answer, cites)
        note = f"Opened answer {record.id} ({', '.join(record.file_names)})."
        return (*([gr.skip()] * n_extract), *shown, gr.Tabs(selected="ask"), note)

    return open_row


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


def pick_row(evt: gr.SelectData) -> Any:
    """Clicking a row picks it: 'extraction 12' or 'answer 3'."""
    row = evt.row_value if getattr(evt, "row_value", None) else None
    return f"{row[0]} {int(row[1])}" if row else gr.skip()


def build_history_tab(service: Any, ctx: Any) -> Any:
    """Lay out the History tab; returns the 'open' event so the caller can refresh the viewer."""
    with gr.Row():
        query = gr.Textbox(label="Search file names, questions and answers", elem_id="history-query", scale=3)
        kind = gr.Dropdown(list(KINDS), value=KINDS[0], label="Show", elem_id="history-kind", scale=2)
        schema = gr.Dropdown(label="Schema", choices=[], allow_custom_value=True, elem_id="history-schema")
        status = gr.Dropdown(label="Status", choices=["", *STATUSES], value="", elem_id="history-status")
        since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="history-since")
        limit = gr.Number(
            label="Rows", value=50, precision=0, minimum=1, maximum=1000, elem_id="history-limit"
        )
    refresh = gr.Button("Search", elem_id="history-refresh", variant="primary")
    table = gr.Dataframe(
        value=pd_frame(HISTORY_HEADERS, []),
        interactive=False,
        wrap=True,
        max_height=420,
        label="Runs and answers, newest first (click a row, then Open)",
        elem_id="history-table",
    )
    with gr.Row(equal_height=True):
        picked = gr.Textbox(label="Picked", interactive=False, elem_id="history-picked", scale=2)
        open_btn = gr.Button("Open in the view it was made in", elem_id="history-open", scale=1)
        note = gr.Textbox(label="Opened", interactive=False, elem_id="open-note", scale=3)
    with gr.Accordion("Export results of a schema", open=False), gr.Row():
        export_schema = gr.Dropdown(
            label="Export schema", choices=[], allow_custom_value=True, elem_id="export-schema"
        )
        fmt = gr.Radio(list(EXPORT_FORMATS), value="csv", label="Format", elem_id="export-format")
        export_btn = gr.Button("Export", elem_id="export")
        exported = gr.File(label="Download", file_count="multiple", interactive=False, elem_id="export-files")
    filters = [query, kind, schema, status, since, limit]
    listing = make_history_handler(service)
    ctx.extra["history"] = (listing, filters, [table, schema, export_schema])
    refresh.click(listing, filters, [table, schema, export_schema], api_name="history")
    query.submit(listing, filters, [table, schema, export_schema], api_name=False)
    table.select(pick_row, None, [picked], api_name=False)
    export_btn.click(make_export_handler(service), [export_schema, fmt], [exported], api_name="export")
    views, ask = ctx.views.all, ctx.ask.all
    opened = open_btn.click(
        make_open_handler(service, len(views), len(ask)),
        [picked],
        [*views, *ask, ctx.tabs, note],
        api_name="open_history",
    )
    return opened


def pd_frame(headers: list[str], rows: list[list[Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=headers)


def history_tab(ctx: Any) -> None:
    """The History tab in the app's tab list (see docai.webui.app.TABS)."""
    from docai.webui.viewer import refresh

    opened = build_history_tab(ctx.service, ctx)
    tab = ctx.extra.get("tab")
    if tab is not None:  # the list is current whenever the tab is opened
        listing, filters, outputs = ctx.extra["history"]
        tab.select(listing, filters, outputs, api_name=False, show_progress="hidden")
    opened.then(refresh, [ctx.results, ctx.viewer.grid], ctx.viewer.outputs, api_name=False)
