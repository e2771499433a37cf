"""Answers keep score, notes and usage; an index for the run cache lookup.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("answers", sa.Column("score", sa.Float, nullable=True))
    op.add_column("answers", sa.Column("notes", sa.JSON, nullable=True))
    op.add_column("answers", sa.Column("usage", sa.JSON, nullable=True))
    op.create_index("ix_runs_cache_lookup", "runs", ["document_id", "schema_id", "engine", "options_key"])


def downgrade() -> None:
    op.drop_index("ix_runs_cache_lookup", table_name="runs")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("usage")
        batch.drop_column("notes")
        batch.drop_column("score")
