"""Per-file webhooks left pending when a server stops (never tried, or between retries) are sent by
the next server to start on the same database, going on from the attempt reached; nothing delivered is
sent again. A live server on 127.0.0.1, a real receiver, a real SQLite file."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from docai.server import ServerConfig
from tests.server.conftest import SCHEMA, free_port, make_invoices, start_server
from tests.server.test_webhooks import Receiver


def _wait_for(cond, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_pending_per_file_webhooks_are_sent_after_a_restart(
    server_config: ServerConfig, docs_dir: Path
) -> None:
    files = make_invoices(docs_dir, 3)
    receiver = Receiver(fail_first=1_000)  # down at first: every call fails
    config = replace(server_config, auth=False, webhook_attempts=4, webhook_backoff_s=5.0)
    first = start_server(config)
    try:
        with first.client() as c:
            r = c.post(
                "/v1/extract", params={"wait": 60},
                json={"paths": [str(p) for p in files], "schema": SCHEMA, "webhook_url": receiver.url,
                      "webhook_per_file": True, "webhook_secret": "s"},
            )  # fmt: skip
            assert r.status_code == 200 and r.json()["job"]["state"] == "done"
            job_id = r.json()["job"]["id"]
            # the two sender threads each made a first attempt and now wait 5 s to retry; the rest queue
            _wait_for(lambda: len(receiver.received) >= 2)
    finally:
        first.stop()  # pending deliveries are dropped from memory here
    tried_before = len(receiver.received)
    assert tried_before < 4  # 3 files + the end: not everything was even tried
    receiver.fail_first = 0
    second = start_server(replace(config, port=free_port()))
    try:
        wanted = {f"{job_id}.file.{i}" for i in range(3)} | {f"{job_id}.job.done"}
        ok = lambda: {h["X-Docai-Delivery"] for h, _ in receiver.received[tried_before:]}  # noqa: E731
        _wait_for(lambda: ok() >= wanted)
        time.sleep(0.5)  # nothing more comes
        with second.client() as c:
            deliveries = c.get(f"/v1/jobs/{job_id}").json()["webhook_deliveries"]
    finally:
        second.stop()
        receiver.close()
    resent = receiver.received[tried_before:]
    assert sorted(h["X-Docai-Delivery"] for h, _ in resent) == sorted(wanted)  # each once, none lost
    bodies = [json.loads(b) for _, b in resent]
    per_file = sorted((b["position"], b["result"]["status"]) for b in bodies if b["event"] == "file.done")
    assert per_file == [(0, "ok"), (1, "ok"), (2, "ok")]
    assert sum(1 for d in deliveries if d["delivered"]) == 4
    # an event tried once before the stop goes on from attempt 2
    assert {d["attempt"] for d in deliveries if d["delivered"]} >= {1, 2}


def test_delivered_and_given_up_events_are_not_sent_again(
    server_config: ServerConfig, docs_dir: Path
) -> None:
    files = make_invoices(docs_dir, 2)
    receiver = Receiver()
    config = replace(server_config, auth=False, webhook_attempts=2, webhook_backoff_s=0.01)
    srv = start_server(config)
    try:
        with srv.client() as c:
            body = {"paths": [str(p) for p in files], "schema": SCHEMA, "webhook_url": receiver.url,
                    "webhook_per_file": True}  # fmt: skip
            assert c.post("/v1/extract", params={"wait": 60}, json=body).status_code == 200
            _wait_for(lambda: len(receiver.received) == 3)
    finally:
        srv.stop()
    assert srv.state.jobs.pending_deliveries(attempts=2) == []
    again = start_server(replace(config, port=free_port()))
    time.sleep(1.0)
    again.stop()
    receiver.close()
    assert len(receiver.received) == 3  # the restart sent nothing twice
