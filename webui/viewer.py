"""The evidence viewer: the page with each field's box, field stepping, zoom, details and reasoning.

Results live in a gr.State as plain dicts (see `viewer_item`), so the Extract and History tabs can
both fill it. The viewer stays hidden until there is a result to show.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gradio as gr

from docai.webui.evidence import VIEW_DPI, draw_grid, first_evidence_page, render_page, slice_grid_for_page
from docai.webui.page_html import FieldMark, details_html, field_marks, page_html
from docai.webui.theme import VIEWER_JS

_log = logging.getLogger(__name__)

RENDER_DPI = VIEW_DPI * 1.3  # a little sharper than the screen needs, so zooming in stays readable


def viewer_item(
    name: str,
    path: str | None,
    status: str,
    data: dict[str, Any] | None,
    evidence: dict[str, Any],
    *,
    error: str | None = None,
    reasoning: str | None = None,
    run_id: int | None = None,
    extraction: Any = None,
    duration_s: float | None = None,
    cached: bool = False,
) -> dict[str, Any]:
    """One document's result in the shape the viewer keeps in its state (fields/review from `extraction`)."""
    return {
        "name": name,
        "path": path,
        "status": status,
        "error": error,
        "data": data,
        "evidence": {k: v.to_dict() for k, v in evidence.items()},
        "fields": {k: v.to_dict() for k, v in (getattr(extraction, "fields", None) or {}).items()},
        "review": list(getattr(extraction, "review", None) or []),
        "reasoning": reasoning,
        "run_id": run_id,
        "duration_s": duration_s,
        "cached": cached,
    }


def item_from_result(result: Any, name: str, path: str | None) -> dict[str, Any]:
    """A viewer item from a service FileResult."""
    ex = result.extraction
    return viewer_item(
        name,
        path,
        result.status,
        result.data,
        result.evidence,
        error=result.error,
        reasoning=ex.reasoning if ex else None,
        run_id=result.run_id,
        extraction=ex,
        duration_s=result.duration_s,
        cached=result.cached,
    )


@dataclass
class Viewer:
    """The viewer's components; `state` holds the list of viewer items."""

    state: gr.State
    box: gr.Column
    document: gr.Dropdown
    field: gr.Dropdown
    page: gr.Dropdown
    grid: gr.Checkbox
    view: gr.HTML
    details: gr.HTML
    reasoning: gr.Textbox

    @property
    def outputs(self) -> list[Any]:
        """What `refresh` fills, in order."""
        return [self.box, self.document, self.field, self.page, self.view, self.details, self.reasoning]


def _item(items: list[dict[str, Any]] | None, name: str | None) -> dict[str, Any] | None:
    for it in items or []:
        if it["name"] == name:
            return it
    return (items or [None])[0]


def _message(text: str) -> str:
    import html

    return f'<div class="docai-error" role="alert">{html.escape(text)}</div>'


def _page_of(marks: list[FieldMark], field: str | None) -> int | None:
    mark = next((m for m in marks if m.field == field), None)
    return mark.evidence.page_no if mark and mark.evidence and mark.evidence.page_no else None


def show(item: dict[str, Any] | None, field: str | None, page: int | None, grid: bool) -> tuple[Any, ...]:
    """(page dropdown, page html, details html) for one item and field; `page` None: the field's page."""
    if item is None:
        return gr.Dropdown(choices=[], value=None), "", ""
    marks = field_marks(item)
    if item.get("status") == "failed":
        text = f"{item['name']}: failed: {item.get('error') or 'no reason recorded'}"
        return gr.Dropdown(choices=[], value=None), _message(text), ""
    if page is None:
        evidence = {m.field: m.evidence for m in marks if m.evidence}
        page = _page_of(marks, field) or first_evidence_page(evidence)
    picture = render_page(item.get("path"), page, RENDER_DPI)
    details = details_html(marks, field)
    if picture.image is None or picture.size is None:
        return gr.Dropdown(choices=[], value=None), _message(f"{item['name']}: {picture.note}"), details
    on_page = [m for m in marks if m.evidence and m.evidence.page_no == picture.page_no]
    image = picture.image
    boxed = sum(bool(m.evidence and m.evidence.bbox) for m in on_page)
    note = f"Page {picture.page_no} of {picture.page_count}: {boxed} field box(es)"
    if grid:
        cells = slice_grid_for_page(*picture.size)
        image = draw_grid(image, cells)
        note += f"; slice grid {cells[0]}x{cells[1]}" if cells else "; fits in one slice (no grid)"
    pages = list(range(1, (picture.page_count or 1) + 1))
    html = page_html(image, picture.size, on_page, field, note)
    return gr.Dropdown(choices=pages, value=picture.page_no), html, details


