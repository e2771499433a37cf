"""Batch workers are forked after the parent imported what the engine needs on its first file, so no
worker imports it again, and nothing that makes forking unsafe (torch) is imported on the way."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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


_OVERLAP = """
import json, sys
from docai.batch_pool import preload_while_migrating
preload_while_migrating("text", sys.argv[1])
alembic_here = "alembic" in sys.modules  # the child migrated: this process never needed Alembic
from docai.storage import open_database
from docai.storage.migrate import head_revision
try:
    db = open_database(sys.argv[1])
    revision, error = db.revision(), None
    db.close()
except Exception as e:
    revision, error = None, f"{type(e).__name__}: {e}"
print(json.dumps({"alembic": alembic_here or "alembic" in sys.modules, "revision": revision,
                  "head": head_revision(), "error": error, "numpy": "numpy" in sys.modules}))
"""


def _overlap(db: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _OVERLAP, db], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_forked_child_makes_the_database_while_the_parent_preloads(tmp_path) -> None:
    got = _overlap(str(tmp_path / "new.db"))
    assert got["error"] is None and got["numpy"]
    assert got["revision"] == got["head"]
    if sys.platform == "linux":
        assert not got["alembic"]  # made by the child: the parent found it at head


def test_a_database_the_child_cannot_make_fails_in_the_parent_as_before(tmp_path) -> None:
    (tmp_path / "file").write_text("not a folder")
    got = _overlap(str(tmp_path / "file" / "new.db"))
    assert got["revision"] is None
    assert got["error"] is not None and got["error"].startswith("StorageError")


_FORK_PROBE = """
import json, os, sys
seen = []
_fork = os.fork
def fork():
    seen.append("sqlalchemy.orm" in sys.modules and "docai.storage" in sys.modules)
    return _fork()
os.fork = fork
from docai.batch_pool import preload_while_migrating
preload_while_migrating("text", sys.argv[1])
print(json.dumps(seen))
"""


def test_the_child_inherits_the_storage_modules(tmp_path) -> None:
    """The migrating child is forked once SQLAlchemy is imported: it is not imported twice."""
    if sys.platform != "linux":
        pytest.skip("fork only on Linux")
    args = [sys.executable, "-c", _FORK_PROBE, str(tmp_path / "new.db")]
    out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [True]
