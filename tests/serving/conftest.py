"""The serving suite: docai against a real vLLM (CPU build) serving a tiny random MiniCPM-V 4.6.

Runs only under `make test-serving` (DOCAI_SERVING=1), which first installs vLLM into its own venv
(scripts/serving/setup_vllm.sh). Skipped in plain `make test`; with DOCAI_SERVING=1 and no vLLM venv
the tests fail instead of skipping, so CI cannot pass without having run them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_text_pdf
from tests.serving.vllm_server import VLLMServer, vllm_python, vllm_venv

ENABLED = os.environ.get("DOCAI_SERVING") == "1"
HERE = Path(__file__).resolve().parent

# A bounded schema: every value has a finite length, so random weights under the grammar finish
# (strings with maxLength, integers with bounds, an enum, a boolean).
BOUNDED_SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string", "maxLength": 8},
        "total": {"type": "integer", "minimum": 0, "maximum": 9999},
        "currency": {"type": "string", "enum": ["EUR", "USD"]},
        "paid": {"type": "boolean"},
    },
    "required": ["invoice_number", "total"],
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="serving suite: run `make test-serving` (real vLLM, minutes)")
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def vllm_py() -> Path:
    py = vllm_python()
    if py is None:
        pytest.fail(f"no vLLM venv at {vllm_venv()}: run scripts/serving/setup_vllm.sh (make test-serving)")
    return py


@pytest.fixture(scope="session")
def tiny_model_dir(vllm_py: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny MiniCPM-V 4.6, built by the vLLM venv's transformers (the versions the server loads)."""
    out = tmp_path_factory.mktemp("tiny-minicpmv46-vllm")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    done = subprocess.run(
        [str(vllm_py), str(HERE / "tiny_model.py"), str(out)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out


@pytest.fixture(scope="session")
def vllm(
    vllm_py: Path, tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VLLMServer]:
    # outside pytest's temp dirs (other runs rotate those away): the log is what explains a failure
    log = Path(tempfile.gettempdir()) / f"docai-vllm-{os.getpid()}.log"
    server = VLLMServer(vllm_py, tiny_model_dir, log)
    server.start()
    sys.stderr.write(f"\nvLLM on {server.url} (log {log})\n")
    yield server
    server.kill()


@pytest.fixture
def invoice_pdfs(tmp_path: Path):
    """Factory: n one-page invoices (different numbers, so different documents) in a folder."""

    def _make(n: int, folder: str = "docs") -> Path:
        root = tmp_path / folder
        root.mkdir()
        for i in range(n):
            lines = [(72, 72, "INVOICE"), (72, 100, f"Invoice INV-{i:04d}"), (72, 130, f"TOTAL {i}.00 EUR")]
            make_text_pdf(root / f"inv{i:02d}.pdf", [lines], size=(420, 560))
        return root

    return _make
