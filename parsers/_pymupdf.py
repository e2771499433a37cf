"""Import PyMuPDF without its optional layout add-on.

When the `pymupdf_layout` package is installed (pymupdf4llm pulls it in), `import pymupdf` also imports
`pymupdf.layout`, which loads ONNX models at import time: measured here, 3 to 4 s and about 100 MB per
process. docai's parsers never use it, so the first import is made with that submodule blocked; the
block is lifted at once, so code that wants it (pymupdf4llm does `import pymupdf.layout` itself) still
gets it.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

_LAYOUT = "pymupdf.layout"
_LOCK = threading.Lock()


def import_pymupdf() -> ModuleType:
    """The `pymupdf` module, imported without `pymupdf.layout` if nobody imported it yet.

    Under a lock: while one thread imports it, `sys.modules` already holds the half-initialized module,
    and a second thread (a batch's document threads) would get it without `open`."""
    with _LOCK:
        return _import()


def _import() -> ModuleType:
    loaded = sys.modules.get("pymupdf")
    if loaded is not None:
        return loaded
    block = _LAYOUT not in sys.modules
    if block:
        sys.modules[_LAYOUT] = None  # type: ignore[assignment]  # makes `import pymupdf.layout` fail
    try:
        import pymupdf
    finally:
        if block and _LAYOUT in sys.modules and sys.modules[_LAYOUT] is None:
            del sys.modules[_LAYOUT]
    return pymupdf
