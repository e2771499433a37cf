"""Plain records the Database hands out (no ORM objects escape a session)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from docai.results import Answer, Citation, Evidence, Extraction, split_stored_notes
from docai.storage.models import AnswerRow, ResultRow, RunRow, SchemaRow


@dataclass
class SchemaInfo:
    id: int
    name: str | None
    hash: str
    created_at: datetime
    field_names: list[str]


@dataclass
class RunRecord:
    """One extraction run; `extraction` is None while running, a failed Extraction for failed runs."""

    id: int
    document_id: int
    sha256: str
    file_name: str
    schema_id: int
    schema_name: str | None
    schema_hash: str
    engine: str
    model: str | None
    options: dict[str, Any]
    status: str
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    usage: dict[str, Any] | None
    extraction: Extraction | None = None
    page_count: int | None = None
    """The document's page count, where it was read."""
    review: Any = None
    """The run's `corrections.Review` once a person started on it (`extraction` then holds the reviewed
    values and `original` the engine's)."""
    original: Extraction | None = None
    field_states: dict[str, str] = field(default_factory=dict)
    """Per field path: corrected, accepted, needs_review or engine (filled by docai.review for exports)."""
    error_code: int | None = None
    """A failed run's exit code (3 bad input, 5 engine error, ...), where it was recorded."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (times as ISO strings)."""
        return {
            "id": self.id,
            "document_id": self.document_id,
            "sha256": self.sha256,
            "file_name": self.file_name,
            "schema_id": self.schema_id,
            "schema_name": self.schema_name,
            "schema_hash": self.schema_hash,
            "engine": self.engine,
            "model": self.model,
            "options": self.options,
            "status": self.status,
            "error": self.error,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_s": self.duration_s,
            "usage": self.usage,
            "extraction": self.extraction.to_dict() if self.extraction else None,
            **({"review": self.review.to_dict()} if self.review is not None else {}),
        }


@dataclass
class AnswerRecord:
    """A stored answer with the documents it was asked over (ids, sha256s and shown names, in order)."""

    id: int
    created_at: datetime
    duration_s: float | None
    answer: Answer
    document_ids: list[int] = field(default_factory=list)
    sha256s: list[str] = field(default_factory=list)
    file_names: list[str] = field(default_factory=list)

    @property
    def question(self) -> str:
        return self.answer.question

    @property
    def text(self) -> str:
        return self.answer.text

    @property
    def found(self) -> bool:
        return self.answer.found


def field_names(schema: dict[str, Any]) -> list[str]:
    props = schema.get("properties")
    return list(props) if isinstance(props, dict) else []


def schema_info(row: SchemaRow) -> SchemaInfo:
    return SchemaInfo(row.id, row.name, row.hash, row.created_at, field_names(row.json or {}))


def extraction_from(run: RunRow, result: ResultRow | None) -> Extraction | None:
    if result is None:
        if run.status == "failed":
            return Extraction(
                data={},
                status="failed",
                errors=[run.error] if run.error else [],
                engine=run.engine,
                model=run.model,
                usage=run.usage,
            )
        return None
    evidence = {
        ev.field_path: Evidence(
            page_no=ev.page_no,
            bbox=tuple(ev.bbox) if ev.bbox else None,  # type: ignore[arg-type]
            text=ev.text or "",
            confidence=ev.confidence,
            document=ev.document,
        )
        for ev in result.evidence
    }
    notes, fields, review = split_stored_notes(result.notes or [])
    return Extraction(
        data=result.data or {},
        status=run.status,  # type: ignore[arg-type]
        evidence=evidence,
        fields=fields,
        review=review,
        errors=list(result.errors or []),
        notes=notes,
        reasoning=result.reasoning,
        raw_output=result.raw_output,
        engine=run.engine,
        model=run.model,
        usage=run.usage,
    )


def run_record(run: RunRow, file_name: str, schema_name: str | None, with_result: bool = True) -> RunRecord:
    return RunRecord(
        id=run.id,
        document_id=run.document_id,
        sha256=run.document.sha256,
        file_name=file_name,
        schema_id=run.schema_id,
        schema_name=schema_name,
        schema_hash=run.schema.hash,
        engine=run.engine,
        model=run.model,
        options=dict(run.options or {}),
        status=run.status,
        error=run.error,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_s=run.duration_s,
        usage=run.usage,
        extraction=extraction_from(run, run.result) if with_result else None,
        page_count=run.document.page_count,
        error_code=run.error_code,
    )


def answer_record(row: AnswerRow, docs: list[tuple[int, str, str]]) -> AnswerRecord:
    """`docs` = (document id, sha256, shown name) in the order the answer linked them."""
    answer = Answer(
        question=row.question,
        text=row.text,
        found=row.found,
        citations=[Citation.from_dict(c) for c in row.citations or []],
        also_retrieved=[Citation.from_dict(c) for c in row.also_retrieved or []],
        score=row.score,
        reasoning=row.reasoning,
        raw_output=row.raw_output,
        engine=row.engine,
        model=row.model,
        notes=list(row.notes or []),
        usage=row.usage,
    )
    return AnswerRecord(
        id=row.id,
        created_at=row.created_at,
        duration_s=row.duration_s,
        answer=answer,
        document_ids=[d[0] for d in docs],
        sha256s=[d[1] for d in docs],
        file_names=[d[2] for d in docs],
    )
