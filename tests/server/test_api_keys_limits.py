"""Keys, rate and size limits, metrics, and the --no-auth rule, against a live server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docai.cli.main import main
from docai.errors import InputError
from docai.server import ServerConfig
from tests.server.conftest import SCHEMA, LiveServer, invoice_pdf, start_server


def test_every_route_but_healthz_needs_a_key(live: LiveServer) -> None:
    with live.client(token=None) as c:
        health = c.get("/healthz")
        refused = [c.get(p) for p in ("/metrics", "/v1/runs", "/v1/jobs/x", "/v1/schemas/inv")]
        post = c.post("/v1/extract", json={"paths": [], "schema": "invoice"})
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert all(r.status_code == 401 for r in [*refused, post])
    assert "Bearer" in refused[0].json()["error"]
    with live.client(token="dk_wrong") as c:
        assert c.get("/v1/runs").status_code == 401
    with live.client() as c:
        me = c.get("/v1/keys/me").json()
        assert c.get("/v1/runs").status_code == 200
    assert me["key"]["name"] == "tests" and "token" not in json.dumps(me)


def test_revoked_key_is_refused(live: LiveServer) -> None:
    key, token = live.state.keys.create("short-lived")
    live.state.keys.revoke(str(key.id))
    with live.client(token=token) as c:
        assert c.get("/v1/runs").status_code == 401


def test_rate_limit_per_key(live: LiveServer) -> None:
    _key, token = live.state.keys.create("slow", rate_per_min=3)
    with live.client(token=token) as c:
        codes = [c.get("/v1/runs").status_code for _ in range(5)]
    with live.client() as c:  # another key is not affected
        assert c.get("/v1/runs").status_code == 200
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_oversized_upload_is_413(live: LiveServer, tmp_path: Path) -> None:
    pdf = invoice_pdf(tmp_path / "a.pdf", "INV-1", "1")
    big = pdf.read_bytes() + b"%" + b"0" * (1024 * 1024 + 10)
    _key, small_token = live.state.keys.create("small", max_upload_mb=0.001)
    with live.client() as c:
        r = c.post(
            "/v1/extract", files={"files": ("big.pdf", big, "application/pdf")}, data={"schema": "invoice"}
        )
    with live.client(token=small_token) as c:  # a key's own limit is below the server's
        small = c.post(
            "/v1/extract", files={"files": ("a.pdf", pdf.read_bytes())}, data={"schema": "invoice"}
        )
    assert r.status_code == 413 and "limit" in r.json()["error"]
    assert small.status_code == 413
    assert not any(p.is_file() and p.suffix == ".pdf" for p in live.state.uploads.root.rglob("*"))


def test_metrics_are_prometheus_text(live: LiveServer, docs_dir: Path) -> None:
    pdf = invoice_pdf(docs_dir / "m.pdf", "INV-9", "9.00")
    with live.client() as c:
        assert (
            c.post(
                "/v1/extract", params={"wait": 60}, json={"paths": [str(pdf)], "schema": SCHEMA}
            ).status_code
            == 200
        )
        text = c.get("/metrics").text
    assert "# TYPE docai_http_request_seconds histogram" in text
    assert 'docai_files_total{status="ok"} 1' in text
    assert 'docai_jobs_total{state="done"} 1' in text
    assert 'docai_http_requests_total{code="200",route="/v1/extract"} 1' in text
    assert "docai_file_seconds_count" in text and "docai_pages_total 1" in text


def test_no_auth_only_on_loopback(server_config: ServerConfig) -> None:
    server_config.host, server_config.auth = "0.0.0.0", False
    with pytest.raises(InputError, match="loopback"):
        server_config.check()


def test_no_auth_server_needs_no_key(server_config: ServerConfig) -> None:
    server_config.auth = False
    srv = start_server(server_config)
    try:
        with srv.client(token=None) as c:
            assert c.get("/v1/runs").status_code == 200
    finally:
        srv.stop()


def test_keys_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "k.db")
    assert main(["--db", db, "keys", "create", "ci", "--rate", "5"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("dk_")
    assert main(["--db", db, "keys", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["name"] == "ci" and listed["rate_per_min"] == 5 and token not in json.dumps(listed)
    from docai.storage import open_database
    from docai.storage.keys import KeyStore, token_hash

    with open_database(db) as database:
        store = KeyStore(database)
        assert store.verify(token) is not None
        assert main(["--db", db, "keys", "revoke", "ci"]) == 0
        assert store.verify(token) is None
        from sqlalchemy import text

        with database.engine.connect() as conn:
            stored = conn.execute(text("SELECT token_hash FROM api_keys")).scalar()
        assert stored == token_hash(token) and token not in stored
    capsys.readouterr()
    assert main(["--db", db, "keys", "revoke", "ci"]) == 3
    assert "no active key" in capsys.readouterr().err


def test_openapi_describes_the_work_routes(live: LiveServer) -> None:
    with live.client() as c:  # the docs need a key like every route (tests/server/test_docs_auth.py)
        spec = c.get("/openapi.json").json()
    extract = spec["paths"]["/v1/extract"]["post"]
    form = extract["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"files", "schema", "fields", "options", "webhook_url"} <= set(form)
    assert {"/v1/jobs/{job_id}", "/v1/jobs/{job_id}/events", "/v1/export", "/metrics"} <= set(spec["paths"])


def test_a_key_sees_only_its_own_jobs(live: LiveServer, docs_dir: Path) -> None:
    pdf = invoice_pdf(docs_dir / "j.pdf", "INV-3", "3.00")
    _key, other = live.state.keys.create("other team")
    with live.client() as c:
        job_id = c.post(
            "/v1/extract", params={"wait": 60}, json={"paths": [str(pdf)], "schema": SCHEMA}
        ).json()["job"]["id"]
        assert c.get(f"/v1/jobs/{job_id}").status_code == 200
    with live.client(token=other) as c:
        assert c.get(f"/v1/jobs/{job_id}").status_code == 404
        assert c.get(f"/v1/jobs/{job_id}/events").status_code == 404
        assert c.delete(f"/v1/jobs/{job_id}").status_code == 404
