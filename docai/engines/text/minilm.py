"""A torch-free forward pass of all-MiniLM-L6-v2 (a 6-layer BERT) in NumPy.

The `text` engine needs sentence vectors for short labels and passages. Loading torch and transformers
for that costs seconds per process; this reads the same safetensors weights with NumPy and the
`tokenizers` library and computes the same vectors (mean pooling over the attention mask, then L2
normalisation), so a cold `docai extract` stays fast and the `text` engine never imports torch.

The weights are memory-mapped, not read: a process pays only for the pages it touches (most of the
47 MB word-embedding table never is), and processes share them through the page cache.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import mmap
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, 0.5 x (1 + erf(x / sqrt 2)), with erf to about 1e-7 (Abramowitz and Stegun
    7.1.26; NumPy has no erf of its own). Written in place over three buffers: this runs on the
    widest activations (tokens x 1536), where each temporary is megabytes."""
    a = np.abs(x)
    a *= 1.0 / math.sqrt(2.0)
    t = a * _ERF_P
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * _ERF_A[4]
    for coef in (_ERF_A[3], _ERF_A[2], _ERF_A[1], _ERF_A[0]):
        poly += coef
        poly *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a  # poly * exp(-a^2) = 1 - erf(|x| / sqrt 2)
    np.subtract(1.0, poly, out=poly)
    np.copysign(poly, x, out=poly)  # erf(x / sqrt 2)
    poly += 1.0
    poly *= x
    poly *= 0.5
    return poly


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class MappedWeights:
    """Read-only arrays over a safetensors file's memory map (the format: an 8-byte little-endian
    header length, a JSON header of name -> dtype, shape, data_offsets, then the raw tensors).

    `release(prefix)` hands the pages of the tensors under `prefix` back to the page cache: the
    forward pass releases each layer once done with it, so the process holds about one layer's
    weights (7 MB) instead of all of them (43 MB); the next pass maps them again from the cache."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        (header_len,) = struct.unpack("<Q", self._map[:8])
        header = json.loads(self._map[8 : 8 + header_len])
        base = 8 + header_len
        self.arrays: dict[str, np.ndarray] = {}
        self._spans: dict[str, tuple[int, int]] = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            dtype = np.dtype(_DTYPES[info["dtype"]])
            begin, end = info["data_offsets"]
            count = (end - begin) // dtype.itemsize
            array = np.frombuffer(self._map, dtype=dtype, count=count, offset=base + begin)
            aligned = (base + begin) % dtype.itemsize == 0
            self.arrays[name] = (
                array.reshape(info["shape"]) if aligned else array.reshape(info["shape"]).copy()
            )
            self._spans[name] = (base + begin, base + end)

    def release(self, prefix: str) -> None:
        if not hasattr(self._map, "madvise") or not hasattr(mmap, "MADV_DONTNEED"):
            return
        spans = [span for name, span in self._spans.items() if name.startswith(prefix)]
        if not spans:
            return
        page = mmap.PAGESIZE
        start = min(s for s, _ in spans) // page * page
        end = min(-(-max(e for _, e in spans) // page) * page, len(self._map))
        self._map.madvise(mmap.MADV_DONTNEED, start, end - start)


class MiniLM:
    """BERT encoder weights in NumPy; `encode` gives L2-normalised mean-pooled sentence vectors."""

    def __init__(self, folder: Path, max_tokens: int = 128) -> None:
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ValueError(f"{folder}: not a BERT model with GELU")
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self._weights = MappedWeights(folder / "model.safetensors")
        self.w = self._weights.arrays
        self.dim = int(config["hidden_size"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.pad_id = int(config.get("pad_token_id", 0))
        self.tokenizer.no_padding()  # encode pads each batch itself, to that batch's longest text

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # 2-D products use BLAS; NumPy's stacked (3-D) matmul is about ten times slower here
        flat = x.reshape(-1, x.shape[-1]) @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        """The last layer's token vectors, shape (batch, tokens, hidden)."""
        w = self.w
        n, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head_dim = self.dim // self.heads
        # padded positions get a large negative score so softmax ignores them
        bias = ((1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9).astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(n, length, self.heads, head_dim).transpose(0, 2, 1, 3)

            q = split(self._linear(x, f"{p}.attention.self.query"))
            k = split(self._linear(x, f"{p}.attention.self.key"))
            v = split(self._linear(x, f"{p}.attention.self.value"))
            # einsum reaches BLAS for these stacked products; plain 4-D matmul does not
            scores = np.einsum("bhld,bhmd->bhlm", q, k, optimize=True) / math.sqrt(head_dim) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = np.einsum("bhlm,bhmd->bhld", probs, v, optimize=True)
            ctx = ctx.transpose(0, 2, 1, 3).reshape(n, length, self.dim)
            attn = self._linear(ctx, f"{p}.attention.output.dense")
            x = _layer_norm(
                attn + x,
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
                self.eps,
            )
            inner = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            out = self._linear(inner, f"{p}.output.dense")
            x = _layer_norm(
                out + x, w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"], self.eps
            )
            self._weights.release(f"{p}.")
        return x

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Vectors of shape (len(texts), hidden), float32, unit length. Texts are sorted by token count
        and batched so that a batch pads little and holds at most `batch_size` texts and
        MAX_BATCH_TOKENS padded tokens (which bounds the activations' memory)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for idx in _batches(order, [len(e.ids) for e in encodings], batch_size):
            length = len(encodings[idx[-1]].ids)
            ids = np.full((len(idx), length), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), length), dtype=np.int64)
            types = np.zeros((len(idx), length), dtype=np.int64)
            for row, i in enumerate(idx):
                e = encodings[i]
                ids[row, : len(e.ids)] = e.ids
                mask[row, : len(e.ids)] = e.attention_mask
                types[row, : len(e.ids)] = e.type_ids
            with _blas_threads(BLAS_THREADS):
                hidden = self.hidden_states(ids, mask, types)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out


MAX_BATCH_TOKENS = 1024
"""Padded tokens per forward pass (8 passages of 128 tokens): the 1536-wide activations stay near 6 MB
each. Measured on 200 passages: 2,048 tokens on two BLAS threads peaked 160 MB above the model and took
11.8 s CPU; 1,024 on one thread 90 MB and 8.4 s; 512, 56 MB and 9.1 s."""
BLAS_THREADS = 1
"""Threads BLAS gets for a forward pass. With these small products, waking and syncing a second thread
costs more than it saves (one question's vector: 0.14 s on one thread, 1.2 s on two busy cores), and
each extra OpenBLAS thread brings its own work buffer."""


@functools.lru_cache(maxsize=1)
def _threadpools() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@contextlib.contextmanager
def _blas_threads(limit: int | None) -> Iterator[None]:
    """BLAS limited to `limit` threads inside the block (no limit: None, or threadpoolctl missing)."""
    pools = _threadpools() if limit is not None else None
    if pools is None:
        yield
        return
    with pools.limit(limits=limit, user_api="blas"):
        yield


def _batches(order: list[int], lengths: list[int], batch_size: int) -> list[list[int]]:
    """`order` (ascending token counts) cut into runs of at most `batch_size` items whose padded size
    (items x longest) stays within MAX_BATCH_TOKENS (a single longer text still gets its own batch)."""
    out: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= batch_size or (len(current) + 1) * lengths[i] > MAX_BATCH_TOKENS):
            out.append(current)
            current = []
        current.append(i)
    if current:
        out.append(current)
    return out
