"""Answers keep the pages retrieval ranked high that were not cited (`Answer.also_retrieved`).

Revision ID: 0006_answer_also_retrieved
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_answer_also_retrieved"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("answers", sa.Column("also_retrieved", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("also_retrieved")
