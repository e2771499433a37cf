"""Storage fixtures: a `db_url` for a fresh SQLite file, and for a fresh PostgreSQL schema when
DOCAI_TEST_DATABASE_URL is set (each test gets its own schema, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def _pg_schema_url(schema: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    assert PG_URL
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


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        yield from _pg_schema_url(f"docai_t_{uuid.uuid4().hex[:10]}")


@pytest.fixture
def db(db_url: str) -> Iterator[Any]:
    from docai.storage import open_database

    database = open_database(db_url)
    yield database
    database.close()
