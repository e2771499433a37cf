"""Storage fixtures: a `db_url` for a fresh SQLite file, and for a fresh PostgreSQL schema when
DOCAI_TEST_DATABASE_URL is set (each test gets its own schema, dropped afterwards)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        yield from pg_schema_url("docai_t_")


@pytest.fixture
def db(db_url: str) -> Iterator[Any]:
    from docai.storage import open_database

    database = open_database(db_url)
    yield database
    database.close()
