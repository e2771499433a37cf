"""Import PyMuPDF without its optional add-ons.

When `pymupdf_layout` is installed (pymupdf4llm pulls it in), `import pymupdf` also imports
`pymupdf.layout`, which loads ONNX models at import time: measured here, 3 to 4 s and about 100 MB per
process. PyMuPDF 1.26+ also imports `pymupdf4llm` itself when it is installed (for its `to_markdown`
shortcuts), which brings onnxruntime: about 0.3 s and 60 MB more. docai's parsers use neither, so the
first import is made with both blocked; the block is lifted at once, so code that wants them
(`import pymupdf4llm`, `import pymupdf.layout`) still gets them.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

_ADD_ONS = ("pymupdf.layout", "pymupdf4llm")
_LOCK = threading.Lock()


def import_pymupdf() -> ModuleType:
    """The `pymupdf` module, imported without its add-ons if nobody imported it yet.

    Under a lock: while one thread imports it, `sys.modules` already holds the half-initialized module,
    and a second thread (a batch's document threads) would get it without `open`."""
    with _LOCK:
        return _import()


def _import() -> ModuleType:
    loaded = sys.modules.get("pymupdf")
    if loaded is not None:
        return loaded
    blocked = [name for name in _ADD_ONS if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import pymupdf
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return pymupdf
