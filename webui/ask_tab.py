"""The Ask tab: a chat over uploaded documents; each answer shows its cited pages as thumbnails."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from docai.errors import DocaiError
from docai.webui.common import chat_pairs, engine_overrides, store_files, what_to_do
from docai.webui.evidence import draw_boxes, render_page
from docai.webui.extract_tab import EngineInputs

_log = logging.getLogger(__name__)

THUMB_DPI = 60.0
PAGE_DPI = 110.0
MAX_THUMBS = 8


def _citation_path(document: str | None, paths: list[Path]) -> Path | None:
    """The stored file a citation's document name refers to."""
    if len(paths) == 1 or not document:
        return paths[0] if paths else None
    for p in paths:
        if document in (str(p), p.name):
            return p
    return next((p for p in paths if Path(document).name == p.name), None)


def _cited_view(cite: dict[str, Any], dpi: float) -> tuple[Any, str]:
    """The cited page with the cited box outlined (no label over the text), and a one-line note."""
    picture = render_page(cite.get("path"), int(cite["page_no"]), dpi)
    if picture.image is None or picture.size is None:
        return None, picture.note
    bbox = cite.get("bbox")
    boxes = [("", tuple(bbox))] if bbox else []
    image = draw_boxes(picture.image, picture.size, boxes)  # type: ignore[arg-type]
    where = "the cited passage is outlined" if bbox else "the whole page is cited"
    return image, f"Page {picture.page_no} of {picture.page_count}: {where}"


@dataclass
class AskViews:
    """Where an answer is shown; `answer_outputs` fills them in `all` order (History reuses it)."""

    chat: gr.Chatbot
    gallery: gr.Gallery
    details: gr.Textbox
    cites: gr.State
    question: gr.Textbox
    page: gr.Image
    page_note: gr.Textbox
    reasoning: gr.Textbox
    alert: gr.HTML

    @property
    def all(self) -> list[Any]:
        return [
            self.chat,
            self.gallery,
            self.details,
            self.cites,
            self.question,
            self.page,
            self.page_note,
            self.reasoning,
            self.alert,
        ]


def citations_for(answer: Any, paths: list[Path], names: dict[str, str]) -> list[dict[str, Any]]:
    """Each citation with the stored file it points at and the name the user knows it by."""
    cites: list[dict[str, Any]] = []
    for c in answer.citations:
        path = _citation_path(c.document, paths)
        doc_name = names.get(str(path), Path(c.document or "").name or "document")
        cites.append(
            {
                "path": str(path) if path else None,
                "name": doc_name,
                "page_no": c.page_no,
                "bbox": list(c.bbox) if c.bbox else None,
                "text": c.text,
            }
        )
    return cites


def answer_outputs(
    chat: list[Any] | None, question: str, answer: Any, cites: list[dict[str, Any]]
) -> tuple[Any, ...]:
    """Values for `AskViews.all`: the chat with this exchange added, cited pages, first page shown."""
    text = answer.text if answer.found or answer.text else "Not found in the document(s)."
    if cites:
        text += "\n\nCited: " + ", ".join(f"{c['name']} p. {c['page_no']}" for c in cites)
    also = getattr(answer, "also_retrieved", None) or []
    if also:
        text += "\nAlso retrieved (not cited): " + ", ".join(
            f"{Path(c.document or '').name or 'document'} p. {c.page_no}" for c in also
        )
    # The chatbot sanitises HTML (dropping markup and its content), so escape: text stays text.
    history = [
        *(chat or []),
        {"role": "user", "content": html.escape(question)},
        {"role": "assistant", "content": html.escape(text)},
    ]
    gallery = []
    for c in cites[:MAX_THUMBS]:
        image, _ = _cited_view(c, THUMB_DPI)
        if image is not None:
            gallery.append((image, f"{c['name']} p. {c['page_no']}"))
    details = "\n".join(f"{c['name']} p. {c['page_no']}: {c['text']}".strip() for c in cites)
    page, note = (None, "No page was cited.")
    if cites:
        page, note = _cited_view(cites[0], PAGE_DPI)
        note = f"{cites[0]['name']}: {note}"
    reasoning = answer.reasoning or "No reasoning was recorded for this answer."
    return history, gallery, details or "No pages cited.", cites, "", page, note, reasoning, ""


