"""Database backends for the reliability tests: a SQLite file, and a fresh PostgreSQL schema when
DOCAI_TEST_DATABASE_URL is set (dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    from sqlalchemy import create_engine, text

    assert PG_URL
    schema = f"docai_rel_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
