"""The `transformers` engine: MiniCPM-V in this process (GPU when there is one).

Two ways to run a model, picked from its config.json:
- remote code (MiniCPM-V 4.5 and earlier: `auto_map` + `trust_remote_code`): `model.chat(msgs=...)`,
  which slices images itself (`max_slice_nums`);
- native (MiniCPM-V 4.6+ and other image-text-to-text models): `AutoProcessor` + chat template
  (`enable_thinking`) + `AutoModelForImageTextToText.generate`.

A model is loaded once per process and kept (keyed by model, device, dtype, 4-bit). Generation holds a
lock: one model, one request at a time.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from docai.engines.base import Capabilities
from docai.engines.vlm.common import Reply, Request
from docai.engines.vlm.engine import VLMEngine
from docai.engines.vlm.output import truncate_repetition
from docai.errors import EngineError, EngineUnavailable
from docai.options import Options

_log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

DEFAULT_MODEL = "openbmb/MiniCPM-V-4_5"
Kind = Literal["remote", "native"]


@dataclass
class LoadedModel:
    """A model ready to generate: `processor` for native models, `tokenizer` for remote-code ones."""

    model: Any
    kind: Kind
    device: str
    dtype: str
    processor: Any = None
    tokenizer: Any = None


_CACHE: dict[tuple[str, str, str, bool], LoadedModel] = {}
_CACHE_LOCK = threading.Lock()
_GENERATE_LOCK = threading.Lock()


def model_id(options: Options) -> str:
    """`options.model` (DOCAI_MODEL fills it), else MiniCPM-V 4.5 on the hub."""
    return options.model or os.environ.get("DOCAI_MODEL") or DEFAULT_MODEL


def read_config(model: str) -> dict[str, Any] | None:
    """config.json of a local folder or of a hub id in the local HF cache; None when neither is here."""
    path: str | Path | None = None
    if Path(model).is_dir():
        path = Path(model) / "config.json"
    else:
        try:
            from huggingface_hub import try_to_load_from_cache

            found = try_to_load_from_cache(model, "config.json")
            path = found if isinstance(found, str) else None
        except Exception:  # an id that is not a valid repo name
            path = None
    if path is None or not Path(path).is_file():
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def model_kind(config: dict[str, Any]) -> Kind:
    """'remote' for MiniCPM-V models that ship their own code (4.5 and earlier), else 'native'."""
    auto_map = config.get("auto_map") or {}
    archs = " ".join(config.get("architectures") or [])
    if "AutoModel" in auto_map and ("MiniCPMV" in archs or config.get("model_type") == "minicpmv"):
        return "remote"
    return "native"


def pick_device(requested: str) -> str:
    import torch

    if requested and requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def pick_dtype(requested: str, device: str) -> Any:
    """bf16 on GPUs that have it, fp16 on other GPUs and MPS, fp32 on CPU; or the dtype asked for."""
    import torch

    if requested and requested != "auto":
        dtype = getattr(torch, requested, None)
        if not isinstance(dtype, torch.dtype):
            raise EngineUnavailable(f"unknown dtype {requested!r} (use auto, bfloat16, float16 or float32)")
        return dtype
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    return torch.float32


def load_model(options: Options, processor: Any = None) -> LoadedModel:
    """The model named by options, loaded once per process (`processor` overrides the folder's own)."""
    name = model_id(options)
    device = pick_device(options.device)
    dtype = pick_dtype(options.dtype, device)
    key = (name, device, str(dtype), options.load_in_4bit)
    with _CACHE_LOCK:
        loaded = _CACHE.get(key)
        if loaded is None:
            loaded = _load(name, device, dtype, options.load_in_4bit, processor)
            _CACHE[key] = loaded
        elif processor is not None:
            loaded.processor = processor
    return loaded


def _load(name: str, device: str, dtype: Any, four_bit: bool, processor: Any) -> LoadedModel:
    config = read_config(name)
    if config is None:
        raise EngineUnavailable(f"model {name!r} is not here: give a local folder or download it first")
    kind = model_kind(config)
    kwargs: dict[str, Any] = {"dtype": dtype}
    if four_bit:
        if importlib.util.find_spec("bitsandbytes") is None:
            raise EngineUnavailable("--load-in-4bit needs the bitsandbytes package")
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype=dtype)
        kwargs["device_map"] = device
    _log.info("loading %s (%s) on %s as %s", name, kind, device, dtype)
    try:
        if kind == "remote":
            from transformers import AutoModel, AutoTokenizer

            model = AutoModel.from_pretrained(
                name, trust_remote_code=True, attn_implementation="sdpa", **kwargs
            )
            tokenizer = AutoTokenizer.from_pretrained(name, trust_remote_code=True)
            loaded = LoadedModel(model, kind, device, str(dtype), tokenizer=tokenizer)
        else:
            from transformers import AutoModelForImageTextToText, AutoProcessor

            model = AutoModelForImageTextToText.from_pretrained(name, **kwargs)
            if processor is None:
                processor = AutoProcessor.from_pretrained(name)
            loaded = LoadedModel(model, kind, device, str(dtype), processor=processor)
    except (OSError, ValueError, ImportError) as e:
        raise EngineUnavailable(f"cannot load model {name!r}: {e}") from None
    if not four_bit:
        loaded.model.to(device)
    loaded.model.eval()
    return loaded


