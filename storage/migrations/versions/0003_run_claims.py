"""Claims on documents being worked on, with a lease, so concurrent batches do each document once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_claims",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_run_claims_run_id", "run_claims", ["run_id"])
    op.create_index("ix_run_claims_owner", "run_claims", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_run_claims_owner", table_name="run_claims")
    op.drop_index("ix_run_claims_run_id", table_name="run_claims")
    op.drop_table("run_claims")
