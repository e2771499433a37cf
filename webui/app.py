"""The docai web app: `build_app(service)` lays out the tabs; `launch_app` serves it safely.

The UI calls only the service layer. Launch defaults are the safe ones: 127.0.0.1, no share link,
optional login from `--auth user:password` or `$DOCAI_UI_AUTH`.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docai.errors import InputError
from docai.webui.theme import CSS, KEYS_JS, build_theme
from docai.webui.uploads import max_upload_bytes

_log = logging.getLogger(__name__)

TITLE = "docai"


@dataclass
class UiContext:
    """What the tabs share. Each tab builder fills in what later tabs reuse (Extract: schema, engine...)."""

    service: Any
    results: Any  # gr.State: the viewer items of the last extraction or opened run
    tabs: Any  # gr.Tabs, to switch tabs from a handler
    schema: Any = None
    engine: Any = None
    files: Any = None
    viewer: Any = None
    views: Any = None
    ask: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


# (label, id, "module:function"); each function takes the UiContext and lays out its tab.
# The order is the order on screen and the order of building: later tabs may use what earlier ones set.
TABS: list[tuple[str, str, str]] = [
    ("Extract", "extract", "docai.webui.extract_tab:extract_tab"),
    ("Ask", "ask", "docai.webui.ask_tab:ask_tab"),
    ("Batch", "batch", "docai.webui.batch_tab:batch_tab"),
    ("History", "history", "docai.webui.history_tab:history_tab"),
    ("Review", "review", "docai.webui.review_tab:review_tab"),
]


def _builder(target: str) -> Callable[[UiContext], None]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def build_app(service: Any) -> Any:
    """The Gradio Blocks app over `service` (not launched)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from docai.webui.home import status_html

    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        with gr.Row(equal_height=True):
            gr.Markdown("## docai · checked data and cited answers from PDFs and scans", elem_id="title")
        engine_status = gr.HTML(elem_id="status-bar", js_on_load=None)
        results = gr.State([])
        with gr.Tabs(selected=TABS[0][1]) as tabs:
            ctx = UiContext(service, results, tabs)
            for label, tab_id, target in TABS:
                with gr.Tab(label, id=tab_id) as tab:
                    ctx.extra["tab"] = tab  # the tab being built, for builders that act when it is opened
                    _builder(target)(ctx)
        app.load(lambda: status_html(service), None, [engine_status], api_name=False, show_progress="hidden")
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
        head=KEYS_JS,
        theme=build_theme(),
    )
    return app
