"""A batch with the openai engine keeps `--concurrency` requests in flight while the next files are
prepared: a real Service and SQLite file, real PDFs, the scripted server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docai.options import Options
from docai.service import Service
from tests.openai_server import MODEL_NAME, FakeOpenAIServer, completion

SCHEMA = {"type": "object", "properties": {"total": {"type": "integer"}}}


class _Watched(Service):
    """The real Service; it only notes how many requests the server holds as each file starts."""

    def __init__(self, server: FakeOpenAIServer, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.server = server
        self.in_flight_at_start: list[int] = []
        self.sent_at_start: list[int] = []

    def extract_file(self, *args: Any, **kw: Any):  # type: ignore[override]
        engine = args[4]  # batch_runner passes (path, resolved, schema_id, options, engine)
        with self.server.lock:
            self.in_flight_at_start.append(self.server.in_flight)
            self.sent_at_start.append(engine.requests_sent())
        return super().extract_file(*args, **kw)


def test_next_files_start_while_every_slot_is_busy(text_pdf, tmp_path: Path) -> None:
    server = FakeOpenAIServer()
    try:
        server.always(completion(json.dumps({"data": {"total": 7}, "pages": {"total": 1}})), delay=1.0)
        folder = tmp_path / "docs"
        folder.mkdir()
        for i in range(8):
            text_pdf(f"docs/d{i}.pdf", [[(72, 72, f"Total {i}")]])
        options = Options(engine="openai", base_url=server.url, model=MODEL_NAME, ocr="never", think=False)
        with _Watched(server, options, db=str(tmp_path / "b.db")) as service:
            summary = service.batch(folder, SCHEMA, concurrency=2, min_confidence=0.0)
        assert summary.total == 8 and summary.counts["failed"] == 0
        assert len(server.requests) == 8
        assert server.max_in_flight == 2  # the engine's semaphore still caps requests in flight
        # files 1 and 2 start alone (nothing else competes with them for the CPU); files 3 and 4 once
        # both of those requests have taken their slots, so they are ready before a slot frees
        sent = service.sent_at_start
        assert sent[:2] == [0, 0] and min(sent[2:4]) >= 2, sent
        # and files start while both requests are on the server (prefetch, not one file per slot)
        assert max(service.in_flight_at_start) == 2, service.in_flight_at_start
    finally:
        server.close()
