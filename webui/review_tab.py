"""The Review tab: the queue of files a person must look at, the page with every field's box, the
failed checks and their reasons, and accepting or correcting each field.

Keys (outside text boxes): `a` accepts the field, `n` goes to the next field, `f` to the next file,
`A` (shift) accepts every open field; Enter in the value box saves it. A click on a word of the page
takes its text as the value; a dragged box takes the words inside it (the box becomes the evidence).
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from docai.webui.review_actions import FIELD_HEADERS, QUEUE_HEADERS, ReviewActions

_log = logging.getLogger(__name__)

# Installed once by the page: keyboard shortcuts, and drag-a-box on the page image. A drag keeps the
# box (in the image's own pixels) in window.__docaiBox and presses the hidden #review-box-apply, whose
# `js` hands it to the server; the click that ends a drag is swallowed so it does not also pick a word.
PAGE_SCRIPT = """
if (!window.__docaiReview) {
  window.__docaiReview = true;
  const q = (s) => document.querySelector(s);
  const press = (id) => { const b = q(id); if (b) b.click(); };
  const visible = () => { const i = q('#review-image'); return i && i.offsetParent !== null; };
  const keys = {a: '#review-accept', A: '#review-accept-all', n: '#review-next-field',
                f: '#review-next-file'};
  document.addEventListener('keydown', (e) => {
    if (!visible() || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    const tag = ((t && t.tagName) || '').toLowerCase();
    if (tag === 'input' || tag === 'textarea' || (t && t.isContentEditable)) return;
    if (keys[e.key]) { e.preventDefault(); press(keys[e.key]); }
  });
  let start = null;
  let draggedAt = 0;
  const imgAt = (e) => {
    const i = e.target;
    return i && i.tagName === 'IMG' && i.closest('#review-image') ? i : null;
  };
  const natural = (img, e) => {  // as gradio's own select: the image is contained, never upscaled
    const r = img.getBoundingClientRect();
    const k = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight, 1);
    const dx = (r.width - img.naturalWidth * k) / 2;
    const dy = (r.height - img.naturalHeight * k) / 2;
    return [(e.clientX - r.left - dx) / k, (e.clientY - r.top - dy) / k];
  };
  document.addEventListener('dragstart', (e) => { if (imgAt(e)) e.preventDefault(); }, true);
  document.addEventListener('mousedown', (e) => {
    const img = imgAt(e);
    start = img ? {img, x: e.clientX, y: e.clientY, p: natural(img, e)} : null;
  }, true);
  document.addEventListener('mouseup', (e) => {
    if (!start) return;
    const moved = Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y);
    if (moved > 8) {
      const p = natural(start.img, e);
      draggedAt = Date.now();
      window.__docaiBox = [start.p[0], start.p[1], p[0], p[1]].map((v) => v.toFixed(1)).join(',');
      press('#review-box-apply');
    }
    start = null;
  }, true);
  document.addEventListener('click', (e) => {  // the click that ends a drag picks no word
    if (imgAt(e) && Date.now() - draggedAt < 500) { e.stopPropagation(); e.preventDefault(); }
  }, true);
}
"""

BOX_JS = "(st, box) => [st, window.__docaiBox || box]"


def review_tab(ctx: Any) -> None:
    """Lay out the Review tab's contents (inside the tab `webui/app.py` opens for it) and wire them."""
    service = ctx.service
    actions = ReviewActions(service)
    with gr.Column(elem_id="review-tab"):
        st = gr.State({})
        with gr.Row():
            schema = gr.Dropdown(label="Schema", choices=[], allow_custom_value=True, elem_id="review-schema")
            batch = gr.Textbox(label="Batch (its --out file or folder; blank: all)", elem_id="review-batch")
            refresh = gr.Button("Refresh queue", elem_id="review-refresh")
        queue = gr.Dataframe(
            headers=QUEUE_HEADERS,
            interactive=False,
            label="To review, riskiest first (click a file)",
            elem_id="review-queue",
        )
        with gr.Row():
            run_id = gr.Number(label="Run id", precision=0, elem_id="review-run")
            open_btn = gr.Button("Open", elem_id="review-open")
            next_file = gr.Button("Next file (f)", elem_id="review-next-file")
        with gr.Row():
            with gr.Column(scale=3):
                image = gr.Image(
                    label="Page: click a word or drag a box to take its text",
                    type="pil", interactive=False, elem_id="review-image", show_label=True,
                )  # fmt: skip
                with gr.Row():
                    page = gr.Number(label="Page", precision=0, minimum=1, elem_id="review-page")
                    note = gr.Textbox(label="Page", interactive=False, elem_id="review-note", scale=3)
            with gr.Column(scale=2):
                fields = gr.Dataframe(
                    headers=FIELD_HEADERS,
                    interactive=False,
                    label="Fields (click one)",
                    elem_id="review-fields",
                )
                field = gr.Textbox(label="Field", interactive=False, elem_id="review-field")
                value = gr.Textbox(label="Value (checked as you type; Enter saves)", elem_id="review-value")
                check = gr.Textbox(label="Check", interactive=False, elem_id="review-check")
                with gr.Row():
                    save = gr.Button("Save value", variant="primary", elem_id="review-save")
                    accept = gr.Button("Accept field (a)", elem_id="review-accept")
                    next_field = gr.Button("Next field (n)", elem_id="review-next-field")
                accept_all = gr.Button("Accept all open fields (A)", elem_id="review-accept-all")
                status = gr.Textbox(label="Review", lines=3, interactive=False, elem_id="review-status")
                export = gr.Button("Export reviewed values (CSV)", elem_id="review-export")
                exported = gr.File(
                    label="Export", file_count="multiple", interactive=False, elem_id="review-export-files"
                )
        box = gr.Textbox(visible="hidden", elem_id="review-box")
        box_apply = gr.Button("apply box", visible="hidden", elem_id="review-box-apply")
        gr.HTML("", js_on_load=PAGE_SCRIPT, elem_id="review-script")
    view = [st, fields, field, value, check, image, page, note, status]
    refresh.click(actions.list_queue, [schema, batch], [queue, schema], api_name=False)
    queue.select(_pick_run, None, [run_id], api_name=False).then(
        actions.open_run, [run_id, st], view, api_name=False
    )
    open_btn.click(actions.open_run, [run_id, st], view, api_name=False)
    next_file.click(actions.next_file, [st, schema, batch], view, api_name=False)
    fields.select(actions.pick_field, [st], view, api_name=False)
    next_field.click(actions.next_field, [st], view, api_name=False)
    page.submit(actions.show_page, [st, page], view, api_name=False)
    value.input(actions.check_value, [st, value], [check], api_name=False, trigger_mode="always_last")
    for saved in (
        save.click(actions.save_value, [st, value], view, api_name=False),
        value.submit(actions.save_value, [st, value], view, api_name=False),
        accept.click(actions.accept_field, [st], view, api_name=False),
        accept_all.click(actions.accept_all, [st], view, api_name=False),
    ):
        saved.success(actions.list_queue, [schema, batch], [queue, schema], api_name=False)
    image.select(actions.click_page, [st], [st, value, check], api_name=False)
    box_apply.click(actions.drag_box, [st, box], [st, value, check], js=BOX_JS, api_name=False)
    export.click(actions.export, [st, schema], [exported], api_name=False)


def _pick_run(evt: gr.SelectData) -> Any:
    row = getattr(evt, "row_value", None)
    return int(row[0]) if row else gr.skip()
