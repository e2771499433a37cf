"""Typed options: one class per stage (ingest, slicing, verification, batch) and per engine (text, openai,
transformers), each field declared once with `opt()`: its type (a `Literal` is its list of choices),
default, help text and whether it can change a result.

`Options` is all of them in one flat object (`options.lang`, `options.max_tokens`), filled in order:
defaults < config file < DOCAI_* environment < explicit values. The CLI flags, `--set KEY=VALUE`, the
config file keys, the environment variables, the web UI and the HTTP API all fill it through
`load_options`, and unknown names are refused with the name in the message.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from docai.errors import InputError, OptionError
from docai.option_spec import OptionSpec, coerce, opt, specs_of

_log = logging.getLogger(__name__)

OcrMode = Literal["auto", "always", "never"]
Rasterizer = Literal["pymupdf", "pdf2image"]
ServerName = Literal["auto", "vllm", "sglang", "llamacpp", "ollama", "openai"]
"""Server profiles of docai/engines/vlm/servers.py (a test keeps the two equal)."""
Slicing = Literal["server", "client"]
ImageFormat = Literal["png", "jpeg", "jpg"]
VerifyEngine = Literal["text", "openai", "transformers"]

_LANG_HELP = (
    "OCR languages, e.g. eng, chi_sim, eng+deu, taken as given; auto (default) = eng plus the installed "
    "pack for a weak page's script; eng+deu+auto adds that to eng+deu."
)


@dataclass
class RunOptions:
    """Which engine, and whether a cached result may be used."""

    engine: str = opt("text", "text | transformers | openai", flag=("--engine", "-e"))
    force: bool = opt(
        False, "Run again even if a cached result exists.", flag="--force", neutral=True, per_call=True
    )
    db: str | None = opt(None, "Database file or SQLAlchemy URL (DOCAI_DB).", neutral=True, per_call=True)


@dataclass
class IngestOptions:
    """How a file becomes a Document: which pages, the password, OCR, rasterizer, and the limits checked
    before the expensive work (0 turns one off)."""

    pages: str | None = opt(None, "Page ranges, e.g. 1-3,7.", flag=True, per_call=True)
    password: str | None = opt(
        None, "Password of encrypted PDFs.", flag=True, neutral=True, secret=True, per_call=True
    )
    ocr: OcrMode = opt("auto", "Which pages are read by OCR", flag=True)
    lang: str = opt("auto", _LANG_HELP, flag=True)  # parsers/ocr_script.py
    rasterizer: Rasterizer = opt("pymupdf", "How PDF pages become images", flag=True)
    osd: bool = opt(True, "Turn scans upright with Tesseract's orientation detection.", flag=True)
    max_pages: int = opt(5000, "Refuse documents of more pages (0: no limit).", flag=True, at_least=0)
    time_budget_s: float = opt(1800.0, "Seconds one document may take (0: no limit).", at_least=0)


@dataclass
class SliceOptions:
    """LLaVA-UHD slicing of page images (docai/parsers/page_slices.py)."""

    max_slices: int = opt(9, "LLaVA-UHD slices per page.")
    scale_resolution: int = opt(448, "Side in pixels of one slice.")
    patch_size: int = opt(14, "The vision encoder's patch side in pixels.")


@dataclass
class VlmOptions(SliceOptions):
    """What both VLM engines (openai, transformers) share."""

    model: str | None = opt(None, "Model id or local path.", flag=("--model", "-m"))
    think: bool = opt(True, "Thinking mode for VLM engines.", flag=True)
    max_tokens: int = opt(4096, "Cap on generated tokens.", flag=True, at_least=1)
    temperature: float = opt(0.0, "Sampling temperature (0: greedy).")
    pages_per_request: int | None = opt(
        None, "Page images per VLM request (default: from the budget).", flag=True
    )
    max_context: int = opt(32768, "The model's context budget in tokens.", flag=True)
    ask_max_pages: int = opt(24, "`ask` reads at most this many pages of a long document.")
    answer_max_chars: int = opt(1000, "Longest answer a constrained server lets the model write.")


@dataclass
class OpenAIOptions(VlmOptions):
    """The `openai` engine: an OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama)."""

    base_url: str | None = opt(
        None,
        "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1",
        flag=True,
        env=("DOCAI_OPENAI_BASE_URL",),
    )
    api_key: str | None = opt(
        None,
        "API key for --base-url (or DOCAI_OPENAI_API_KEY).",
        flag=True,
        neutral=True,
        secret=True,
        env=("DOCAI_OPENAI_API_KEY",),
    )
    server: ServerName = opt("auto", "Server profile (openai engine)", flag=True)
    timeout_s: float = opt(300.0, "Seconds to wait for one request.", neutral=True)
    retries: int = opt(3, "Tries again after 429, 5xx, connection errors and timeouts.", neutral=True)
    concurrency: int = opt(4, "Parallel requests (openai engine).", flag=True, neutral=True, at_least=1)
    slicing: Slicing = opt("server", "Who cuts LLaVA-UHD slices (openai engine)", flag=True)
    response_format: bool = opt(True, "Send the schema as response_format (false: in the prompt only).")
    image_format: ImageFormat = opt("png", "Data URL format of page images (jpeg: smaller for photos)")


@dataclass
class TransformersOptions(VlmOptions):
    """The `transformers` engine: MiniCPM-V in this process."""

    device: str = opt("auto", "auto | cuda | cuda:1 | mps | cpu (transformers).", flag=True)
    dtype: str = opt("auto", "auto | bfloat16 | float16 | float32 (transformers).", flag=True)
    load_in_4bit: bool = opt(False, "4-bit weights (needs bitsandbytes).", flag=True)
    min_new_tokens: int = opt(0, "Generation goes on past an early end of sequence until this many tokens.")


@dataclass
class TextOptions:
    """The `text` engine: rules over each page's words; BM25 (reranked by embeddings if asked) for QA."""

    semantic: bool = opt(True, "Match labels by meaning with the sentence model (false: by words only).")
    embeddings: bool = opt(False, "Rerank BM25's top passages for questions by embeddings (off: BM25 only).")
    embed_max_passages: int = opt(
        500, "Above this many passages only the BM25 candidates of each question are embedded."
    )


