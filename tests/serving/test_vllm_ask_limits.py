"""A question with page citations, and the server's limits: too many images, a schema it cannot compile."""

from __future__ import annotations

import os

from docai.engines import create_engine
from docai.engines.vlm.output import validation_errors
from docai.parsers.loader import load_document
from tests.conftest import make_text_pdf
from tests.serving.conftest import BOUNDED_SCHEMA
from tests.serving.helpers import docai, reply_json, vllm_options
from tests.serving.vllm_server import IMAGE_LIMIT


def test_question_with_page_citations(vllm, tmp_path):
    pdf = make_text_pdf(
        tmp_path / "two.pdf", [[(72, 72, "INVOICE INV-0042")], [(72, 72, "TOTAL 12.00 EUR")]], size=(420, 560)
    )
    # a short answer bound keeps random weights inside the token cap (the default bound is 1,000)
    options = vllm_options(vllm, pages_per_request=2, answer_max_chars=12)
    with load_document(pdf, options) as doc:
        answer = create_engine(options).ask([doc], "What is the total?")
    reply = reply_json(answer.raw_output.split("\n", 1)[1])
    assert set(reply) == {"answer", "found", "pages"}
    assert set(reply["pages"]) <= {1, 2}  # the grammar allowed only the pages shown
    assert answer.found == (reply["found"] and bool((reply["answer"] or "").strip()))
    if answer.found:
        assert answer.text == reply["answer"] and len(answer.text) <= 12
        assert [c.page_no for c in answer.citations] == list(dict.fromkeys(reply["pages"]))
        assert all(c.document == "two.pdf" for c in answer.citations)
    else:
        assert answer.citations == []


def test_too_many_images_regroups_the_pages(vllm, tmp_path):
    pages = [[(72, 72, f"Page {i} of the report")] for i in range(1, IMAGE_LIMIT + 3)]
    pdf = make_text_pdf(tmp_path / "six.pdf", pages, size=(300, 400))
    options = vllm_options(vllm, pages_per_request=len(pages), max_slices=1, concurrency=1)
    with load_document(pdf, options) as doc:
        result = create_engine(options).extract(doc, BOUNDED_SCHEMA)
    assert (
        f"the server takes at most {IMAGE_LIMIT} image(s) per prompt: {IMAGE_LIMIT} page(s) per request"
        in (result.notes)
    )
    assert result.raw_output.count("=== pages") == 2  # pages 1-4 and 5-6
    assert result.status in ("ok", "partial")


def test_too_many_images_for_one_page_is_a_one_line_error(vllm, tmp_path):
    pdf = make_text_pdf(tmp_path / "big.pdf", [[(72, 72, "Receipt")]], size=(900, 1200))
    env = dict(os.environ, DOCAI_HOME=str(tmp_path / "home"), DOCAI_DB=str(tmp_path / "d.db"))
    env["DOCAI_CONFIG"] = str(tmp_path / "none.toml")
    done = docai(
        "extract", str(pdf), "--engine", "openai", "--base-url", vllm.url, "--slicing", "client",
        "--pages-per-request", "1", "--ocr", "never", "--no-think", "--fields", "total number",
        env=env,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    failed = [line for line in done.stderr.splitlines() if "At most 4 image(s)" in line]
    assert len(failed) == 1 and "--pages-per-request" in failed[0], done.stderr


def test_schema_the_grammar_compiler_rejects_falls_back_to_the_prompt(vllm, invoice_pdfs, caplog):
    # xgrammar 0.2.8 has no Unicode class escapes in patterns; vLLM answers 400 ("... not supported by
    # xgrammar" when it checks first, "Failed to transform json schema into a grammar" otherwise)
    schema = {
        "type": "object",
        "properties": {"invoice_number": {"type": "string", "pattern": "\\p{Lu}+", "maxLength": 8}},
    }
    options = vllm_options(vllm, max_tokens=64)
    with load_document(invoice_pdfs(1) / "inv00.pdf", options) as doc:
        result = create_engine(options).extract(doc, schema)
    said = "the server rejected response_format (JSON Schema); the schema was sent in the prompt only"
    assert said in result.notes
    warned = [
        r.getMessage() for r in caplog.records if "rejected the schema as response_format" in r.getMessage()
    ]
    assert len(warned) == 1 and "xgrammar" in warned[0]  # said in the run, once
    # unconstrained random text: never failed, and never ok unless what was read fits the schema
    assert result.status in ("ok", "partial", "invalid")
    if result.status != "invalid":
        assert validation_errors(result.data, schema) == []
