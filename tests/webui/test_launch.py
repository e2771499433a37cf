"""Launch safety: loopback by default, no share link, login when asked; `docai ui` flag checks."""

from __future__ import annotations

import httpx
import pytest

from docai.errors import InputError
from docai.options import Options
from docai.service import Service
from docai.webui.app import launch_app, parse_auth


def test_parse_auth() -> None:
    assert parse_auth("ann:s3cr:et") == ("ann", "s3cr:et")
    assert parse_auth(None) is None and parse_auth("  ") is None
    for bad in ("ann", ":pw", "ann:"):
        with pytest.raises(InputError, match="user:password"):
            parse_auth(bad)


def test_login_from_environment_guards_the_app(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCAI_UI_AUTH", "ann:pw123")
    service = Service(Options(engine="text"), db=str(tmp_path / "ui.db"))
    app = launch_app(service, port=None, block=False)
    try:
        assert app.server_name == "127.0.0.1" and not app.share
        config = httpx.get(f"{app.local_url}config", timeout=10)
        assert config.status_code == 401
        with httpx.Client(base_url=app.local_url, timeout=10) as client:
            bad = client.post("login", data={"username": "ann", "password": "nope"})
            assert bad.status_code >= 400
            ok = client.post("login", data={"username": "ann", "password": "pw123"})
            assert ok.status_code == 200
            assert client.get("config").status_code == 200
    finally:
        app.close()
        service.close()


def test_ui_command_rejects_bad_auth() -> None:
    from docai.cli.main import main

    assert main(["ui", "--auth", "nocolon"]) == InputError.exit_code
