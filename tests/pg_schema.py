"""A fresh PostgreSQL schema per test on the server DOCAI_TEST_DATABASE_URL names, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

PG_URL = os.environ.get("DOCAI_TEST_DATABASE_URL")


def pg_schema_url(prefix: str) -> Iterator[str]:
    """Yields a URL whose connections use a new schema named `prefix` + random hex (needs PG_URL)."""
    from sqlalchemy import create_engine, text

    assert PG_URL
    schema = f"{prefix}{uuid.uuid4().hex[:10]}"
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
