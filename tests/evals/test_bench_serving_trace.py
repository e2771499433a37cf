"""The serving breakdown (evals/bench/serving_trace.py): in-flight arithmetic, and both traced sides
against the scripted OpenAI-compatible server on 127.0.0.1 with real PDFs and a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docai.engines.vlm import common
from docai.evals.bench import serving_trace
from docai.evals.bench.serving_overhead import SCHEMA, docai_payloads, make_pdfs
from docai.storage.database import Database
from tests.openai_server import FakeOpenAIServer, completion


def test_occupancy_counts_requests_in_flight() -> None:
    spans = [(0.0, 2.0), (0.0, 2.0), (1.0, 3.0)]  # 2 in flight, then 3, then 1, then none
    got = serving_trace.occupancy(spans, 0.0, 4.0, slots=2)
    assert got["mean_in_flight"] == pytest.approx(6.0 / 4.0)
    assert got["all_slots_busy_s"] == pytest.approx(2.0)
    assert got["none_in_flight_s"] == pytest.approx(1.0)


def test_both_sides_traced_against_a_local_server(tmp_path: Path) -> None:
    server = FakeOpenAIServer()
    answer = {"data": {"invoice_number": "INV-1", "total": 1, "paid": False}, "pages": {"total": 1}}
    server.always(completion(json.dumps(answer)), delay=0.2)
    try:
        folder = tmp_path / "docs"
        folder.mkdir()
        paths = make_pdfs(folder, 4)
        payloads = docai_payloads(paths, server.url, 2)
        bare = serving_trace.traced_bare(payloads, server.url, 2)
        render, finish = common.image_parts, Database.finish_run
        ours = serving_trace.traced_docai(folder, SCHEMA, server.url, 2, 2, tmp_path / "t.db")
    finally:
        server.close()
    assert bare["requests"] == 4 and ours["requests"] == 4
    assert 1.5 < bare["mean_in_flight"] <= 2.0  # two waves of two 0.2 s requests
    assert 0.0 < ours["mean_in_flight"] <= 2.0
    assert ours["wall_s"] >= 0.4 and ours["before_first_request_s"] > 0.0
    assert {"render", "encode", "db", "verify", "load"} <= set(ours["stage_s_per_page"])
    assert ours["stage_s_per_page"]["render"] > 0.0
    # the timers are gone after the run
    assert common.image_parts is render and Database.finish_run is finish
    assert "finish_run" not in vars(Database)
