"""The openai engine against a real HTTP server on 127.0.0.1 replaying what real servers send."""

from __future__ import annotations

import base64
import io
import json
import threading
import time

import pytest
from PIL import Image

from docai.engines import create_engine, engine_status
from docai.engines.openai_engine import OpenAIEngine
from docai.errors import EngineError, EngineUnavailable, SchemaError
from docai.parsers.loader import load_document
from tests.openai_server import error_body

from .conftest import INVOICE_SCHEMA, MODEL_NAME, completion

GOOD = {
    "data": {"invoice_number": "INV-0042", "date": "03/04/2024", "total": "1.234,56", "items": None},
    "pages": {"invoice_number": 1, "date": 1, "total": 2},
}


def _images(request: dict) -> list[Image.Image]:
    out = []
    for part in request["messages"][-1]["content"]:
        if part["type"] == "image_url":
            url = part["image_url"]["url"]
            assert url.startswith("data:image/png;base64,")
            out.append(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))
    return out


def _texts(request: dict) -> str:
    return "\n".join(p["text"] for p in request["messages"][-1]["content"] if p["type"] == "text")


def test_request_carries_pages_schema_and_thinking(server, openai_options, invoice_pdf):
    server.reply(completion("<think>Page 1 has the number; page 2 the total.</think>" + json.dumps(GOOD)))
    engine = create_engine(openai_options)
    with load_document(invoice_pdf, openai_options) as doc:
        result = engine.extract(doc, INVOICE_SCHEMA)
    req = server.requests[0]
    assert req["model"] == MODEL_NAME
    assert req["chat_template_kwargs"] == {"enable_thinking": True}
    fmt = req["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is False
    assert fmt["json_schema"]["schema"]["properties"]["data"]["properties"]["total"]["type"] == [
        "number",
        "null",
    ]
    images = _images(req)
    assert len(images) == 2  # one image per page with server-side slicing
    assert images[0].height > images[0].width  # portrait A4 rendered
    text = _texts(req)
    assert text.index("Page 1:") < text.index("Page 2:")
    assert '"invoice_number"' in text  # the schema is in the prompt too
    # reply handling: reasoning split off, numbers and dates normalized, evidence per field
    assert result.status == "ok", result.errors
    assert result.reasoning == "Page 1 has the number; page 2 the total."
    assert result.data["total"] == pytest.approx(1234.56)
    assert result.data["date"] == "2024-04-03"
    assert result.evidence["total"].page_no == 2 and result.evidence["invoice_number"].page_no == 1
    assert result.evidence["invoice_number"].text == "INV-0042"
    assert result.usage == {
        "prompt_tokens": 100,
        "completion_tokens": 20,
        "total_tokens": 120,
        "reasoning_tokens": 0,
    }
    assert result.engine == "openai" and result.model == MODEL_NAME


def test_reasoning_parser_with_empty_content(server, openai_options, invoice_pdf):
    # vLLM with a reasoning parser but thinking unfinished in content: everything in reasoning_content
    server.reply(completion("", reasoning="Let me look. The total is on page 2.\n" + json.dumps(GOOD)))
    engine = OpenAIEngine(openai_options.replace(think=False))
    with load_document(invoice_pdf, openai_options) as doc:
        result = engine.extract(doc, INVOICE_SCHEMA)
    assert server.requests[0]["chat_template_kwargs"] == {"enable_thinking": False}
    assert result.status == "ok"
    assert result.data["invoice_number"] == "INV-0042"
    assert "The total is on page 2" in (result.reasoning or "")


def test_reasoning_content_and_fenced_json(server, openai_options, invoice_pdf):
    fenced = "Here is the result:\n```json\n" + json.dumps(GOOD, indent=2) + "\n```\nDone."
    server.reply(completion(fenced, reasoning="thinking about it"))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert result.status == "ok"
    assert result.reasoning == "thinking about it"
    assert result.data["total"] == pytest.approx(1234.56)


def test_invalid_then_repaired(server, openai_options, invoice_pdf):
    bad = {"data": {"invoice_number": "INV-0042", "total": "about a thousand", "items": "none"}, "pages": {}}
    server.reply(completion(json.dumps(bad)))
    server.reply(completion(json.dumps(GOOD)))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert len(server.requests) == 2
    repair = server.requests[1]
    assert _images(repair) == []  # the repair round is text only
    assert "total" in _texts(repair) and "about a thousand" in _texts(repair)
    assert result.status == "ok"
    assert result.data["total"] == pytest.approx(1234.56)
    assert any("repaired" in n for n in result.notes)
    assert result.usage["total_tokens"] == 240


def test_still_invalid_after_repair_is_invalid_with_raw_output(server, openai_options, invoice_pdf):
    server.reply(completion("I cannot read this document, sorry."))
    server.reply(completion('{"data": {"total": "lots"}}'))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert result.status == "invalid"
    assert "I cannot read this document" in result.raw_output
    assert "lots" in result.raw_output
    assert any("total" in e for e in result.errors)
    assert result.evidence == {}


def test_missing_required_is_partial(server, openai_options, invoice_pdf):
    reply = {"data": {"invoice_number": "INV-0042", "total": None}, "pages": {"invoice_number": 1}}
    server.reply(completion(json.dumps(reply)))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert result.status == "partial"
    assert result.data == {"invoice_number": "INV-0042", "date": None, "total": None, "items": None}
    assert any("total" in n for n in result.notes)


def test_server_error_is_retried(server, openai_options, invoice_pdf):
    server.reply(error_body("Internal server error", 500, kind="InternalServerError"), status=500)
    server.reply({"error": "slow down"}, status=429)  # a proxy in front of the server
    server.reply(completion(json.dumps(GOOD)))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert len(server.requests) == 3
    assert result.status == "ok"


def test_retries_exhausted_raise_engine_error(server, openai_options, invoice_pdf):
    for _ in range(3):
        server.reply({"error": "down"}, status=503)
    with load_document(invoice_pdf, openai_options) as doc, pytest.raises(EngineError, match="HTTP 503"):
        OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert len(server.requests) == 3


def test_response_format_rejected_falls_back_to_prompt(server, openai_options, invoice_pdf):
    server.reply(  # vLLM 0.32 on a schema xgrammar cannot compile
        error_body('Failed to transform json schema into a grammar: Unsupported type "strin"'), status=400
    )
    server.reply(completion(json.dumps(GOOD)))
    server.reply(completion(json.dumps(GOOD)))
    engine = OpenAIEngine(openai_options)
    with load_document(invoice_pdf, openai_options) as doc:
        result = engine.extract(doc, INVOICE_SCHEMA)
        again = engine.extract(doc, INVOICE_SCHEMA)
    assert "response_format" in server.requests[0]
    assert "response_format" not in server.requests[1]
    assert "response_format" not in server.requests[2]  # remembered for the engine's life
    assert result.status == "ok" and again.status == "ok"
    assert any("response_format" in n for n in result.notes)


def test_other_client_error_is_not_retried(server, openai_options, invoice_pdf):
    server.reply(error_body("The model `x` does not exist.", 404, "model"), status=404)
    with load_document(invoice_pdf, openai_options) as doc, pytest.raises(EngineError, match="404"):
        OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert len(server.requests) == 1


def test_timeout_becomes_engine_error(server, openai_options, invoice_pdf):
    for _ in range(2):
        server.reply(completion(json.dumps(GOOD)), delay=1.5)
    options = openai_options.replace(timeout_s=0.3, retries=1)
    started = time.monotonic()
    with load_document(invoice_pdf, options) as doc, pytest.raises(EngineError, match="no answer within"):
        OpenAIEngine(options).extract(doc, INVOICE_SCHEMA)
    assert time.monotonic() - started < 5
    assert len(server.requests) == 2


def test_unreachable_server_is_engine_error(invoice_pdf, openai_options):
    options = openai_options.replace(base_url="http://127.0.0.1:9/v1", retries=0)
    with load_document(invoice_pdf, options) as doc, pytest.raises(EngineError, match="connection failed"):
        OpenAIEngine(options).extract(doc, INVOICE_SCHEMA)


def test_groups_are_merged_with_pages(server, openai_options, invoice_pdf):
    server.reply(
        completion(
            json.dumps(
                {
                    "data": {
                        "invoice_number": "INV-0042",
                        "items": [{"description": "Item A", "amount": 10}],
                    },
                    "pages": {"invoice_number": 1},
                }
            )
        )
    )
    server.reply(
        completion(
            json.dumps(
                {
                    "data": {
                        "total": 1234.56,
                        "items": [{"description": "Item A", "amount": 10}, {"amount": 5}],
                    },
                    "pages": {"total": 2},
                }
            )
        )
    )
    options = openai_options.replace(pages_per_request=1, concurrency=1)
    progress: list[tuple[int, int]] = []
    with load_document(invoice_pdf, options) as doc:
        result = OpenAIEngine(options).extract(
            doc, INVOICE_SCHEMA, progress=lambda d, t: progress.append((d, t))
        )
    assert [len(_images(r)) for r in server.requests] == [1, 1]
    assert "The pages shown are" not in _texts(server.requests[0])
    assert result.data["invoice_number"] == "INV-0042" and result.data["total"] == pytest.approx(1234.56)
    assert result.data["items"] == [{"description": "Item A", "amount": 10}, {"amount": 5}]
    assert result.evidence["items[1].amount"].page_no == 2
    assert result.evidence["items[0].description"].page_no == 1
    assert progress[-1] == (2, 2)


def test_client_slicing_sends_overview_and_slices(server, openai_options, text_pdf):
    pdf = text_pdf("big.pdf", [[(72, 72, "Receipt total 5.00")]], size=(900, 1200))
    server.reply(completion(json.dumps({"data": {"total": 5}, "pages": {"total": 1}})))
    options = openai_options.replace(slicing="client")
    with load_document(pdf, options) as doc:
        result = OpenAIEngine(options).extract(
            doc, {"type": "object", "properties": {"total": {"type": "number"}}}
        )
    images = _images(server.requests[0])
    assert len(images) == 10  # overview + 3x3 slices for a 3:4 page at the slicing budget
    assert all(max(im.size) <= 600 for im in images)
    assert "Page 1 (part 9 of 9):" in _texts(server.requests[0])
    assert result.data == {"total": 5}


def test_ask_single_and_combined(server, openai_options, invoice_pdf):
    server.reply(completion(json.dumps({"answer": None, "found": False, "pages": []})))
    server.reply(completion(json.dumps({"answer": "1.234,56 EUR", "found": True, "pages": [2]})))
    options = openai_options.replace(pages_per_request=1, concurrency=1)
    engine = OpenAIEngine(options)
    with load_document(invoice_pdf, options) as doc:
        answer = engine.ask([doc], "What is the total?")
        assert answer.found and answer.text == "1.234,56 EUR"
        assert [(c.page_no, c.document) for c in answer.citations] == [(2, "invoice.pdf")]
        assert "What is the total?" in _texts(server.requests[0])
        assert server.requests[0]["response_format"]["json_schema"]["name"] == "docai_answer"
        # two groups both answer: one more (text-only) call combines them
        server.reply(completion(json.dumps({"answer": "INV-0042", "found": True, "pages": [1]})))
        server.reply(completion(json.dumps({"answer": "0042", "found": True, "pages": [2, 7]})))
        server.reply(completion(json.dumps({"answer": "INV-0042", "found": True, "pages": [1]})))
        combined = engine.ask([doc], "Invoice number?")
    assert combined.text == "INV-0042" and [c.page_no for c in combined.citations] == [1]
    assert _images(server.requests[-1]) == [] and "INV-0042" in _texts(server.requests[-1])


def test_ask_not_found(server, openai_options, invoice_pdf):
    server.always(completion('{"answer": null, "found": false, "pages": []}'))
    with load_document(invoice_pdf, openai_options) as doc:
        answer = OpenAIEngine(openai_options).ask([doc], "Who signed?")
    assert not answer.found and answer.citations == []


def test_extract_many_keeps_server_busy(server, openai_options, text_pdf):
    server.always(completion('{"data": {"total": 1}, "pages": {"total": 1}}'), delay=0.3)
    docs_paths = [text_pdf(f"d{i}.pdf", [[(72, 72, f"Total {i}")]]) for i in range(8)]
    options = openai_options.replace(concurrency=4)
    docs = [load_document(p, options) for p in docs_paths]
    engine = OpenAIEngine(options)
    started = time.monotonic()
    results = engine.extract_many(docs, {"type": "object", "properties": {"total": {"type": "number"}}})
    elapsed = time.monotonic() - started
    for d in docs:
        d.close()
    assert [r.status for r in results] == ["ok"] * 8
    assert server.max_in_flight == 4  # the semaphore caps requests in flight
    assert elapsed < 8 * 0.3  # one at a time would take 2.4 s (the count above is the real check)


def test_engine_is_thread_safe_under_shared_semaphore(server, openai_options, text_pdf):
    server.always(completion('{"data": {"total": 2}, "pages": {}}'), delay=0.1)
    path = text_pdf("t.pdf", [[(72, 72, "Total 2")]])
    options = openai_options.replace(concurrency=2)
    engine = OpenAIEngine(options)
    results = []

    def work() -> None:
        with load_document(path, options) as doc:
            results.append(
                engine.extract(doc, {"type": "object", "properties": {"total": {"type": "integer"}}})
            )

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.data for r in results] == [{"total": 2}] * 6
    assert server.max_in_flight <= 2