def ask_error(message: str, question: str) -> tuple[Any, ...]:
    """Leave the conversation as it is, keep the question, and show the problem and what to do."""
    alert = (
        f'<div class="docai-error" role="alert"><b>Cannot answer:</b> {html.escape(message)}. '
        f"What to do: {html.escape(what_to_do(message))}</div>"
    )
    return (gr.skip(),) * 4 + (question, gr.skip(), gr.skip(), gr.skip(), alert)


def make_ask_handler(service: Any):
    def run_ask(
        ask_files: list[Any] | None,
        extract_files: list[Any] | None,
        question: str,
        chat: list[Any] | None,
        engine: str | None,
        model: str | None,
        base_url: str | None,
        think: bool,
        pages: str | None,
        force: bool,
        lang: str | None = None,
    ) -> tuple[Any, ...]:
        if not question or not question.strip():
            return ask_error("the question box is empty", question or "")
        stored, refused = store_files(ask_files or extract_files)
        if refused:
            return ask_error("; ".join(refused), question)
        if not stored:
            return ask_error("no document yet: upload one here or in the Extract tab", question)
        paths = [s.named_path for s in stored]
        overrides = engine_overrides(engine, model, base_url, think, pages, force, lang)
        overrides.pop("force", None)
        try:
            result = service.ask(paths, question.strip(), history=chat_pairs(chat), **overrides)
        except DocaiError as e:
            return ask_error(str(e), question)
        names = {str(s.named_path): s.name for s in stored}
        cites = citations_for(result.answer, paths, names)
        return answer_outputs(chat, question.strip(), result.answer, cites)

    return run_ask


def open_citation(cites: list[dict[str, Any]] | None, evt: gr.SelectData) -> tuple[Any, str]:
    """A thumbnail was clicked: show that page large with the cited box."""
    if not cites or evt.index is None:
        return None, ""
    index = evt.index if isinstance(evt.index, int) else evt.index[0]
    cite = cites[min(index, len(cites) - 1)]
    image, note = _cited_view(cite, PAGE_DPI)
    return image, f"{cite['name']}: {note}"


def build_ask_tab(service: Any, engine: EngineInputs, extract_files: gr.File) -> AskViews:
    cites = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            ask_files = gr.File(
                label="Documents (blank: those in the Extract tab)",
                file_count="multiple",
                elem_id="ask-upload",
            )
            chat = gr.Chatbot(
                label="Conversation", elem_id="chat", height=380, render_markdown=False, sanitize_html=True
            )
            alert = gr.HTML(elem_id="ask-alert", js_on_load=None)
            question = gr.Textbox(
                label="Question",
                info="Answered on its own; a short follow-up ('and in 2023?') builds on the last question.",
                elem_id="question",
                lines=1,
            )
            with gr.Row():
                ask = gr.Button("Ask", variant="primary", scale=2, elem_id="ask")
                clear = gr.Button("New conversation", elem_id="clear-chat", scale=1)
        with gr.Column(scale=2):
            gallery = gr.Gallery(
                label="Cited pages (click one to open it below)",
                columns=3,
                height=260,
                preview=False,
                object_fit="contain",
                elem_id="citations",
                interactive=False,
            )
            page = gr.Image(label="Cited page", type="pil", interactive=False, elem_id="cited-page")
            page_note = gr.Textbox(show_label=False, interactive=False, elem_id="cited-note")
            details = gr.Textbox(label="Cited text", lines=3, interactive=False, elem_id="citation-details")
            with gr.Accordion("Reasoning", open=False):
                reasoning = gr.Textbox(
                    show_label=False, lines=6, interactive=False, elem_id="answer-reasoning"
                )
    views = AskViews(chat, gallery, details, cites, question, page, page_note, reasoning, alert)
    inputs = [ask_files, extract_files, question, chat, *engine.all]
    handler = make_ask_handler(service)
    ask.click(handler, inputs, views.all, api_name="ask", show_progress_on=[chat])
    question.submit(handler, inputs, views.all, api_name=False, show_progress_on=[chat])
    gallery.select(open_citation, [cites], [page, page_note], api_name=False)
    clear.click(
        lambda: ([], [], "", [], "", None, "", "", ""),
        None,
        views.all,
        api_name=False,
    )
    return views


def ask_tab(ctx: Any) -> None:
    """The Ask tab in the app's tab list (see docai.webui.app.TABS)."""
    ctx.ask = build_ask_tab(ctx.service, ctx.engine, ctx.files)