@dataclass
class VerifyOptions:
    """The verification stage (docai/verify)."""

    verify_with: VerifyEngine | None = opt(
        None, "A second engine whose reading each field must agree with", flag=True
    )
    min_confidence: float | None = opt(
        None,
        "Least confidence of every field for `ok` (default: calibrated).",
        flag=True,
        at_least=0.0,
        at_most=1.0,
    )


@dataclass
class BatchOptions:
    """Running many files."""

    workers: int = opt(
        1,
        "Worker processes (CPU engines).",
        flag=("--workers", "-w"),
        neutral=True,
        per_call=True,
        at_least=1,
    )


@dataclass
class Options(
    RunOptions, IngestOptions, OpenAIOptions, TransformersOptions, TextOptions, VerifyOptions, BatchOptions
):
    """Everything that changes how docai reads a document and runs an engine, flat; each field is declared
    in exactly one of the classes above."""

    def replace(self, **changes: Any) -> Options:
        return dataclasses.replace(self, **changes)

    def section(self, cls: type[Any]) -> Any:
        """This object's values of one options class (`options.section(TextOptions)`)."""
        return cls(**{name: getattr(self, name) for name in specs_of(cls)})

    def result_key(self) -> dict[str, Any]:
        """Every option that can change a result, for cache keys and run records (no secrets, no paths,
        nothing that only says how many at once or how long to wait: those are declared `neutral`)."""
        return {n: getattr(self, n) for n, s in option_specs().items() if not s.neutral}

    def public_dict(self) -> dict[str, Any]:
        """Every option, secrets masked."""
        d = dataclasses.asdict(self)
        for name, spec in option_specs().items():
            if spec.secret and d.get(name):
                d[name] = "***"
        return d


ENGINE_OPTIONS: dict[str, type[Any]] = {
    "text": TextOptions,
    "openai": OpenAIOptions,
    "transformers": TransformersOptions,
}
"""The options class of each built-in engine."""

SECTIONS: dict[str, type[Any]] = {
    "run": RunOptions,
    "ingest": IngestOptions,
    "slices": SliceOptions,
    "vlm": VlmOptions,
    **ENGINE_OPTIONS,
    "verify": VerifyOptions,
    "batch": BatchOptions,
}
"""Config file tables (`[openai]`, `[text]`, ...): a key under one must be an option of that class."""


def option_specs() -> dict[str, OptionSpec]:
    """Every option by name."""
    return specs_of(Options)


def option_spec(name: str, source: str) -> OptionSpec:
    """The option called `name` (dashes or underscores), or OptionError naming it and where it came from."""
    spec = option_specs().get(name.replace("-", "_"))
    if spec is None:
        raise OptionError(f"unknown option {name!r} in {source} (docai config options lists them)")
    return spec


def typed_values(values: dict[str, Any], source: str) -> dict[str, Any]:
    """`values` by option name, each typed; unknown names and badly typed values are OptionErrors."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        spec = option_spec(key, source)
        out[spec.name] = coerce(spec, value, source)
    return out


def config_path() -> Path:
    """`$DOCAI_CONFIG`, else `~/.config/docai/config.toml` (XDG)."""
    env = os.environ.get("DOCAI_CONFIG")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "docai" / "config.toml"


def _from_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"cannot read config file {path}: {e}") from None
    section = raw.get("docai", raw)
    flat: dict[str, Any] = {}
    for key, value in section.items():
        if isinstance(value, dict):
            flat.update(_from_table(key, value, path))
        else:
            flat[key] = value
    return typed_values(flat, str(path))


def _from_table(name: str, table: dict[str, Any], path: Path) -> dict[str, Any]:
    """A `[section]` of the config file; `extra` (before typed options) is read as any section."""
    if name == "extra":
        _log.warning("%s: the [extra] table is read as top-level options; move its keys up", path)
        return table
    cls = SECTIONS.get(name)
    if cls is None:
        raise OptionError(f"unknown option {name!r} in {path} (sections: {', '.join(SECTIONS)})")
    own = specs_of(cls)
    for key in table:
        if key.replace("-", "_") not in own:
            raise OptionError(f"unknown option {key!r} in [{name}] of {path}")
    return table


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    by_var = {var: spec for spec in option_specs().values() for var in spec.env}
    return {by_var[k].name: coerce(by_var[k], v, k) for k, v in environ.items() if k in by_var}


def load_options(overrides: dict[str, Any] | None = None, *, use_config: bool = True) -> Options:
    """Defaults, then the config file, then DOCAI_* variables, then non-None `overrides` (flags win)."""
    values: dict[str, Any] = {}
    if use_config:
        values.update(_from_file(config_path()))
        values.update(_from_env(dict(os.environ)))
    values.update(typed_values({k: v for k, v in (overrides or {}).items() if v is not None}, "arguments"))
    return Options(**values)
