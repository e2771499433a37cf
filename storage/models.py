"""SQLAlchemy 2.x typed models. The Alembic scripts in `migrations/` create exactly these tables.

Times are stored in UTC and always come back timezone-aware (SQLite forgets the zone, `UTCDateTime` puts
it back). Deleting a document removes its names, pages, runs, results and evidence (ON DELETE CASCADE,
and the ORM relationships cascade too, so it works whatever the backend enforces).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docai.storage.model_base import Base, UTCDateTime, utcnow  # noqa: F401 (re-exported)


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100))
    page_count: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)

    names: Mapped[list[DocumentName]] = relationship(back_populates="document", cascade="all, delete-orphan")
    pages: Mapped[list[PageRow]] = relationship(cascade="all, delete-orphan")
    runs: Mapped[list[RunRow]] = relationship(back_populates="document", cascade="all, delete-orphan")


class DocumentName(Base):
    """Every file name a document was seen under; `last_seen` picks the name to show."""

    __tablename__ = "document_names"
    __table_args__ = (UniqueConstraint("document_id", "name", name="uq_document_names_doc_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(1024), index=True)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[DocumentRow] = relationship(back_populates="names")


class PageRow(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "page_no", name="uq_pages_doc_page"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    page_no: Mapped[int] = mapped_column(Integer)
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    text_source: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")


class SchemaRow(Base):
    """One JSON Schema by content: the same canonical JSON is always the same row."""

    __tablename__ = "schemas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200), index=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    json: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchemaName(Base):
    """Names given to schema versions; a name means its most recently saved version."""

    __tablename__ = "schema_names"
    __table_args__ = (UniqueConstraint("name", "schema_id", name="uq_schema_names_name_schema"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    schema_id: Mapped[int] = mapped_column(ForeignKey("schemas.id", ondelete="CASCADE"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_cache_lookup", "document_id", "schema_id", "engine", "options_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    schema_id: Mapped[int] = mapped_column(ForeignKey("schemas.id"), index=True)
    engine: Mapped[str] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(300))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="running")
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column()
    duration_s: Mapped[float | None] = mapped_column(Float)
    usage: Mapped[dict[str, Any] | None] = mapped_column()
    error_code: Mapped[int | None] = mapped_column(Integer)  # a failure's exit code (migration 0007)

    document: Mapped[DocumentRow] = relationship(back_populates="runs")
    schema: Mapped[SchemaRow] = relationship()
    result: Mapped[ResultRow | None] = relationship(
        back_populates="run", cascade="all, delete-orphan", uselist=False
    )


class ClaimRow(Base):
    """A document being worked on: one row per cache key while its run is `running` (migration 0003).

    The key is unique, so of N processes (or machines on one PostgreSQL) only one holds it; the owner
    renews `lease_until`, and a claim whose owner is dead or whose lease ran out is taken over.
    """

    __tablename__ = "run_claims"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    lease_until: Mapped[datetime] = mapped_column()


class ResultRow(Base):
    __tablename__ = "results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column()
    raw_output: Mapped[str | None] = mapped_column(Text)
    reasoning: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[list[Any]] = mapped_column(default=list)
    errors: Mapped[list[Any]] = mapped_column(default=list)

    run: Mapped[RunRow] = relationship(back_populates="result")
    evidence: Mapped[list[EvidenceRow]] = relationship(
        cascade="all, delete-orphan", order_by="EvidenceRow.id"
    )


class EvidenceRow(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    field_path: Mapped[str] = mapped_column(String(1000))
    page_no: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column()
    text: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float)
    document: Mapped[str | None] = mapped_column(String(1024))


class AnswerRow(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    found: Mapped[bool] = mapped_column(Boolean)
    citations: Mapped[list[Any]] = mapped_column(default=list)
    reasoning: Mapped[str | None] = mapped_column(Text)
    raw_output: Mapped[str | None] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(300))
    duration_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # added by migration 0002
    score: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[list[Any] | None] = mapped_column()
    usage: Mapped[dict[str, Any] | None] = mapped_column()
    also_retrieved: Mapped[list[Any] | None] = mapped_column()  # migration 0006

    links: Mapped[list[AnswerDocument]] = relationship(cascade="all, delete-orphan")


class AnswerDocument(Base):
    __tablename__ = "answer_documents"

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class BlobRow(Base):
    """Key -> bytes for engines' caches (e.g. a QA index)."""

    __tablename__ = "blobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewRow(Base):
    """A run a person has started reviewing (added by migration 0004). `version` counts its corrections
    and is the optimistic lock: a write names the version it read and fails if another came first."""

    __tablename__ = "reviews"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="in_review")
    engine_status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))


class CorrectionRow(Base):
    """One reviewer action on one field: a new version of the result; the engine's result stays."""

    __tablename__ = "corrections"
    __table_args__ = (UniqueConstraint("run_id", "version", name="uq_corrections_run_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    field_path: Mapped[str] = mapped_column(String(1000))
    action: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[dict[str, Any] | None] = mapped_column()
    new_value: Mapped[dict[str, Any] | None] = mapped_column()
    page_no: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column()
    text: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# the tables of `docai serve` (migration 0005), kept in their own module
from docai.storage import job_models as _job_models  # noqa: E402, F401
