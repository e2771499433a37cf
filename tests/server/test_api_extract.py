"""Extract through the API: sync (?wait=) and async (a job), paths and uploads, SSE, cancel, export."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.server.conftest import SCHEMA, LiveServer, invoice_pdf, make_invoices


def test_upload_with_wait_answers_at_once(live: LiveServer, tmp_path: Path) -> None:
    pdf = invoice_pdf(tmp_path / "a.pdf", "INV-0042", "1,234.50")
    with live.client() as c:
        r = c.post(
            "/v1/extract",
            params={"wait": 60},
            files={"files": ("a.pdf", pdf.read_bytes(), "application/pdf")},
            data={"schema": json.dumps(SCHEMA)},
        )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["job"]["state"] == "done"
    [res] = body["results"]
    assert res["file"] == "a.pdf" and res["status"] == "ok"
    assert res["data"] == {"invoice_number": "INV-0042", "total": 1234.5}
    assert res["evidence"]["total"]["page_no"] == 1
    # the upload is kept by its hash; the page comes back as a PNG with the run's boxes
    with live.client() as c:
        png = c.get(f"/v1/documents/{res['sha256']}/pages/1.png", params={"run": res["run_id"]})
        run = c.get(f"/v1/runs/{res['run_id']}").json()
        missing = c.get(f"/v1/documents/{res['sha256']}/pages/9.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert run["extraction"]["data"]["invoice_number"] == "INV-0042" and run["sha256"] == res["sha256"]
    assert missing.status_code == 404


def test_paths_async_job_and_sse(live: LiveServer, docs_dir: Path) -> None:
    files = make_invoices(docs_dir, 3)
    with live.client() as c:
        r = c.post(
            "/v1/extract", json={"paths": [str(p) for p in files], "fields": "invoice_number, total number"}
        )
        assert r.status_code == 202, r.text
        job_id = r.json()["job"]["id"]
        events: list[tuple[str, dict]] = []
        with c.stream("GET", f"/v1/jobs/{job_id}/events") as stream:
            event = None
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    events.append((event or "", json.loads(line[6:])))
        status = c.get(f"/v1/jobs/{job_id}").json()
    kinds = [e for e, _ in events]
    assert kinds == ["file", "file", "file", "end"]
    assert sorted(d["result"]["data"]["invoice_number"] for _, d in events[:3]) == [
        "INV-0000",
        "INV-0001",
        "INV-0002",
    ]
    assert events[-1][1]["state"] == "done" and events[-1][1]["progress"]["done"] == 3
    assert status["job"]["state"] == "done" and [f["state"] for f in status["files"]] == ["done"] * 3


def test_path_outside_allowed_folders_is_refused(live: LiveServer, tmp_path: Path) -> None:
    outside = invoice_pdf(tmp_path / "secret.pdf", "X", "1")
    with live.client() as c:
        r = c.post("/v1/extract", json={"paths": [str(outside)], "schema": "invoice"})
        sneaky = str(live.state.config.allowed_paths[0] / ".." / "secret.pdf")
        dots = c.post("/v1/extract", json={"paths": [sneaky], "schema": "invoice"})
    assert r.status_code == 403 and "outside" in r.json()["error"]
    assert dots.status_code == 403


def test_schema_errors_are_one_line_4xx(live: LiveServer, docs_dir: Path) -> None:
    [pdf] = make_invoices(docs_dir, 1)
    with live.client() as c:
        bad_json = c.post("/v1/extract", json={"paths": [str(pdf)], "schema": '{"type": "object", '})
        unknown = c.post("/v1/extract", json={"paths": [str(pdf)], "schema": "no_such_schema"})
        a_path = c.post("/v1/extract", json={"paths": [str(pdf)], "schema": "/etc/passwd"})
        shorthand = c.post("/v1/extract", json={"paths": [str(pdf)], "fields": "total nonsense_type"})
        put_bad = c.put("/v1/schemas/broken", json={"type": "object", "properties": {"a": {"type": "wat"}}})
    for r in (bad_json, unknown, a_path, shorthand, put_bad):
        assert r.status_code == 422, r.text
        msg = r.json()["error"]
        assert msg and "\n" not in msg and "Traceback" not in msg
    assert "malformed" in bad_json.json()["error"]


def test_saved_schema_round_trip_and_export(live: LiveServer, docs_dir: Path) -> None:
    files = make_invoices(docs_dir, 2)
    with live.client() as c:
        put = c.put("/v1/schemas/inv", json=SCHEMA)
        bundled = c.put("/v1/schemas/invoice", json=SCHEMA)  # a bundled name is looked up first
        got = c.get("/v1/schemas/inv")
        r = c.post(
            "/v1/extract", params={"wait": 60}, json={"paths": [str(p) for p in files], "schema": "inv"}
        )
        csv = c.get("/v1/export", params={"schema": "inv", "format": "csv"})
        xlsx = c.get("/v1/export", params={"schema": "inv", "format": "xlsx"})
        bad = c.get("/v1/export", params={"schema": "inv", "format": "doc"})
        runs = c.get("/v1/runs", params={"schema": "inv"}).json()["runs"]
    assert put.status_code == 200 and got.json()["schema"]["properties"]["total"] == {"type": "number"}
    assert bundled.status_code == 400 and "bundled example" in bundled.json()["error"]
    assert r.status_code == 200 and [x["status"] for x in r.json()["results"]] == ["ok", "ok"]
    lines = csv.text.strip().splitlines()
    assert csv.status_code == 200 and len(lines) == 3 and "invoice_number" in lines[0]
    assert {"INV-0000", "INV-0001"} <= set(",".join(lines[1:]).split(","))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert bad.status_code == 400
    assert len(runs) == 2 and all(run["status"] == "ok" for run in runs)


def test_cancel_stops_after_files_in_progress(live: LiveServer, docs_dir: Path) -> None:
    files = make_invoices(docs_dir, 30)
    with live.client() as c:
        job_id = c.post("/v1/extract", json={"paths": [str(p) for p in files], "schema": SCHEMA}).json()[
            "job"
        ]["id"]
        cancelled = c.delete(f"/v1/jobs/{job_id}")
        assert cancelled.status_code == 200
        final = c.post("/v1/extract", params={"wait": 0}, json={})  # a bad request does not disturb it
        assert final.status_code == 422  # no schema
        for _ in range(200):
            status = c.get(f"/v1/jobs/{job_id}").json()
            if status["job"]["state"] != "running":
                break
            time.sleep(0.1)
        missing = c.delete("/v1/jobs/nope")
    assert status["job"]["state"] == "cancelled"
    states = [f["state"] for f in status["files"]]
    assert set(states) <= {"done", "cancelled"} and states.count("cancelled") >= 20
    assert missing.status_code == 404


def test_ask_cites_pages(live: LiveServer, docs_dir: Path) -> None:
    [pdf] = make_invoices(docs_dir, 1)
    with live.client() as c:
        r = c.post("/v1/ask", json={"paths": [str(pdf)], "question": "What is the invoice number?"})
        empty = c.post("/v1/ask", json={"paths": [str(pdf)], "question": "  "})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["found"] is True and "INV-0000" in body["answer"]
    assert body["citations"] and body["citations"][0]["page_no"] == 1
    assert empty.status_code == 400


def test_batch_over_an_allowed_folder(live: LiveServer, docs_dir: Path) -> None:
    make_invoices(docs_dir / "sub", 4)
    with live.client() as c:
        r = c.post("/v1/batch", params={"wait": 120}, json={"folder": str(docs_dir), "schema": SCHEMA})
    assert r.status_code == 200, r.text
    names = sorted(x["file"] for x in r.json()["results"])
    assert names == [f"sub/inv{i:03d}.pdf" for i in range(4)]


def test_bad_schema_stores_no_upload(live: LiveServer, tmp_path: Path) -> None:
    pdf = invoice_pdf(tmp_path / "a.pdf", "INV-1", "1")
    with live.client() as c:
        r = c.post("/v1/extract", files={"files": ("a.pdf", pdf.read_bytes())}, data={"schema": "{nope"})
        opts = c.post(
            "/v1/extract", files={"files": ("a.pdf", pdf.read_bytes())},
            data={"schema": "invoice", "options": json.dumps({"db": "/tmp/other.db"})},
        )  # fmt: skip
    assert r.status_code == 422 and opts.status_code == 400 and "db" in opts.json()["error"]
    assert not [p for p in live.state.uploads.root.rglob("*") if p.is_file()]
