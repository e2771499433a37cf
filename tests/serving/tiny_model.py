"""Build a tiny random-weight MiniCPM-V 4.6 that vLLM's CPU build can serve (no downloads).

Run with the vLLM venv's Python (its transformers and torchvision are the ones the server loads):
    python tests/serving/tiny_model.py OUT_DIR
Standalone on purpose: it imports neither docai nor pytest.

Sizes follow vLLM's CPU kernels: full-attention head_dim 32 (16 fails at the first request), linear
attention key/value head dims 128, weights saved in bfloat16 (the server runs --dtype bfloat16).
The tokenizer is byte-level (256 byte symbols, no merges) with the MiniCPM special tokens and
<think>/</think>; the chat template is Qwen3-style (thinking off appends an empty think block).

Two output rows are zeroed so greedy decoding never picks them on its own: `</think>` (so with
thinking on, the think block never closes: the case where vLLM returns `content: null`) and the end
token (so a reply ends only where the JSON grammar forces it).
"""

from __future__ import annotations

import sys
from pathlib import Path

SPECIALS = {
    "image_token": "<|image_pad|>",
    "video_token": "<|video_pad|>",
    "image_start_token": "<image>",
    "image_end_token": "</image>",
    "slice_start_token": "<slice>",
    "slice_end_token": "</slice>",
    "image_id_start_token": "<image_id>",
    "image_id_end_token": "</image_id>",
}
TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n"
    "{% if m.content is string %}{{ m.content }}{% else %}{% for c in m.content %}"
    "{% if c.type == 'image' or c.type == 'image_url' %}<|image_pad|>{% else %}{{ c.text }}{% endif %}"
    "{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>\n\n{% endif %}{% endif %}"
)


def build_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    base = ["<unk>", "<|im_start|>", "<|im_end|>", *SPECIALS.values(), "<think>", "</think>"]
    symbols = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {t: i for i, t in enumerate([*base, *symbols])}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="<unk>",
        eos_token="<|im_end|>",
        pad_token="<unk>",
        extra_special_tokens=SPECIALS,
        chat_template=TEMPLATE,
    )
    fast.add_tokens(["<think>", "</think>"])
    return fast, len(vocab)


def build(folder: Path) -> None:
    import torch
    from transformers import AutoModelForImageTextToText, MiniCPMV4_6Config
    from transformers.models.minicpmv4_6.image_processing_minicpmv4_6 import MiniCPMV4_6ImageProcessor
    from transformers.models.minicpmv4_6.processing_minicpmv4_6 import MiniCPMV4_6Processor
    from transformers.models.minicpmv4_6.video_processing_minicpmv4_6 import MiniCPMV4_6VideoProcessor

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer, vocab_size = build_tokenizer()
    config = MiniCPMV4_6Config(
        text_config={
            "model_type": "qwen3_5_text",
            "vocab_size": vocab_size,
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 32,
            "layer_types": ["linear_attention", "full_attention"],
            "linear_num_key_heads": 2,
            "linear_num_value_heads": 2,
            "linear_key_head_dim": 128,
            "linear_value_head_dim": 128,
            "tie_word_embeddings": False,
        },
        vision_config={
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": 448,
            "patch_size": 14,
        },
        insert_layer_id=1,
        image_token_id=tokenizer.image_token_id,
        video_token_id=tokenizer.video_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = AutoModelForImageTextToText.from_config(config)
    head = model.get_output_embeddings().weight
    with torch.no_grad():
        for token in ("</think>", "<|im_end|>"):
            head[tokenizer.convert_tokens_to_ids(token)] = 0.0
    model.to(torch.bfloat16).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    processor = MiniCPMV4_6Processor(
        image_processor=MiniCPMV4_6ImageProcessor(),
        video_processor=MiniCPMV4_6VideoProcessor(),
        tokenizer=tokenizer,
        chat_template=TEMPLATE,
    )
    processor.save_pretrained(folder)
    n = sum(p.numel() for p in model.parameters())
    print(f"tiny MiniCPM-V 4.6: {n} parameters in {folder}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tiny_model.py OUT_DIR")
    build(Path(sys.argv[1]))