def test_bad_schema_and_missing_server(openai_options, invoice_pdf):
    with load_document(invoice_pdf, openai_options) as doc, pytest.raises(SchemaError):
        OpenAIEngine(openai_options).extract(doc, {"type": "string"})
    with pytest.raises(EngineUnavailable, match="base-url"):
        OpenAIEngine(openai_options.replace(base_url=None))


def test_availability_probes_the_server(server, openai_options):
    status = engine_status("openai", openai_options)
    assert status.usable and MODEL_NAME in status.why
    down = engine_status("openai", openai_options.replace(base_url="http://127.0.0.1:9/v1"))
    assert not down.usable and "cannot reach" in down.why


def test_model_defaults_to_what_the_server_serves(server, openai_options):
    engine = OpenAIEngine(openai_options.replace(model=None))
    assert engine.model == MODEL_NAME


def test_ask_reads_only_matching_pages_of_a_long_document(server, openai_options, text_pdf):
    pages = [[(72, 72, f"Section {i}: general notes about operations")] for i in range(1, 13)]
    pages[6] = [(72, 72, "Consolidated revenue for 2024 was 5.2 billion")]
    pages[8] = [(72, 72, "Revenue by segment 2024"), (72, 90, "revenue revenue")]
    pdf = text_pdf("long.pdf", pages)
    server.always(completion('{"answer": "5.2 billion", "found": true, "pages": [7]}'))
    options = openai_options.replace(pages_per_request=8, ask_max_pages=2)
    with load_document(pdf, options) as doc:
        answer = OpenAIEngine(options).ask([doc], "What was revenue in 2024?")
    assert len(server.requests) == 1
    text = _texts(server.requests[0])
    assert "Page 7:" in text and "Page 9:" in text and "Page 1:" not in text
    assert len(_images(server.requests[0])) == 2
    assert answer.found and [c.page_no for c in answer.citations] == [7]
    assert any("read 2 of 12 pages" in n for n in answer.notes)
    # nothing matches: every page is read (two groups of 8 and 4, then no combine: one answer each)
    server.always(completion('{"answer": null, "found": false, "pages": []}'))
    with load_document(pdf, options) as doc:
        missing = OpenAIEngine(options).ask([doc], "Who audited the accounts?")
    assert sorted(len(_images(r)) for r in server.requests[1:]) == [4, 8] and not missing.found


