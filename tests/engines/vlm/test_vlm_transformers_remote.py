"""The remote-code path (MiniCPM-V 4.5 style): a model folder whose config has `auto_map`, loaded with
`trust_remote_code` from files this test writes; its `chat` reports what it received."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from docai.engines.transformers_engine import TransformersEngine, load_model, model_kind, read_config
from docai.parsers.loader import load_document

pytestmark = pytest.mark.slow

_CONFIG_PY = """
from transformers import PretrainedConfig


class RecordingConfig(PretrainedConfig):
    model_type = "minicpmv"
"""

_MODEL_PY = '''
import json

import torch
from transformers import PreTrainedModel

from .configuration_recording import RecordingConfig


class RecordingMiniCPMV(PreTrainedModel):
    """Answers with a JSON report of the chat arguments it got (content order, image sizes, flags)."""

    config_class = RecordingConfig
    _supports_sdpa = True  # docai asks for sdpa attention, as MiniCPM-V 4.5 supports

    def __init__(self, config):
        super().__init__(config)
        self.proj = torch.nn.Linear(2, 2)
        self.post_init()

    def chat(self, msgs, tokenizer, enable_thinking=False, max_slice_nums=None, sampling=True,
             system_prompt="", max_inp_length=8192, **kwargs):
        content = msgs[0]["content"]
        report = {
            "order": ["text" if isinstance(c, str) else "image" for c in content],
            "labels": [c for c in content if isinstance(c, str) and c.startswith("Page ")],
            "sizes": [list(c.size) for c in content if not isinstance(c, str)],
            "think": enable_thinking, "slices": max_slice_nums, "sampling": sampling,
            "system": system_prompt, "max_inp_length": max_inp_length,
            "max_new_tokens": kwargs.get("max_new_tokens"), "tokenizer": type(tokenizer).__name__,
        }
        reply = {"data": {"pages_seen": len(report["sizes"])}, "pages": {}, "report": report}
        return "<think>counting pages</think>" + json.dumps(reply)
'''


@pytest.fixture(scope="module")
def remote_model(tmp_path_factory, tiny_minicpmv) -> Path:
    folder = tmp_path_factory.mktemp("recording-minicpmv")
    (folder / "configuration_recording.py").write_text(_CONFIG_PY)
    (folder / "modeling_recording.py").write_text(_MODEL_PY)
    config = {
        "model_type": "minicpmv",
        "architectures": ["MiniCPMV"],
        "auto_map": {
            "AutoConfig": "configuration_recording.RecordingConfig",
            "AutoModel": "modeling_recording.RecordingMiniCPMV",
        },
    }
    (folder / "config.json").write_text(json.dumps(config))
    save_file(
        {"proj.weight": torch.zeros(2, 2), "proj.bias": torch.zeros(2)}, str(folder / "model.safetensors")
    )
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        src = tiny_minicpmv.path / name
        if src.exists():
            (folder / name).write_bytes(src.read_bytes())
    return folder


def test_remote_code_model_gets_labelled_pages_and_flags(remote_model, openai_options, text_pdf):
    assert model_kind(read_config(str(remote_model))) == "remote"
    options = openai_options.replace(
        engine="transformers", model=str(remote_model), device="cpu", think=True, max_slices=4, max_tokens=77
    )
    pdf = text_pdf("two.pdf", [[(72, 72, "one")], [(72, 72, "two")]])
    engine = TransformersEngine(options)
    with load_document(pdf, options) as doc:
        result = engine.extract(doc, {"type": "object", "properties": {"pages_seen": {"type": "integer"}}})
    assert result.status == "ok" and result.data == {"pages_seen": 2}
    assert result.reasoning == "counting pages"
    report = json.loads(result.raw_output)["report"]
    assert report["order"] == ["text", "image", "text", "image", "text"]
    assert report["labels"] == ["Page 1:", "Page 2:"]
    assert report["think"] is True and report["slices"] == 4 and report["sampling"] is False
    assert report["max_new_tokens"] == 77 and report["max_inp_length"] == options.max_context
    assert "null" in report["system"]
    # rendered at the slicing budget for max_slices=4: about 4 x 448^2 pixels
    w, h = report["sizes"][0]
    assert 0.8 * 4 * 448**2 < w * h <= 4 * 448**2
    assert load_model(options).kind == "remote"
