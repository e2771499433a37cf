"""Initial tables: documents, pages, schemas, runs, results, evidence, answers, blobs.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("mime", sa.String(100), nullable=False),
        sa.Column("page_count", sa.Integer, nullable=True),
        sa.Column("first_seen", TS, nullable=False),
    )
    op.create_table(
        "document_names",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(1024), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.UniqueConstraint("document_id", "name", name="uq_document_names_doc_name"),
    )
    op.create_index("ix_document_names_document_id", "document_names", ["document_id"])
    op.create_index("ix_document_names_name", "document_names", ["name"])
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("page_no", sa.Integer, nullable=False),
        sa.Column("width", sa.Float, nullable=False),
        sa.Column("height", sa.Float, nullable=False),
        sa.Column("text_source", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.UniqueConstraint("document_id", "page_no", name="uq_pages_doc_page"),
    )
    op.create_table(
        "schemas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("json", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_schemas_name", "schemas", ["name"])
    op.create_table(
        "schema_names",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("schema_id", sa.Integer, sa.ForeignKey("schemas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("saved_at", TS, nullable=False),
        sa.UniqueConstraint("name", "schema_id", name="uq_schema_names_name_schema"),
    )
    op.create_index("ix_schema_names_name", "schema_names", ["name"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("schema_id", sa.Integer, sa.ForeignKey("schemas.id"), nullable=False),
        sa.Column("engine", sa.String(100), nullable=False),
        sa.Column("model", sa.String(300), nullable=True),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("options_key", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("duration_s", sa.Float, nullable=True),
        sa.Column("usage", sa.JSON, nullable=True),
    )
    op.create_index("ix_runs_schema_id", "runs", ["schema_id"])
    op.create_index("ix_runs_started_at", "runs", ["started_at"])
    op.create_table(
        "results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, unique=True
        ),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("raw_output", sa.Text, nullable=True),
        sa.Column("reasoning", sa.Text, nullable=True),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("errors", sa.JSON, nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field_path", sa.String(1000), nullable=False),
        sa.Column("page_no", sa.Integer, nullable=True),
        sa.Column("bbox", sa.JSON, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=True),
        sa.Column("document", sa.String(1024), nullable=True),
    )
    op.create_index("ix_evidence_result_id", "evidence", ["result_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("found", sa.Boolean, nullable=False),
        sa.Column("citations", sa.JSON, nullable=False),
        sa.Column("reasoning", sa.Text, nullable=True),
        sa.Column("raw_output", sa.Text, nullable=True),
        sa.Column("engine", sa.String(100), nullable=False),
        sa.Column("model", sa.String(300), nullable=True),
        sa.Column("duration_s", sa.Float, nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_answers_created_at", "answers", ["created_at"])
    op.create_table(
        "answer_documents",
        sa.Column("answer_id", sa.Integer, sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_answer_documents_document_id", "answer_documents", ["document_id"])
    op.create_table(
        "blobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(512), nullable=False, unique=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "blobs", "answer_documents", "answers", "evidence", "results", "runs",
        "schema_names", "schemas", "pages", "document_names", "documents",
    ):  # fmt: skip
        op.drop_table(table)
