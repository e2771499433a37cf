"""The docai web app: `build_app(service)` lays out the tabs; `launch_app` serves it safely.

The UI calls only the service layer. Launch defaults are the safe ones: 127.0.0.1, no share link,
optional login from `--auth user:password` or `$DOCAI_UI_AUTH`.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from docai.errors import InputError
from docai.webui.uploads import max_upload_bytes

_log = logging.getLogger(__name__)

TITLE = "docai"
CSS = "#status textarea, #field-details textarea { font-family: monospace; }"


def build_app(service: Any) -> Any:
    """The Gradio Blocks app over `service` (not launched)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from docai.webui.ask_tab import build_ask_tab
    from docai.webui.batch_tab import build_batch_tab
    from docai.webui.extract_tab import build_extract_tab
    from docai.webui.history_tab import build_history_tab
    from docai.webui.review_tab import build_review_tab
    from docai.webui.viewer import refresh

    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.Markdown("## docai: structured data and cited answers from PDFs and scans")
        results = gr.State([])
        open_note = gr.Textbox(visible=False, elem_id="open-note")
        with gr.Tabs(selected="extract") as tabs:
            with gr.Tab("Extract", id="extract"):
                schema, engine, files, viewer = build_extract_tab(service, results)
            with gr.Tab("Ask", id="ask"):
                build_ask_tab(service, engine, files)
            with gr.Tab("History", id="history"):
                opened = build_history_tab(service, results, tabs, open_note)
            with gr.Tab("Batch", id="batch"):
                build_batch_tab(service, schema, engine)
            build_review_tab(service)
        opened.success(refresh, [results, viewer.grid], viewer.outputs, api_name=False)
    return app


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`user:password` -> (user, password); None or blank -> no login."""
    if value is None or not value.strip():
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise InputError("--auth must look like user:password")
    return user, password


def launch_app(
    service: Any,
    *,
    host: str = "127.0.0.1",
    port: int | None = 7860,
    auth: str | None = None,
    share: bool = False,
    block: bool = True,
) -> Any:
    """Serve the app. `auth` falls back to $DOCAI_UI_AUTH. Returns the Blocks (running when not `block`)."""
    credentials = parse_auth(auth if auth is not None else os.environ.get("DOCAI_UI_AUTH"))
    app = build_app(service)
    app.queue(default_concurrency_limit=1)
    if host not in ("127.0.0.1", "localhost", "::1") and credentials is None:
        _log.warning("serving on %s without a login: anyone who can reach it can use it", host)
    app.launch(
        server_name=host,
        server_port=port,
        auth=credentials,
        share=bool(share),
        max_file_size=max_upload_bytes(),
        prevent_thread_lock=not block,
        show_error=True,
        quiet=True,
        css=CSS,
    )
    return app
