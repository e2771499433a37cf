"""Extraction against a real vLLM: the schema as response_format, thinking off and on, model discovery."""

from __future__ import annotations

from docai.engines import create_engine, engine_status
from docai.engines.vlm.output import validation_errors
from docai.parsers.loader import load_document
from tests.serving.conftest import BOUNDED_SCHEMA
from tests.serving.helpers import reply_json, vllm_options
from tests.serving.vllm_server import SERVED_NAME


def test_model_and_server_are_discovered_from_v1_models(vllm):
    options = vllm_options(vllm)
    engine = create_engine(options)
    assert engine.model == SERVED_NAME  # no --model given: the first id /v1/models lists
    assert engine.profile.name == "vllm"  # owned_by "vllm"
    status = engine_status("openai", options)
    assert status.usable and SERVED_NAME in status.why


def test_extract_with_the_schema_as_response_format(vllm, invoice_pdfs):
    options = vllm_options(vllm)
    engine = create_engine(options)
    with load_document(invoice_pdfs(1) / "inv00.pdf", options) as doc:
        result = engine.extract(doc, BOUNDED_SCHEMA)
    # the grammar made the reply one JSON object in docai's reply shape, every field written
    reply = reply_json(result.raw_output)
    assert set(reply) == {"data", "pages"} and set(reply["data"]) == set(BOUNDED_SCHEMA["properties"])
    assert result.data == reply["data"]  # read as the server wrote it (already in the schema's types)
    assert validation_errors(result.data, BOUNDED_SCHEMA) == []
    assert result.status in ("ok", "partial") and result.errors == []
    assert result.reasoning is None and result.usage["reasoning_tokens"] == 0
    assert result.usage["prompt_tokens"] > 500  # the page image went in (about 700 tokens here)
    # per-field token log-probabilities for every filled field, from the real logprobs block
    filled = {k for k, v in result.data.items() if v is not None}
    assert set(result.field_logprobs) == filled
    assert all(lp <= 0.0 for lp in result.field_logprobs.values())
    assert any(lp < 0.0 for lp in result.field_logprobs.values())


def test_thinking_on_with_an_unclosed_think_block(vllm, invoice_pdfs):
    """The tiny model never writes </think>: vLLM answers content null, all of it in `reasoning`,
    finish_reason length. docai keeps that reasoning and asks once more with thinking off."""
    options = vllm_options(vllm, think=True)
    before = {r: _finished(vllm, r) for r in ("length", "stop")}
    with load_document(invoice_pdfs(1) / "inv00.pdf", options) as doc:
        result = create_engine(options).extract(doc, BOUNDED_SCHEMA)
    assert _finished(vllm, "length") == before["length"] + 1  # the thinking pass, cut at max_tokens
    assert _finished(vllm, "stop") == before["stop"] + 1  # the answer, thinking off, under the grammar
    assert result.reasoning and len(result.reasoning) > 50  # the reasoning, split off and stored
    assert result.usage["reasoning_tokens"] >= 200
    assert any("think block did not close within max_tokens (256)" in n for n in result.notes)
    assert validation_errors(result.data, BOUNDED_SCHEMA) == []
    assert result.data == reply_json(result.raw_output)["data"]  # the answer came from content
    assert result.status in ("ok", "partial")


def _finished(vllm, reason: str) -> float:
    return sum(
        v
        for k, v in vllm.metrics().items()
        if k.startswith("vllm:request_success_total{") and f'finished_reason="{reason}"' in k
    )
