"""Fixtures for the parser tests (builders live in parsers_support.py)."""

from __future__ import annotations

import pytest
from parsers_support import run_cli


@pytest.fixture
def cli():
    """Run `docai ARGS` in a subprocess: cli("inspect", path) -> CliResult(code, stdout, stderr)."""
    return run_cli
