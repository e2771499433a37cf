"""docai: structured data and cited answers from PDFs and scans.

The public API is the service layer: `docai.extract`, `docai.ask`, `docai.batch` (imported lazily so
that `import docai` and `docai --help` stay fast).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "extract": "docai.service",
    "ask": "docai.service",
    "batch": "docai.service",
    "Service": "docai.service",
    "Options": "docai.options",
    "load_document": "docai.parsers",
}

__all__ = ["Options", "Service", "__version__", "ask", "batch", "extract", "load_document"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'docai' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