def refresh(items: list[dict[str, Any]] | None, grid: bool = False) -> tuple[Any, ...]:
    """After new results: show the viewer, pick the first document and its first boxed field."""
    item = _item(items, None)
    names = [it["name"] for it in items or []]
    marks = field_marks(item)
    fields = [m.field for m in marks]
    field = next((m.field for m in marks if m.evidence and m.evidence.bbox), fields[0] if fields else None)
    page, view, details = show(item, field, None, grid)
    return (
        gr.Column(visible=item is not None),
        gr.Dropdown(choices=names, value=names[0] if names else None),
        gr.Dropdown(choices=fields, value=field),
        page,
        view,
        details,
        (item or {}).get("reasoning") or "No reasoning was recorded for this run.",
    )


def choose_document(items: list[dict[str, Any]] | None, name: str | None, grid: bool) -> tuple[Any, ...]:
    item = _item(items, name)
    fields = [m.field for m in field_marks(item)]
    field = fields[0] if fields else None
    page, view, details = show(item, field, None, grid)
    reasoning = (item or {}).get("reasoning") or "No reasoning was recorded for this run."
    return gr.Dropdown(choices=fields, value=field), page, view, details, reasoning


def choose_field(
    items: list[dict[str, Any]] | None, name: str | None, field: str | None, grid: bool
) -> tuple[Any, ...]:
    """Jump to the chosen field's page and highlight its box."""
    return show(_item(items, name), field, None, grid)


def step_field(
    items: list[dict[str, Any]] | None, name: str | None, field: str | None, grid: bool, step: int
) -> tuple[Any, ...]:
    """The next (step 1) or previous (-1) field, wrapping around; then its page."""
    item = _item(items, name)
    fields = [m.field for m in field_marks(item)]
    if not fields:
        return gr.skip(), *show(item, None, None, grid)
    at = fields.index(field) if field in fields else -step
    chosen = fields[(at + step) % len(fields)]
    return gr.Dropdown(value=chosen), *show(item, chosen, None, grid)


def choose_page(
    items: list[dict[str, Any]] | None, name: str | None, field: str | None, page: Any, grid: bool
) -> tuple[Any, ...]:
    return show(_item(items, name), field, int(page) if page else None, grid)


def build_viewer(state: gr.State) -> Viewer:
    """Lay out the viewer (inside the caller's Blocks context) and wire its own events."""
    with gr.Column(visible=False, elem_id="evidence-viewer") as box:
        gr.Markdown("### Evidence")
        with gr.Row():
            document = gr.Dropdown(label="Document", choices=[], elem_id="viewer-document", scale=3)
            field = gr.Dropdown(label="Field", choices=[], elem_id="viewer-field", scale=3)
            prev = gr.Button("◀ Previous field (k)", elem_id="viewer-prev", scale=1, size="sm")
            nxt = gr.Button("Next field (j) ▶", elem_id="viewer-next", scale=1, size="sm")
            page = gr.Dropdown(label="Page", choices=[], elem_id="viewer-page", scale=1)
            grid = gr.Checkbox(label="Slice grid", value=False, elem_id="viewer-grid", scale=1)
        with gr.Row():
            with gr.Column(scale=3, min_width=480):
                view = gr.HTML(elem_id="evidence-page", js_on_load=VIEWER_JS)
            with gr.Column(scale=2, min_width=320):
                details = gr.HTML(elem_id="field-details", js_on_load=None)
                with gr.Accordion("Reasoning trace", open=False):
                    reasoning = gr.Textbox(show_label=False, lines=8, interactive=False, elem_id="reasoning")
    v = Viewer(state, box, document, field, page, grid, view, details, reasoning)
    shown = [page, view, details]
    document.input(choose_document, [state, document, grid], [field, *shown, reasoning], api_name=False)
    field.input(choose_field, [state, document, field, grid], shown, api_name=False)
    for button, step in ((prev, -1), (nxt, 1)):
        button.click(
            lambda items, name, f, g, s=step: step_field(items, name, f, g, s),
            [state, document, field, grid],
            [field, *shown],
            api_name=False,
            show_progress="hidden",
        )
    page.input(choose_page, [state, document, field, page, grid], shown, api_name=False)
    grid.input(choose_page, [state, document, field, page, grid], shown, api_name=False)
    return v
