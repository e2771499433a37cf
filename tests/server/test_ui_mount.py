"""The Gradio web app mounted at /ui on the same server, behind the same keys."""

from __future__ import annotations

import pytest

from docai.server import ServerConfig
from tests.server.conftest import start_server

pytestmark = pytest.mark.slow


def test_ui_is_served_with_a_key(server_config: ServerConfig) -> None:
    server_config.ui = True
    live = start_server(server_config)
    try:
        _key, token = live.state.keys.create("browser")
        with live.client(token=None) as c:
            refused = c.get("/ui/")
            opened = c.get("/ui/", params={"key": token}, follow_redirects=True)
            cookie = opened.cookies.get("docai_key") or c.cookies.get("docai_key")
            again = c.get("/ui/config")  # the app's own request, with the cookie only
        with live.client(token=None) as c:
            docs = c.get("/docs")
    finally:
        live.stop()
    assert refused.status_code == 401
    assert opened.status_code == 200 and "gradio" in opened.text.lower()
    assert cookie == token and again.status_code == 200
    assert docs.status_code == 401  # the API docs need a key too, unless --public-docs
