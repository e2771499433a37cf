"""A webhook received by a real local receiver, signed with HMAC-SHA256, retried after a failure."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from docai.server.webhooks import SIGNATURE_HEADER, signature_ok
from tests.server.conftest import SCHEMA, LiveServer, make_invoices


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it receives; the first `fail_first` calls get 500."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first = fail_first
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                code = 500 if len(outer.received) <= outer.fail_first else 204
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()


def _wait_for(cond, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_webhook_signed_retried_and_recorded(live: LiveServer, docs_dir: Path) -> None:
    files = make_invoices(docs_dir, 2)
    receiver = Receiver(fail_first=1)
    secret = "s3cret-for-the-test"
    try:
        with live.client() as c:
            r = c.post(
                "/v1/extract",
                params={"wait": 60},
                json={"paths": [str(p) for p in files], "schema": SCHEMA, "webhook_url": receiver.url,
                      "webhook_secret": secret, "webhook_per_file": True},
            )  # fmt: skip
            assert r.status_code == 200 and "webhook_secret" not in r.json()
            job_id = r.json()["job"]["id"]
            # two per-file calls and the end call; the first attempt was answered 500 and retried
            _wait_for(lambda: sum(1 for h, _ in receiver.received if h["X-Docai-Event"] == "job.done") == 1)
            _wait_for(lambda: len(receiver.received) == 4)
            deliveries = c.get(f"/v1/jobs/{job_id}").json()["webhook_deliveries"]
    finally:
        receiver.close()
    for headers, body in receiver.received:
        assert signature_ok(secret, body, headers[SIGNATURE_HEADER])
        assert not signature_ok("another-secret", body, headers[SIGNATURE_HEADER])
    events = [json.loads(body)["event"] for _, body in receiver.received]
    assert sorted(events) == ["file.done", "file.done", "file.done", "job.done"]
    end = json.loads(next(b for h, b in receiver.received if h["X-Docai-Event"] == "job.done"))
    assert end["job"]["id"] == job_id and end["job"]["state"] == "done" and len(end["files"]) == 2
    assert [d["delivered"] for d in deliveries].count(False) == 1 and len(deliveries) == 4
    failed = next(d for d in deliveries if not d["delivered"])
    assert failed["status_code"] == 500 and failed["attempt"] == 1


def test_generated_secret_is_returned_once(live: LiveServer, docs_dir: Path) -> None:
    [pdf] = make_invoices(docs_dir, 1)
    receiver = Receiver()
    try:
        with live.client() as c:
            r = c.post("/v1/extract", params={"wait": 60},
                       json={"paths": [str(pdf)], "schema": SCHEMA, "webhook_url": receiver.url})  # fmt: skip
            secret = r.json()["webhook_secret"]
            _wait_for(lambda: len(receiver.received) == 1)
            again = c.get(f"/v1/jobs/{r.json()['job']['id']}").json()
    finally:
        receiver.close()
    headers, body = receiver.received[0]
    assert signature_ok(secret, body, headers[SIGNATURE_HEADER])
    assert secret not in json.dumps(again)


def test_bad_webhook_url_is_400(live: LiveServer, docs_dir: Path) -> None:
    [pdf] = make_invoices(docs_dir, 1)
    with live.client() as c:
        r = c.post(
            "/v1/extract", json={"paths": [str(pdf)], "schema": SCHEMA, "webhook_url": "file:///etc/passwd"}
        )
    assert r.status_code == 400 and "webhook_url" in r.json()["error"]


def test_end_webhook_lost_with_a_stopped_server_is_sent_on_start(server_config, docs_dir: Path) -> None:
    """A job that ended just before its server died (no end delivery recorded) is announced by the next."""
    from docai.storage import open_database
    from docai.storage.jobs import JobStore, NewFile
    from tests.server.conftest import start_server

    receiver = Receiver()
    with open_database(server_config.db) as db:  # what the stopped server left: an ended job, no delivery
        store = JobStore(db)
        job_id = store.create("extract", [NewFile(str(docs_dir / "x.pdf"), "x.pdf")], SCHEMA,
                              webhook_url=receiver.url, webhook_secret="k")  # fmt: skip
        f = store.claim("gone", 30)
        store.finish(f.id, "gone", "ok", None, {"file": "x.pdf"})
        assert store.close_if_finished(job_id) == "done"
    live = start_server(server_config)
    try:
        _wait_for(lambda: len(receiver.received) == 1)
        time.sleep(0.3)
    finally:
        live.stop()
        receiver.close()
    [(headers, body)] = receiver.received
    assert json.loads(body)["event"] == "job.done" and headers["X-Docai-Delivery"] == f"{job_id}.job.done"
    assert signature_ok("k", body, headers[SIGNATURE_HEADER])