def test_response_format_can_be_switched_off(server, openai_options, invoice_pdf):
    server.reply(completion(json.dumps(GOOD)))
    options = openai_options.replace(response_format=False)
    with load_document(invoice_pdf, options) as doc:
        assert OpenAIEngine(options).extract(doc, INVOICE_SCHEMA).status == "ok"
    assert "response_format" not in server.requests[0]


def test_image_limit_regroups_pages_and_says_so(server, openai_options, invoice_pdf):
    # vLLM's own words for a prompt over --limit-mm-per-prompt (tests/serving/ gets it from a real one)
    limit = error_body("At most 1 image(s) may be provided in one prompt. (parameter=image)", param="image")
    server.reply(limit, status=400)
    server.reply(completion(json.dumps({"data": {"invoice_number": "INV-0042"}, "pages": {}})))
    server.reply(completion(json.dumps({"data": {"total": 1234.56}, "pages": {"total": 2}})))
    options = openai_options.replace(pages_per_request=2, concurrency=1)
    with load_document(invoice_pdf, options) as doc:
        result = OpenAIEngine(options).extract(doc, INVOICE_SCHEMA)
    assert [len(_images(r)) for r in server.requests] == [2, 1, 1]
    assert result.status == "ok" and result.data["total"] == pytest.approx(1234.56)
    assert any("at most 1 image(s) per prompt: 1 page(s) per request" in n for n in result.notes)


def test_image_limit_below_one_page_is_a_clear_error(server, openai_options, invoice_pdf):
    server.always(error_body("At most 4 image(s) may be provided in one prompt.", param="image"), status=400)
    options = openai_options.replace(slicing="client", pages_per_request=1)  # a page is up to 10 images
    with load_document(invoice_pdf, options) as doc, pytest.raises(EngineError) as e:
        OpenAIEngine(options).extract(doc, INVOICE_SCHEMA)
    assert str(e.value).count("\n") == 0
    assert "At most 4 image(s)" in str(e.value) and "--pages-per-request" in str(e.value)
    assert '{"error"' not in str(e.value)  # the server's message, not its JSON


def test_runaway_repetition_is_cut_then_repaired(server, openai_options, invoice_pdf):
    looping = (
        '{"data": {"invoice_number": "INV-0042", "items": [' + '{"description": "x", "amount": 1}, ' * 300
    )
    server.reply(completion(looping, reasoning="hmm " * 500, finish="length"))
    server.reply(completion(json.dumps(GOOD)))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert result.status == "ok"
    assert any("repeated itself" in n for n in result.notes)
    assert any("max_tokens" in n for n in result.notes)
    assert len(result.raw_output) < 2000 and len(result.reasoning) < 100
