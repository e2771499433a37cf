"""A failed run keeps its error's exit code (a cached failure then exits like a fresh one), and each
webhook attempt its delivery id (a restarted server finds the per-file deliveries left pending).

Revision ID: 0007_error_code_delivery_id
Revises: 0006_answer_also_retrieved
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_error_code_delivery_id"
down_revision = "0006_answer_also_retrieved"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("runs", sa.Column("error_code", sa.Integer, nullable=True))
    op.add_column("webhook_deliveries", sa.Column("delivery_id", sa.String(200), nullable=True))
    op.create_index("ix_webhook_deliveries_delivery_id", "webhook_deliveries", ["delivery_id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_delivery_id", table_name="webhook_deliveries")
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.drop_column("delivery_id")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("error_code")
