"""Fixtures for the VLM engines: an OpenAI-compatible server on 127.0.0.1 that replays scripted replies,
a tiny random MiniCPM-V 4.6 built offline, and small PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from docai.options import Options
from tests.openai_server import MODEL_NAME, FakeOpenAIServer, Scripted, completion

__all__ = ["MODEL_NAME", "FakeOpenAIServer", "Scripted", "completion"]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    s = FakeOpenAIServer()
    yield s
    s.close()


@pytest.fixture
def openai_options(server: FakeOpenAIServer) -> Options:
    return Options(
        engine="openai", base_url=server.url, model=MODEL_NAME, timeout_s=5.0, retries=2, ocr="never"
    )


@pytest.fixture
def invoice_pdf(text_pdf) -> Path:
    """Two pages: header fields on page 1, the total on page 2."""
    return text_pdf(
        "invoice.pdf",
        [
            [(72, 72, "INVOICE"), (72, 100, "Invoice number: INV-0042"), (72, 120, "Date: 03/04/2024")],
            [(72, 72, "Item A   10.00"), (72, 100, "TOTAL  1.234,56 EUR")],
        ],
    )


INVOICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "total": {"type": "number"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"description": {"type": "string"}, "amount": {"type": "number"}},
            },
        },
    },
    "required": ["invoice_number", "total"],
}


# ------------------------------------------------------------------------------ tiny MiniCPM-V 4.6

_SPECIALS = {
    "image_token": "<|image_pad|>",
    "video_token": "<|video_pad|>",
    "image_start_token": "<image>",
    "image_end_token": "</image>",
    "slice_start_token": "<slice>",
    "slice_end_token": "</slice>",
    "image_id_start_token": "<image_id>",
    "image_id_end_token": "</image_id>",
}
# A Qwen3-like template: system/user turns, one <|image_pad|> per image, an empty think block when
# thinking is off.
_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n"
    "{% if m.content is string %}{{ m.content }}{% else %}{% for c in m.content %}"
    "{% if c.type == 'image' %}<|image_pad|>{% else %}{{ c.text }}{% endif %}{% endfor %}{% endif %}"
    "<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>\n\n{% endif %}{% endif %}"
)


@dataclass
class TinyModel:
    path: Path
    processor: Any


def _build_tiny(folder: Path) -> TinyModel:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (
        AutoModelForImageTextToText,
        AutoTokenizer,
        MiniCPMV4_6Config,
        PreTrainedTokenizerFast,
    )
    from transformers.models.minicpmv4_6.image_processing_pil_minicpmv4_6 import MiniCPMV4_6ImageProcessorPil
    from transformers.models.minicpmv4_6.processing_minicpmv4_6 import MiniCPMV4_6Processor
    from transformers.models.minicpmv4_6.video_processing_minicpmv4_6 import MiniCPMV4_6VideoProcessor

    chars = [chr(c) for c in range(32, 127)] + ["\n"]
    base = ["<unk>", "<|im_start|>", "<|im_end|>", *_SPECIALS.values()]
    vocab = {t: i for i, t in enumerate([*base, "<think>", "</think>", *chars])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="<unk>",
        eos_token="<|im_end|>",
        pad_token="<unk>",
        extra_special_tokens=_SPECIALS,
        chat_template=_TEMPLATE,
    )
    config = MiniCPMV4_6Config(
        text_config={
            "model_type": "qwen3_5_text",
            "vocab_size": len(vocab),
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
            "layer_types": ["full_attention", "full_attention"],
            "linear_num_key_heads": 2,
            "linear_num_value_heads": 4,
            "linear_key_head_dim": 16,
            "linear_value_head_dim": 16,
        },
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": 448,
            "patch_size": 14,
        },
        insert_layer_id=1,
        image_token_id=fast.image_token_id,
        video_token_id=fast.video_token_id,
    )
    torch.manual_seed(0)
    model = AutoModelForImageTextToText.from_config(config)
    model.save_pretrained(folder)
    fast.save_pretrained(folder)

    class _Processor(MiniCPMV4_6Processor):
        # Its argument type check needs torchvision for the video processor; the classes are right.
        def check_argument_for_proper_class(self, argument_name: str, argument: Any) -> None:
            return None

    processor = _Processor(
        image_processor=MiniCPMV4_6ImageProcessorPil(),
        video_processor=MiniCPMV4_6VideoProcessor(),
        tokenizer=AutoTokenizer.from_pretrained(folder),
        chat_template=_TEMPLATE,
    )
    return TinyModel(folder, processor)


@pytest.fixture(scope="session")
def tiny_minicpmv(tmp_path_factory: pytest.TempPathFactory) -> TinyModel:
    """A random-weight MiniCPM-V 4.6 (~240k parameters) saved to a folder, and its processor in memory."""
    return _build_tiny(tmp_path_factory.mktemp("tiny-minicpmv46"))


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait 20 ms instead of 0.5 s so the retry tests stay fast (the schedule is the same)."""
    monkeypatch.setattr("docai.engines.openai_engine.BACKOFF_S", 0.02)
