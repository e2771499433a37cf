"""Engine registry with lazy imports: heavy modules load only in the branch that needs them."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from docai.engines.base import BlobCache, Capabilities, Engine, ProgressCallback
from docai.errors import EngineUnavailable
from docai.options import Options

__all__ = [
    "BlobCache",
    "Capabilities",
    "Engine",
    "EngineStatus",
    "ProgressCallback",
    "create_engine",
    "engine_capabilities",
    "engine_names",
    "engine_status",
    "register_engine",
]

# name -> "module:Class"; the module is imported only when that engine is created or checked.
_BUILTIN: dict[str, str] = {
    "text": "docai.engines.text:TextEngine",
    "transformers": "docai.engines.transformers_engine:TransformersEngine",
    "openai": "docai.engines.openai_engine:OpenAIEngine",
}
_EXTRA: dict[str, Callable[[Options], Engine]] = {}


@dataclass
class EngineStatus:
    name: str
    usable: bool
    why: str


def register_engine(name: str, factory: Callable[[Options], Engine]) -> None:
    """Add an engine (tests use this for a recording fake)."""
    _EXTRA[name] = factory


def engine_names() -> list[str]:
    return list(_BUILTIN) + [n for n in _EXTRA if n not in _BUILTIN]


def _load_class(name: str) -> type[Engine]:
    module_name, _, cls_name = _BUILTIN[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise EngineUnavailable(f"engine {name!r} cannot be loaded: {e}") from None
    return getattr(module, cls_name)


def engine_capabilities(name: str) -> Capabilities:
    """What the engine `name` declares, read from its class without making one (no model is loaded).

    An unknown engine, or one whose module cannot be imported, has the default capabilities: making it
    fails later with the reason."""
    if name in _EXTRA:
        factory = _EXTRA[name]
        declared = getattr(factory, "capabilities", None) if isinstance(factory, type) else None
        return declared if isinstance(declared, Capabilities) else Capabilities()
    if name not in _BUILTIN:
        return Capabilities()
    try:
        return _load_class(name).capabilities
    except EngineUnavailable:
        return Capabilities()


def create_engine(options: Options) -> Engine:
    """The engine named by `options.engine`, or EngineUnavailable saying why not."""
    name = options.engine
    if name in _EXTRA:
        return _EXTRA[name](options)
    if name not in _BUILTIN:
        known = ", ".join(engine_names())
        raise EngineUnavailable(f"unknown engine {name!r} (known: {known})")
    return _load_class(name)(options)


def engine_status(name: str, options: Options) -> EngineStatus:
    """Whether an engine is usable here and why not, without loading a model."""
    if name in _EXTRA:
        return EngineStatus(name, True, "registered")
    try:
        cls = _load_class(name)
    except EngineUnavailable as e:
        return EngineStatus(name, False, str(e))
    check = getattr(cls, "availability", None)
    if check is None:
        return EngineStatus(name, True, "ready")
    usable, why = check(options)
    return EngineStatus(name, usable, why)
