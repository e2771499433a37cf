"""Server profiles against the test server on 127.0.0.1, replaying what each kind of server sends.

The vLLM shapes are copied from a real vLLM 0.32 (tests/serving/ runs one); llama.cpp, SGLang and
Ollama cannot run here (no wheels for this CPU / no binary), so their rows replay their documented
shapes: `reasoning_content`, Ollama's `reasoning_effort`, llama.cpp's grammar that breaks thinking.
"""

from __future__ import annotations

import json

import pytest

from docai.cli.main import main
from docai.engines.openai_engine import OpenAIEngine
from docai.engines.vlm.common import Request
from docai.engines.vlm.servers import detect_server
from docai.errors import InputError
from docai.parsers.loader import load_document

from .conftest import INVOICE_SCHEMA, completion

GOOD = {"data": {"invoice_number": "INV-0042", "total": 1234.56}, "pages": {"invoice_number": 1, "total": 2}}


@pytest.mark.parametrize(
    ("owned_by", "url", "expected"),
    [
        ("vllm", "http://h:8000/v1", "vllm"),
        ("sglang", "http://h:30000/v1", "sglang"),
        ("llamacpp", "http://h:8080/v1", "llamacpp"),
        ("library", "http://h:9999/v1", "ollama"),
        ("openbmb", "http://h:11434/v1", "ollama"),
        ("system", "https://api.example.com/v1", "openai"),
    ],
)
def test_detect_server_from_models(owned_by, url, expected):
    name, why = detect_server({"data": [{"id": "m", "owned_by": owned_by}]}, url)
    assert name == expected and why


def test_vllm_unclosed_think_is_asked_again_without_thinking(server, openai_options, invoice_pdf):
    # vLLM 0.32 with --reasoning-parser and a think block cut by max_tokens: content null
    server.reply(completion(None, reasoning="Let me look at page 1 and", finish="length"))
    server.reply(completion(json.dumps(GOOD)))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options.replace(max_tokens=300)).extract(doc, INVOICE_SCHEMA)
    first, second = server.requests
    assert first["chat_template_kwargs"] == {"enable_thinking": True} and first["logprobs"] is True
    assert second["chat_template_kwargs"] == {"enable_thinking": False}
    assert "response_format" in first and "response_format" in second
    assert result.status == "ok" and result.data["invoice_number"] == "INV-0042"
    assert result.reasoning == "Let me look at page 1 and"
    assert any("think block did not close within max_tokens (300)" in n for n in result.notes)
    assert result.usage["total_tokens"] == 240  # both calls counted


def test_llamacpp_thinks_unconstrained_then_a_constrained_pass(server, openai_options, invoice_pdf):
    server.owned_by = "llamacpp"
    prose = completion("The number is INV-0042.", reasoning="page 1 ...", reasoning_key="reasoning_content")
    server.reply(prose)
    server.reply(completion(json.dumps(GOOD)))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    first, second = server.requests
    assert "response_format" not in first and first["chat_template_kwargs"] == {"enable_thinking": True}
    assert "response_format" in second and second["chat_template_kwargs"] == {"enable_thinking": False}
    assert result.status == "ok" and result.reasoning == "page 1 ..."
    assert any("a JSON grammar and thinking do not mix" in n for n in result.notes)


def test_llamacpp_valid_first_answer_needs_no_second_pass(server, openai_options, invoice_pdf):
    server.owned_by = "llamacpp"
    server.reply(completion(json.dumps(GOOD), reasoning="ok", reasoning_key="reasoning_content"))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert len(server.requests) == 1 and result.status == "ok"


def test_ollama_switches_thinking_with_reasoning_effort(server, openai_options, invoice_pdf):
    server.owned_by = "library"
    server.always(completion(json.dumps(GOOD)))
    with load_document(invoice_pdf, openai_options) as doc:
        OpenAIEngine(openai_options.replace(think=False)).extract(doc, INVOICE_SCHEMA)
        OpenAIEngine(openai_options.replace(think=True)).extract(doc, INVOICE_SCHEMA)
    off, on = server.requests
    assert off["reasoning_effort"] == "none" and "chat_template_kwargs" not in off
    assert "reasoning_effort" not in on and "chat_template_kwargs" not in on
    assert "logprobs" not in off  # not asked where it is not known to work


def test_plain_openai_api_gets_no_template_kwargs(server, openai_options, invoice_pdf):
    server.owned_by = "system"
    server.reply(completion(json.dumps(GOOD)))
    with load_document(invoice_pdf, openai_options) as doc:
        OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert "chat_template_kwargs" not in server.requests[0] and "reasoning_effort" not in server.requests[0]


def test_explicit_server_overrides_detection(server, openai_options, invoice_pdf):
    server.owned_by = "vllm"
    server.reply(completion(json.dumps(GOOD)))
    engine = OpenAIEngine(openai_options.replace(server="ollama", think=False))
    with load_document(invoice_pdf, openai_options) as doc:
        engine.extract(doc, INVOICE_SCHEMA)
    assert engine.profile.name == "ollama" and server.requests[0]["reasoning_effort"] == "none"
    with pytest.raises(InputError, match="unknown server 'tgi'"):
        OpenAIEngine(openai_options.replace(server="tgi"))


def test_field_logprobs_from_the_logprobs_block(server, openai_options, invoice_pdf):
    text = json.dumps(GOOD, separators=(",", ":"))
    # one token per character; only the '4' of 1234.56 is unsure
    tokens = [(ch, -2.5 if text[: i + 1].endswith("1234") else -0.01) for i, ch in enumerate(text)]
    server.reply(completion(text, logprobs=[*tokens, ("<|im_end|>", 0.0)]))
    with load_document(invoice_pdf, openai_options) as doc:
        result = OpenAIEngine(openai_options).extract(doc, INVOICE_SCHEMA)
    assert result.field_logprobs == {"invoice_number": pytest.approx(-0.01), "total": pytest.approx(-2.5)}
    assert result.to_dict()["field_logprobs"] == result.field_logprobs


def test_truncation_note_names_the_requests_limit(server, openai_options):
    server.reply(completion('{"data": {"tot', finish="length"))
    engine = OpenAIEngine(openai_options.replace(max_tokens=4096))
    reply = engine.call(Request(["Extract"], max_tokens=64, think=False))
    assert "the reply hit max_tokens (64) and may be cut" in reply.notes


def test_nul_characters_are_dropped(server, openai_options):
    server.reply(completion('{"a": "x\\u0000y"}'.replace("\\u0000", "\x00"), reasoning="r\x00s"))
    reply = OpenAIEngine(openai_options).call(Request(["x"], think=False))
    assert "\x00" not in reply.content and reply.reasoning == "rs"


def test_server_flag_reaches_the_request_and_bad_values_are_usage_errors(server, invoice_pdf, capsys):
    server.reply(completion(json.dumps(GOOD)))
    args = ["extract", str(invoice_pdf), "--engine", "openai", "--base-url", server.url, "--ocr", "never"]
    code = main([*args, "--server", "ollama", "--no-think", "--fields", "invoice_number, total number"])
    assert code in (0, 1) and server.requests[0]["reasoning_effort"] == "none"  # 1: sent to review
    assert main([*args, "--server", "tgi", "--fields", "total number"]) == 2
    assert "--server" in capsys.readouterr().err
