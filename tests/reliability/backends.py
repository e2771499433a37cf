"""Database backends for the reliability tests: a SQLite file, and a fresh PostgreSQL schema when
DOCAI_TEST_DATABASE_URL is set (dropped afterwards)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_schema import pg_schema_url

PG_URL = os.environ.get("DOCAI_TEST_DATABASE_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.requires_postgres,
            pytest.mark.skipif(not PG_URL, reason="DOCAI_TEST_DATABASE_URL is not set"),
        ],
    ),
]


def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yields a URL (or SQLite path) for an empty database of `backend`."""
    if backend == "sqlite":
        yield str(tmp_path / "reliability.db")
        return
    yield from pg_schema_url("docai_rel_")
