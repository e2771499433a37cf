"""`docai ui`: start the Gradio web app (gradio is imported only when the command runs)."""

from __future__ import annotations

import logging

import typer

from docai.cli.common import build_options, info
from docai.errors import OptionError

_log = logging.getLogger(__name__)


def _keep_uploads_beside(db: str | None) -> None:
    """`docai --db FILE ui`: uploads go beside FILE, as with DOCAI_DB (unless DOCAI_HOME says where)."""
    import os

    from docai.storage.connection import data_dir_for

    folder = data_dir_for(db)
    if folder is not None and not os.environ.get("DOCAI_HOME"):
        os.environ["DOCAI_HOME"] = str(folder)


def check_port_free(host: str, port: int) -> None:
    """OptionError (exit 2) naming the port when something already listens there."""
    import socket

    if not 0 < port < 65536:
        raise OptionError(f"--port {port}: not a port number (1-65535)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise OptionError(f"--host {host}: cannot resolve ({e.strerror or e})") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the web server itself binds
        try:
            s.bind(addr)
        except OSError as e:
            raise OptionError(
                f"port {port} on {host} is in use ({e.strerror}): "
                "stop what listens there or give another --port"
            ) from None


def register(app: typer.Typer) -> None:
    @app.command("ui")
    def ui(
        host: str = typer.Option(
            "127.0.0.1", "--host", help="Address to listen on (keep 127.0.0.1 unless needed)."
        ),
        port: int = typer.Option(7860, "--port", help="Port to listen on."),
        auth: str = typer.Option(
            None, "--auth", help="Require a login, as user:password (or $DOCAI_UI_AUTH)."
        ),
        share: bool = typer.Option(
            False, "--share", help="Also publish a public gradio.live link (off by default)."
        ),
        engine: str = typer.Option(
            None, "--engine", help="Default engine in the UI (text, transformers, openai)."
        ),
        model: str = typer.Option(None, "--model", help="Default model in the UI."),
        base_url: str = typer.Option(None, "--base-url", help="Default OpenAI-compatible server URL."),
    ) -> None:
        """Start the web app (Extract, Ask, History, Batch) in the browser."""
        from docai.service import Service
        from docai.webui.app import launch_app, parse_auth

        parse_auth(auth)  # a malformed --auth fails before anything starts
        check_port_free(host, port)
        options = build_options(engine=engine, model=model, base_url=base_url)
        _keep_uploads_beside(options.db)
        service = Service(options, db=options.db)
        if share:
            info("warning: --share publishes this app on a public gradio.live address")
        info(f"docai ui on http://{host}:{port} (Ctrl-C to stop)")
        try:
            launch_app(service, host=host, port=port, auth=auth, share=share, block=True)
        finally:
            service.close()
