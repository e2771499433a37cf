"""What engines return: extractions with per-field evidence, and answers with citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from docai.document import BBox

Status = Literal["ok", "review", "partial", "invalid", "failed", "reviewed"]
STATUSES: tuple[Status, ...] = ("ok", "review", "partial", "invalid", "failed", "reviewed")
"""`ok`: verified; `review`: a person must look (see `Extraction.review`); `partial`: a required field is
missing; `invalid`: the model's output broke the schema; `failed`: the file or engine failed;
`reviewed`: a person confirmed or corrected every field."""


@dataclass
class Check:
    """One named check on a field's value, with a reason a person can read."""

    name: str
    passed: bool
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Check:
        return cls(name=d.get("name", ""), passed=bool(d.get("passed")), reason=d.get("reason") or "")


@dataclass
class FieldReport:
    """What the verification stage found for one filled field (keyed like `evidence`)."""

    confidence: float | None = None
    grounded: bool | None = None
    checks: list[Check] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidence": self.confidence,
            "grounded": self.grounded,
            "checks": [c.to_dict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FieldReport:
        return cls(
            confidence=d.get("confidence"),
            grounded=d.get("grounded"),
            checks=[Check.from_dict(c) for c in d.get("checks") or []],
        )


@dataclass
class Evidence:
    """Where a value came from. `page_no` is 1-based; bbox in page points; confidence in 0..1."""

    page_no: int | None
    bbox: BBox | None = None
    text: str = ""
    confidence: float | None = None
    document: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["bbox"] = list(self.bbox) if self.bbox is not None else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        bbox = d.get("bbox")
        return cls(
            page_no=d.get("page_no"),
            bbox=tuple(bbox) if bbox else None,  # type: ignore[arg-type]
            text=d.get("text") or "",
            confidence=d.get("confidence"),
            document=d.get("document"),
        )


@dataclass
class Extraction:
    """Structured data for one document. `evidence` is keyed by field path (`total`, `items[0].amount`)."""

    data: dict[str, Any]
    status: Status
    evidence: dict[str, Evidence] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reasoning: str | None = None
    raw_output: str | None = None
    engine: str = ""
    model: str | None = None
    usage: dict[str, int] | None = None
    fields: dict[str, FieldReport] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)  # why a person must look, one line each
    field_logprobs: dict[str, float] = field(default_factory=dict)
    """Per filled field (keyed like `evidence`): the lowest token log-probability among the tokens that
    wrote its value in the model's reply (0 = certain). Only from servers that return logprobs."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "data": self.data,
            "status": self.status,
            "evidence": {k: v.to_dict() for k, v in self.evidence.items()},
            "errors": list(self.errors),
            "notes": list(self.notes),
            "reasoning": self.reasoning,
            "raw_output": self.raw_output,
            "engine": self.engine,
            "model": self.model,
            "usage": self.usage,
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "review": list(self.review),
            "field_logprobs": dict(self.field_logprobs),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extraction:
        return cls(
            data=d.get("data") or {},
            status=d.get("status", "failed"),
            evidence={k: Evidence.from_dict(v) for k, v in (d.get("evidence") or {}).items()},
            errors=list(d.get("errors") or []),
            notes=list(d.get("notes") or []),
            reasoning=d.get("reasoning"),
            raw_output=d.get("raw_output"),
            engine=d.get("engine", ""),
            model=d.get("model"),
            usage=d.get("usage"),
            fields={k: FieldReport.from_dict(v) for k, v in (d.get("fields") or {}).items()},
            review=list(d.get("review") or []),
            field_logprobs=dict(d.get("field_logprobs") or {}),
        )


VERIFICATION_KEY = "verification"


def notes_with_verification(extraction: Extraction) -> list[Any]:
    """The notes to store: the text notes, then one object holding `fields` and `review` (kept in the
    notes column until the results table has columns of their own)."""
    notes: list[Any] = list(extraction.notes)
    if extraction.fields or extraction.review:
        fields = {k: v.to_dict() for k, v in extraction.fields.items()}
        notes.append({VERIFICATION_KEY: {"fields": fields, "review": list(extraction.review)}})
    return notes


def split_stored_notes(stored: list[Any]) -> tuple[list[str], dict[str, FieldReport], list[str]]:
    """(text notes, fields, review) from a stored notes list (see `notes_with_verification`)."""
    notes: list[str] = []
    fields: dict[str, FieldReport] = {}
    review: list[str] = []
    for item in stored or []:
        if isinstance(item, dict) and VERIFICATION_KEY in item:
            v = item[VERIFICATION_KEY] or {}
            fields = {k: FieldReport.from_dict(d) for k, d in (v.get("fields") or {}).items()}
            review = list(v.get("review") or [])
        else:
            notes.append(item)
    return notes, fields, review


@dataclass
class Citation:
    """A page (and where known a box) that supports an answer."""

    page_no: int
    document: str | None = None
    bbox: BBox | None = None
    text: str = ""
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["bbox"] = list(self.bbox) if self.bbox is not None else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Citation:
        bbox = d.get("bbox")
        return cls(
            page_no=d["page_no"],
            document=d.get("document"),
            bbox=tuple(bbox) if bbox else None,  # type: ignore[arg-type]
            text=d.get("text") or "",
            score=d.get("score"),
        )


@dataclass
class Answer:
    """An answer to a question over one or more documents. `found` is False for 'not in the document'."""

    question: str
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    score: float | None = None
    reasoning: str | None = None
    raw_output: str | None = None
    engine: str = ""
    model: str | None = None
    notes: list[str] = field(default_factory=list)
    usage: dict[str, int] | None = None
    also_retrieved: list[Citation] = field(default_factory=list)
    """Passages retrieval ranked high that do not hold the answer: shown apart, never as support."""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["citations"] = [c.to_dict() for c in self.citations]
        d["also_retrieved"] = [c.to_dict() for c in self.also_retrieved]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Answer:
        return cls(
            question=d["question"],
            text=d.get("text", ""),
            found=bool(d.get("found")),
            citations=[Citation.from_dict(c) for c in d.get("citations") or []],
            score=d.get("score"),
            reasoning=d.get("reasoning"),
            raw_output=d.get("raw_output"),
            engine=d.get("engine", ""),
            model=d.get("model"),
            notes=list(d.get("notes") or []),
            usage=d.get("usage"),
            also_retrieved=[Citation.from_dict(c) for c in d.get("also_retrieved") or []],
        )
