"""What a cached result is keyed on, besides the document bytes and the schema: the engine's code version
and every option that changes a result.

An engine's version is a constant (bump it when rules, prompts or model handling change) plus a hash of
the source of the modules that decide its results, so an edited rule can never return a stale result.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from functools import lru_cache
from pathlib import Path

from docai.options import Options, option_specs

ENGINE_VERSIONS: dict[str, str] = {"text": "1", "openai": "1", "transformers": "1"}
"""Bumped by hand with a change of rules, prompts or model handling the source hash cannot see."""

_SHARED_SOURCES = ("docai.parsers", "docai.values", "docai.schema", "docai.document", "docai.results")
ENGINE_SOURCES: dict[str, tuple[str, ...]] = {
    "text": ("docai.engines.text", *_SHARED_SOURCES),
    "openai": ("docai.engines.openai_engine", "docai.engines.vlm", *_SHARED_SOURCES),
    "transformers": ("docai.engines.transformers_engine", "docai.engines.vlm", *_SHARED_SOURCES),
}
"""Modules (or packages, all their .py files) whose source decides an engine's results."""


def _source_files(module: str) -> list[Path]:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.py"))
    return [Path(spec.origin)] if spec.origin and spec.origin.endswith(".py") else []


@lru_cache(maxsize=32)
def _source_hash(modules: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for module in modules:
        for path in _source_files(module):
            h.update(path.name.encode())
            try:
                h.update(path.read_bytes())
            except OSError:
                continue
    return h.hexdigest()[:16]


def engine_version(engine: str, engine_obj: object | None = None) -> str:
    """`NAME:CONSTANT:SOURCE_HASH`; an engine registered from outside is keyed by its class's module."""
    if engine in ENGINE_SOURCES:
        return f"{engine}:{ENGINE_VERSIONS[engine]}:{_source_hash(ENGINE_SOURCES[engine])}"
    constant = str(getattr(engine_obj, "version", "0"))
    module = type(engine_obj).__module__ if engine_obj is not None else ""
    source = _source_hash((module,)) if module and module in sys.modules else ""
    return f"{engine}:{constant}:{source}"


def options_key(options: Options, version: str = "") -> str:
    """Hash of the result-changing options (all but those declared `neutral`, docai/options.py) and the
    engine version: part of the cache key."""
    canon = json.dumps({"options": options.result_key(), "version": version}, sort_keys=True, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:32]


def engine_key(options: Options) -> str:
    """Which engine instance serves these options: everything but the options declared `per_call`."""
    d = {n: getattr(options, n) for n, spec in option_specs().items() if not spec.per_call}
    return json.dumps(d, sort_keys=True, default=str)
