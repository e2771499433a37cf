"""The first PyMuPDF import from several threads at once (a batch's document threads) gives every
thread the whole module: found by `docai batch --engine openai --concurrency 4` against vLLM."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import threading
from parsers._pymupdf import import_pymupdf
errors, barrier = [], threading.Barrier(8)
def work():
    barrier.wait()
    try:
        import_pymupdf().open().close()
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(errors)
"""


def test_first_import_from_eight_threads():
    # a fresh interpreter each time: the race is only in the first import
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "[]"