def _repetition_stop(tokenizer: Any, prompt_len: int) -> Any:
    """A stopping criterion that ends generation once the tail repeats itself (checked every 32 tokens)."""
    from transformers import StoppingCriteria

    class _Stop(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
            n = input_ids.shape[1] - prompt_len
            if n < 64 or n % 32:
                return False
            tail = tokenizer.decode(input_ids[0, max(prompt_len, input_ids.shape[1] - 400) :])
            return truncate_repetition(tail)[1]

    return _Stop()


class TransformersEngine(VLMEngine):
    """MiniCPM-V (4.5 via remote code, 4.6+ natively) in-process.

    `processor`: a ready processor for a model folder whose own cannot be loaded here (tests build the
    MiniCPM-V 4.6 processor in memory because loading it from disk needs torchvision).
    `options.min_new_tokens`: generation keeps going past an early end-of-sequence.
    """

    name = "transformers"
    capabilities = Capabilities(
        supports_images=True, supports_schema_constraint=False, supports_thinking=True, reads_page_images=True
    )

    def __init__(self, options: Options, processor: Any = None) -> None:
        super().__init__(options)
        self._processor = processor
        self._loaded: LoadedModel | None = None
        self.input_shapes: list[dict[str, tuple[int, ...]]] = []
        """Shapes of each native call's model inputs (pixel_values, target_sizes, ...), for checks."""

    @property
    def model(self) -> str | None:
        return model_id(self.options)

    @property
    def loaded(self) -> LoadedModel:
        if self._loaded is None:
            self._loaded = load_model(self.options, self._processor)
        return self._loaded

    @classmethod
    def availability(cls, options: Options) -> tuple[bool, str]:
        """torch and transformers importable, and the model's files here (folder or HF cache)."""
        missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            return False, f"{' and '.join(missing)} not installed"
        name = model_id(options)
        config = read_config(name)
        if config is None:
            where = "folder" if "/" in name and Path(name).anchor else "model"
            return False, (
                f"{where} {name!r} not found locally (download it with `hf download {name}` "
                "or set --model to a local folder)"
            )
        kind = "remote code" if model_kind(config) == "remote" else "native"
        return True, f"{name} ({kind}), device {options.device}"

    # ------------------------------------------------------------------ ModelCaller

    def map_calls(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(x) for x in items]  # one model, one request at a time

    def call(self, request: Request) -> Reply:
        loaded = self.loaded
        try:
            with _GENERATE_LOCK:
                if loaded.kind == "remote":
                    return self._chat_remote(loaded, request)
                return self._generate_native(loaded, request)
        except (RuntimeError, ValueError, IndexError) as e:
            if "out of memory" in str(e).lower():
                raise EngineError(
                    f"{self.model}: out of memory ({e}); try fewer --pages-per-request"
                ) from None
            raise EngineError(f"{self.model}: generation failed: {type(e).__name__}: {e}") from e

    def _generate_native(self, loaded: LoadedModel, request: Request) -> Reply:
        import torch

        processor = loaded.processor
        content: list[dict[str, Any]] = []
        images = []
        for part in request.parts:
            if isinstance(part, str):
                content.append({"type": "text", "text": part})
            else:
                content.append({"type": "image"})
                images.append(part)
        messages = [
            {"role": "system", "content": [{"type": "text", "text": request.system}]},
            {"role": "user", "content": content},
        ]
        text = processor.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=False, enable_thinking=request.think
        )
        extra: dict[str, Any] = {"max_slice_nums": self.options.max_slices} if images else {}
        inputs = processor(images=images or None, text=[text], return_tensors="pt", **extra)
        inputs = inputs.to(loaded.device)
        if "pixel_values" in inputs:
            inputs["pixel_values"] = inputs["pixel_values"].to(loaded.model.dtype)
        prompt_len = int(inputs["input_ids"].shape[1])
        gen: dict[str, Any] = {
            "max_new_tokens": request.max_tokens,
            "do_sample": self.options.temperature > 0,
        }
        if self.options.temperature > 0:
            gen["temperature"] = self.options.temperature
        if self.options.min_new_tokens:
            gen["min_new_tokens"] = self.options.min_new_tokens
        tokenizer = processor.tokenizer
        with torch.inference_mode():
            out = loaded.model.generate(
                **inputs, **gen, stopping_criteria=[_repetition_stop(tokenizer, prompt_len)]
            )
        new = out[0, prompt_len:]
        reply = tokenizer.decode(new, skip_special_tokens=True)
        notes = []
        if len(new) >= request.max_tokens:
            notes.append(f"the reply hit max_tokens ({request.max_tokens}) and may be cut")
        usage = {
            "prompt_tokens": prompt_len,
            "completion_tokens": len(new),
            "total_tokens": prompt_len + len(new),
        }
        self.input_shapes.append({k: tuple(v.shape) for k, v in inputs.items() if hasattr(v, "shape")})
        return Reply(reply, None, usage, notes)

    def _chat_remote(self, loaded: LoadedModel, request: Request) -> Reply:
        """MiniCPM-V 4.5's own `chat`: content is [str | PIL image, ...] in order; it slices images."""
        msgs = [{"role": "user", "content": list(request.parts)}]
        named = inspect.signature(loaded.model.chat).parameters
        optional: dict[str, Any] = {
            "enable_thinking": request.think,
            "max_slice_nums": self.options.max_slices,
            "sampling": self.options.temperature > 0,
            "system_prompt": request.system,
            "max_inp_length": self.options.max_context,  # its default (8192 in some versions) cuts pages
        }
        kwargs: dict[str, Any] = {k: v for k, v in optional.items() if k in named}
        if "system_prompt" not in named:
            msgs[0]["content"].insert(0, request.system)
        # max_new_tokens goes through to generate() whether chat names it or not
        answer = loaded.model.chat(
            msgs=msgs, tokenizer=loaded.tokenizer, max_new_tokens=request.max_tokens, **kwargs
        )
        if not isinstance(answer, str):  # streaming or (answer, context) variants
            answer = answer[0] if isinstance(answer, tuple) else "".join(answer)
        return Reply(answer, None, None, [])
