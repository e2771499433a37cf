"""The transformers engine end to end on a tiny random MiniCPM-V 4.6: real processor, real generate.

The model's output is nonsense; these tests check the plumbing: the page reaches the processor and is
sliced, generation runs within the caps, and nonsense becomes a well-formed `invalid` result.
"""

from __future__ import annotations

import pytest

from docai.engines import engine_status
from docai.engines.transformers_engine import TransformersEngine, load_model, model_kind, read_config
from docai.parsers.loader import load_document
from docai.parsers.slicing import SliceConfig, page_pixels, plan_slices, render_dpi_for_page
from docai.results import Extraction

from .conftest import INVOICE_SCHEMA

pytestmark = pytest.mark.slow


@pytest.fixture
def tiny_options(tiny_minicpmv, openai_options):
    return openai_options.replace(
        engine="transformers",
        model=str(tiny_minicpmv.path),
        base_url=None,
        device="cpu",
        max_tokens=12,
        min_new_tokens=12,
    )


def test_extract_runs_the_real_model_and_reports_invalid(tiny_minicpmv, tiny_options, text_pdf):
    pdf = text_pdf("page.pdf", [[(72, 72, "Invoice INV-1  Total 12.00")]], size=(900, 1200))
    engine = TransformersEngine(tiny_options, processor=tiny_minicpmv.processor)
    progress = []
    with load_document(pdf, tiny_options) as doc:
        result = engine.extract(doc, INVOICE_SCHEMA, progress=lambda d, t: progress.append((d, t)))
    # the page was rendered at the slicing budget and the processor cut it into overview + 3x3 slices
    page_px = page_pixels(900, 1200, render_dpi_for_page(900, 1200, SliceConfig()))
    expected = 1 + plan_slices(*page_px, SliceConfig(merge_factor=4)).n_slices
    assert expected == 10
    first, repair = engine.input_shapes
    assert first["target_sizes"] == (expected, 2)
    assert first["pixel_values"][1] == 3
    assert "pixel_values" not in repair  # the repair round is text only
    # nonsense output: invalid, raw text of both rounds kept, errors listed, never a silent success
    assert isinstance(result, Extraction)
    assert result.status == "invalid"
    assert result.errors
    assert "--- repair ---" in result.raw_output
    assert set(result.data) == set(INVOICE_SCHEMA["properties"])
    assert result.engine == "transformers" and result.model == str(tiny_minicpmv.path)
    # usage counts the image tokens of the first round and the caps on generation
    assert result.usage["completion_tokens"] <= 2 * 12
    assert result.usage["prompt_tokens"] > 10 * 64
    assert progress == [(1, 1)]
    assert Extraction.from_dict(result.to_dict()).to_dict() == result.to_dict()


def test_model_is_loaded_once_per_process(tiny_minicpmv, tiny_options):
    first = load_model(tiny_options, tiny_minicpmv.processor)
    again = TransformersEngine(tiny_options, processor=tiny_minicpmv.processor).loaded
    assert first is again
    assert first.kind == "native" and first.device == "cpu" and first.dtype == "torch.float32"


def test_thinking_switch_reaches_the_chat_template(tiny_minicpmv, tiny_options, text_pdf):
    pdf = text_pdf("small.pdf", [[(20, 20, "x")]], size=(200, 200))
    counts = {}
    for think in (True, False):
        engine = TransformersEngine(tiny_options.replace(think=think), processor=tiny_minicpmv.processor)
        with load_document(pdf, tiny_options) as doc:
            answer = engine.ask([doc], "What is written?")
        counts[think] = answer.usage["prompt_tokens"]
        assert answer.question == "What is written?" and answer.engine == "transformers"
    # with thinking off the template adds an empty <think></think> block to the prompt
    assert counts[False] > counts[True]


def test_config_detection_and_availability(tiny_minicpmv, tiny_options, tmp_path):
    config = read_config(str(tiny_minicpmv.path))
    assert config is not None and model_kind(config) == "native"
    assert model_kind(
        {"architectures": ["MiniCPMV"], "auto_map": {"AutoModel": "modeling_minicpmv.MiniCPMV"}}
    ) == ("remote")
    ok = engine_status("transformers", tiny_options)
    assert ok.usable and "native" in ok.why
    missing = engine_status("transformers", tiny_options.replace(model=str(tmp_path / "nope")))
    assert not missing.usable and "not found locally" in missing.why
    hub = engine_status("transformers", tiny_options.replace(model="openbmb/MiniCPM-V-4_5"))
    assert not hub.usable and "hf download" in hub.why
