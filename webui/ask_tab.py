"""The Ask tab: a chat over uploaded documents; each answer shows its cited pages as thumbnails."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import gradio as gr

from docai.errors import DocaiError
from docai.results import Evidence
from docai.webui.common import chat_pairs, engine_overrides, store_files, ui_error
from docai.webui.evidence import render_evidence_page
from docai.webui.extract_tab import EngineInputs

_log = logging.getLogger(__name__)

THUMB_DPI = 40.0
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
    bbox = cite.get("bbox")
    ev = {"cited": Evidence(page_no=cite["page_no"], bbox=tuple(bbox) if bbox else None)}
    view = render_evidence_page(cite.get("path"), ev, page_no=cite["page_no"], dpi=dpi)
    return view.image, view.note


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
            raise ui_error("type a question first")
        stored, refused = store_files(ask_files or extract_files)
        if refused:
            raise ui_error("; ".join(refused))
        if not stored:
            raise ui_error("upload a document here or in the Extract tab first")
        paths = [s.named_path for s in stored]
        overrides = engine_overrides(engine, model, base_url, think, pages, force, lang)
        overrides.pop("force", None)
        try:
            result = service.ask(paths, question.strip(), history=chat_pairs(chat), **overrides)
        except DocaiError as e:
            raise ui_error(e) from None
        answer = result.answer
        names = {str(s.named_path): s.name for s in stored}
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
        text = answer.text if answer.found or answer.text else "Not found in the document(s)."
        if cites:
            text += "\n\nCited: " + ", ".join(f"{c['name']} p. {c['page_no']}" for c in cites)
        if answer.also_retrieved:
            text += "\nAlso retrieved (not cited): " + ", ".join(
                f"{Path(c.document or '').name or 'document'} p. {c.page_no}" for c in answer.also_retrieved
            )
        # The chatbot sanitises HTML (dropping markup and its content), so escape: text stays text.
        history = [
            *(chat or []),
            {"role": "user", "content": html.escape(question.strip())},
            {"role": "assistant", "content": html.escape(text)},
        ]
        gallery = []
        for c in cites[:MAX_THUMBS]:
            image, _ = _cited_view(c, THUMB_DPI)
            if image is not None:
                gallery.append((image, f"{c['name']} p. {c['page_no']}"))
        details = "\n".join(f"{c['name']} p. {c['page_no']}: {c['text']}".strip() for c in cites)
        return history, gallery, details or "no pages cited", cites, ""

    return run_ask


def open_citation(cites: list[dict[str, Any]] | None, evt: gr.SelectData) -> tuple[Any, str]:
    """A thumbnail was clicked: show that page large with the cited box."""
    if not cites or evt.index is None:
        return None, ""
    index = evt.index if isinstance(evt.index, int) else evt.index[0]
    cite = cites[min(index, len(cites) - 1)]
    image, note = _cited_view(cite, PAGE_DPI)
    return image, f"{cite['name']}: {note}"


def build_ask_tab(service: Any, engine: EngineInputs, extract_files: gr.File) -> None:
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
            with gr.Row():
                question = gr.Textbox(label="Question", scale=4, elem_id="question", lines=1)
                ask = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
            clear = gr.Button("New conversation", elem_id="clear-chat")
        with gr.Column(scale=2):
            gallery = gr.Gallery(
                label="Cited pages (click to open)",
                columns=4,
                height=220,
                preview=False,
                object_fit="contain",
                elem_id="citations",
                interactive=False,
            )
            details = gr.Textbox(label="Cited text", lines=4, interactive=False, elem_id="citation-details")
            page = gr.Image(label="Cited page", type="pil", interactive=False, elem_id="cited-page")
            page_note = gr.Textbox(show_label=False, interactive=False, elem_id="cited-note")
    inputs = [ask_files, extract_files, question, chat, *engine.all]
    outputs = [chat, gallery, details, cites, question]
    handler = make_ask_handler(service)
    ask.click(handler, inputs, outputs, api_name="ask")
    question.submit(handler, inputs, outputs, api_name=False)
    gallery.select(open_citation, [cites], [page, page_note], api_name=False)
    clear.click(
        lambda: ([], [], "", [], None, ""),
        None,
        [chat, gallery, details, cites, page, page_note],
        api_name=False,
    )
