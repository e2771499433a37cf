"""One options object, filled in order: defaults < config file < DOCAI_* environment < explicit values.

The CLI flags, the web UI and library callers all build an `Options` through `load_options`.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from docai.errors import InputError

OcrMode = Literal["auto", "always", "never"]


@dataclass
class Options:
    """Everything that changes how docai reads a document and runs an engine."""

    # ingest
    pages: str | None = None
    password: str | None = None
    ocr: OcrMode = "auto"
    lang: str = "auto"  # eng, plus the Tesseract pack for a weak page's script (parsers/ocr_script.py)
    rasterizer: Literal["pymupdf", "pdf2image"] = "pymupdf"
    osd: bool = True
    # LLaVA-UHD slicing
    max_slices: int = 9
    scale_resolution: int = 448
    patch_size: int = 14
    # engine
    engine: str = "text"
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    server: str = "auto"  # auto | vllm | sglang | llamacpp | ollama | openai (engines/vlm/servers.py)
    think: bool = True
    max_tokens: int = 4096
    temperature: float = 0.0
    timeout_s: float = 300.0
    retries: int = 3
    concurrency: int = 4
    slicing: Literal["server", "client"] = "server"
    pages_per_request: int | None = None
    max_context: int = 32768
    device: str = "auto"
    dtype: str = "auto"
    load_in_4bit: bool = False
    # limits, checked before the expensive work (0 turns one off)
    max_pages: int = 5000
    time_budget_s: float = 1800.0
    # verification (docai/verify)
    verify_with: str | None = None  # a second engine read for agreement ("text")
    min_confidence: float | None = None  # None: the calibrated default (docai/verify/calibration.py)
    # pipeline
    workers: int = 1
    force: bool = False
    db: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> Options:
        return dataclasses.replace(self, **changes)

    def result_key(self) -> dict[str, Any]:
        """Every option that can change a result, `extra` included, for cache keys and run records (no
        secrets, no paths, nothing that only says how many at once or how long to wait)."""
        d = dataclasses.asdict(self)
        for k in _NOT_RESULT:
            d.pop(k, None)
        return d

    def public_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        if d.get("api_key"):
            d["api_key"] = "***"
        if d.get("password"):
            d["password"] = "***"
        return d


_NOT_RESULT = ("force", "workers", "db", "password", "api_key", "timeout_s", "retries", "concurrency")

_ENV_ALIASES = {
    "DOCAI_OPENAI_BASE_URL": "base_url",
    "DOCAI_OPENAI_API_KEY": "api_key",
}


def config_path() -> Path:
    """`$DOCAI_CONFIG`, else `~/.config/docai/config.toml` (XDG)."""
    env = os.environ.get("DOCAI_CONFIG")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "docai" / "config.toml"


def _coerce(name: str, value: Any, source: str) -> Any:
    f = {f.name: f for f in fields(Options)}.get(name)
    if f is None:
        raise InputError(f"unknown option {name!r} in {source}")
    default = getattr(Options(), name)
    if isinstance(value, str):
        if isinstance(default, bool):
            low = value.strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise InputError(f"option {name} in {source} must be true or false, not {value!r}")
        if isinstance(default, int) and not isinstance(default, bool):
            try:
                return int(value)
            except ValueError:
                raise InputError(f"option {name} in {source} must be a whole number") from None
        if isinstance(default, float):
            try:
                return float(value)
            except ValueError:
                raise InputError(f"option {name} in {source} must be a number") from None
    return value


def _from_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"cannot read config file {path}: {e}") from None
    section = raw.get("docai", raw)
    return {k.replace("-", "_"): _coerce(k.replace("-", "_"), v, str(path)) for k, v in section.items()}


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    names = {f.name for f in fields(Options)} - {"extra"}
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if key in _ENV_ALIASES:
            out[_ENV_ALIASES[key]] = value
        elif key.startswith("DOCAI_"):
            name = key[6:].lower()
            if name in names:
                out[name] = _coerce(name, value, key)
    return out


def load_options(overrides: dict[str, Any] | None = None, *, use_config: bool = True) -> Options:
    """Defaults, then the config file, then DOCAI_* variables, then non-None `overrides` (flags win)."""
    values: dict[str, Any] = {}
    if use_config:
        values.update(_from_file(config_path()))
        values.update(_from_env(dict(os.environ)))
    for k, v in (overrides or {}).items():
        if v is not None:
            values[k] = _coerce(k, v, "arguments")
    return Options(**values)
