"""Batch workers are forked after the parent imported what the engine needs on its first file, so no
worker imports it again, and nothing that makes forking unsafe (torch) is imported on the way."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
from docai.batch_pool import preload, start_method
before = set(sys.modules)
preload("text")
new = set(sys.modules) - before
want = ["numpy", "pymupdf", "docai.engines.text.extractor", "docai.engines.text.embeddings"]
print(json.dumps({"loaded": [m for m in want if m in new], "torch": "torch" in sys.modules,
                  "addons": [m for m in ("pymupdf4llm", "pymupdf.layout") if m in sys.modules],
                  "method": start_method()}))
"""


def test_preload_imports_the_text_engines_first_file_modules_and_keeps_fork() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["loaded"] == [
        "numpy",
        "pymupdf",
        "docai.engines.text.extractor",
        "docai.engines.text.embeddings",
    ]
    assert not got["torch"] and not got["addons"]
    if sys.platform == "linux":
        assert got["method"] == "fork"
