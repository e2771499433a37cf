"""Alembic environment for docai. Migrations run only through `docai.storage.migrate`, which hands in
a connection already inside a locked write transaction (so two processes never migrate at once)."""

from __future__ import annotations

from alembic import context

from docai.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("docai migrations run through docai.storage.migrate.upgrade(), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
