"""The evidence viewer: a page with each field's box, a field picker, details and the reasoning trace.

Results live in a gr.State as plain dicts (see `viewer_item`), so the Extract and History tabs can
both fill it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gradio as gr

from docai.results import Evidence
from docai.webui.evidence import describe_field, render_evidence_page
from docai.webui.tables import field_paths, value_at

_log = logging.getLogger(__name__)


def viewer_item(
    name: str,
    path: str | None,
    status: str,
    data: dict[str, Any] | None,
    evidence: dict[str, Evidence],
    *,
    error: str | None = None,
    reasoning: str | None = None,
    run_id: int | None = None,
) -> dict[str, Any]:
    """One document's result in the shape the viewer keeps in its state."""
    return {
        "name": name,
        "path": path,
        "status": status,
        "error": error,
        "data": data,
        "evidence": {k: v.to_dict() for k, v in evidence.items()},
        "reasoning": reasoning,
        "run_id": run_id,
    }


@dataclass
class Viewer:
    """The viewer's components; `state` holds the list of viewer items."""

    state: gr.State
    document: gr.Dropdown
    field: gr.Dropdown
    page: gr.Number
    grid: gr.Checkbox
    image: gr.Image
    note: gr.Textbox
    details: gr.Textbox
    reasoning: gr.Textbox

    @property
    def outputs(self) -> list[Any]:
        return [self.document, self.field, self.page, self.image, self.note, self.details, self.reasoning]


def _item(items: list[dict[str, Any]] | None, name: str | None) -> dict[str, Any] | None:
    for it in items or []:
        if it["name"] == name:
            return it
    return (items or [None])[0]


def _show(item: dict[str, Any] | None, field: str | None, page: int | None, grid: bool) -> tuple[Any, ...]:
    """(image, note, details, reasoning, page) for one item and field."""
    if item is None:
        return None, "No result to show yet.", "", "", None
    evidence = {k: Evidence.from_dict(v) for k, v in (item.get("evidence") or {}).items()}
    if item.get("status") == "failed":
        return None, f"{item['name']}: failed: {item.get('error') or 'no reason recorded'}", "", "", None
    view = render_evidence_page(item.get("path"), evidence, page_no=page, selected=field, show_grid=grid)
    details = describe_field(evidence, field, value_at(item.get("data"), field) if field else None)
    return view.image, view.note, details, item.get("reasoning") or "(no reasoning recorded)", view.page_no


def refresh(items: list[dict[str, Any]] | None, grid: bool = False) -> tuple[Any, ...]:
    """After new results: pick the first document and its first field, show its page."""
    item = _item(items, None)
    names = [it["name"] for it in items or []]
    fields = field_paths(item.get("data"), item.get("evidence")) if item else []
    field = next((f for f in fields if f in (item or {}).get("evidence", {})), fields[0] if fields else None)
    image, note, details, reasoning, page = _show(item, field, None, grid)
    return (
        gr.Dropdown(choices=names, value=names[0] if names else None),
        gr.Dropdown(choices=fields, value=field),
        page,
        image,
        note,
        details,
        reasoning,
    )


def choose_document(items: list[dict[str, Any]] | None, name: str | None, grid: bool) -> tuple[Any, ...]:
    item = _item(items, name)
    fields = field_paths(item.get("data"), item.get("evidence")) if item else []
    field = fields[0] if fields else None
    image, note, details, reasoning, page = _show(item, field, None, grid)
    return gr.Dropdown(choices=fields, value=field), page, image, note, details, reasoning


def choose_field(
    items: list[dict[str, Any]] | None, name: str | None, field: str | None, grid: bool
) -> tuple[Any, ...]:
    """Jump to the chosen field's page and highlight its box."""
    image, note, details, _, page = _show(_item(items, name), field, None, grid)
    return page, image, note, details


def choose_page(
    items: list[dict[str, Any]] | None, name: str | None, field: str | None, page: float | None, grid: bool
) -> tuple[Any, ...]:
    image, note, _, _, shown = _show(_item(items, name), field, int(page) if page else None, grid)
    return shown, image, note


def build_viewer(state: gr.State) -> Viewer:
    """Lay out the viewer (inside the caller's Blocks context) and wire its own events."""
    with gr.Row():
        document = gr.Dropdown(label="Document", choices=[], elem_id="viewer-document", scale=2)
        field = gr.Dropdown(label="Field", choices=[], elem_id="viewer-field", scale=2)
        page = gr.Number(label="Page", precision=0, minimum=1, elem_id="viewer-page", scale=1)
        grid = gr.Checkbox(label="Show slice grid", value=False, elem_id="viewer-grid", scale=1)
    with gr.Row():
        image = gr.Image(
            label="Page with evidence", type="pil", interactive=False, elem_id="evidence-image", scale=3
        )
        with gr.Column(scale=2):
            note = gr.Textbox(label="Page", interactive=False, elem_id="viewer-note")
            details = gr.Textbox(label="Field evidence", lines=6, interactive=False, elem_id="field-details")
            with gr.Accordion("Reasoning trace", open=False):
                reasoning = gr.Textbox(show_label=False, lines=8, interactive=False, elem_id="reasoning")
    v = Viewer(state, document, field, page, grid, image, note, details, reasoning)
    document.input(
        choose_document,
        [state, document, grid],
        [field, page, image, note, details, reasoning],
        api_name=False,
    )
    field.input(choose_field, [state, document, field, grid], [page, image, note, details], api_name=False)
    page.submit(choose_page, [state, document, field, page, grid], [page, image, note], api_name=False)
    grid.input(choose_page, [state, document, field, page, grid], [page, image, note], api_name=False)
    return v
