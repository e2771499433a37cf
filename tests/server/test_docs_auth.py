"""/docs and /openapi.json need a key when keys are on (they list every route a caller could try);
`--public-docs` serves them openly. A browser opens /docs?key=TOKEN once; the cookie then lets the docs
page fetch /openapi.json. A live server on 127.0.0.1 with a real SQLite file."""

from __future__ import annotations

from dataclasses import replace

from docai.server import ServerConfig
from tests.server.conftest import LiveServer, free_port, start_server

DOC_PATHS = ("/docs", "/openapi.json", "/redoc")


def test_docs_need_a_key(live: LiveServer) -> None:
    with live.client(token=None) as c:
        refused = [c.get(p) for p in DOC_PATHS]
    with live.client() as c:
        allowed = [c.get(p) for p in DOC_PATHS]
    assert [r.status_code for r in refused] == [401, 401, 401]
    assert all("Bearer" in r.json()["error"] for r in refused)
    assert [r.status_code for r in allowed] == [200, 200, 200]
    assert "/v1/extract" in allowed[1].json()["paths"]


def test_docs_page_opened_with_key_param_can_fetch_the_schema(live: LiveServer) -> None:
    with live.client(token=None) as browser:
        page = browser.get("/docs", params={"key": live.token})
        spec = browser.get("/openapi.json")  # the page's own request: the cookie carries the key
        other = browser.get("/v1/runs", params={"key": live.token})  # ?key= is only for pages
    assert page.status_code == 200 and "swagger" in page.text.lower()
    assert spec.status_code == 200 and "paths" in spec.json()
    assert other.status_code == 200  # the cookie set by /docs, not the ?key= of this call
    with live.client(token=None) as stranger:
        assert stranger.get("/openapi.json", params={"key": "dk_wrong"}).status_code == 401


def test_public_docs_setting_opens_only_the_docs(server_config: ServerConfig) -> None:
    srv = start_server(replace(server_config, port=free_port(), public_docs=True))
    try:
        with srv.client(token=None) as c:
            docs = [c.get(p).status_code for p in DOC_PATHS]
            runs = c.get("/v1/runs").status_code
    finally:
        srv.stop()
    assert docs == [200, 200, 200] and runs == 401
