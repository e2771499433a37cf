"""Per-file outcomes of the service layer, in the shape the CLI, the web UI and library callers share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docai.results import Answer, Evidence, Extraction


@dataclass
class FileResult:
    """One file's extraction: the stored run, its data and evidence, or why it failed."""

    file: str
    sha256: str | None
    run_id: int | None
    status: str
    data: dict[str, Any] | None
    evidence: dict[str, Evidence]
    engine: str
    model: str | None
    duration_s: float
    cached: bool = False
    error: str | None = None
    page_count: int | None = None
    extraction: Extraction | None = None
    error_code: int | None = None
    """For a failure: the exit code of its error (3 bad input, 5 engine, 6 unavailable, ...)."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "run_id": self.run_id,
            "status": self.status,
            "data": self.data,
            "evidence": {k: v.to_dict() for k, v in self.evidence.items()},
            "engine": self.engine,
            "model": self.model,
            "duration_s": round(self.duration_s, 4),
            "cached": self.cached,
            "error": self.error,
            "fields": {k: v.to_dict() for k, v in self.extraction.fields.items()} if self.extraction else {},
            "review": list(self.extraction.review) if self.extraction else [],
        }

    @classmethod
    def from_run(cls, run: Any, file: str, duration_s: float, *, cached: bool = False) -> FileResult:
        """The result a stored run (a `docai.storage.RunRecord`) gives, shown under the name `file`: a
        stored failure reads as the fresh one did (no data, its error's exit code)."""
        ex = run.extraction
        failed = run.status == "failed"
        return cls(
            file=file,
            sha256=run.sha256,
            run_id=run.id,
            status=run.status,
            data=ex.data if ex and not failed else None,
            evidence=ex.evidence if ex else {},
            engine=run.engine,
            model=run.model,
            duration_s=duration_s,
            cached=cached,
            error=run.error,
            extraction=ex,
            page_count=getattr(run, "page_count", None),
            error_code=getattr(run, "error_code", None) if failed else None,
        )

    @classmethod
    def failed(cls, file: str, error: str, engine: str, model: str | None, **kw: Any) -> FileResult:
        return cls(
            file,
            kw.pop("sha256", None),
            kw.pop("run_id", None),
            "failed",
            None,
            {},
            engine,
            model,
            kw.pop("duration_s", 0.0),
            error=error,
            **kw,
        )


@dataclass
class AskResult:
    answer: Answer
    files: list[str]
    duration_s: float
    answer_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **answer_fields(self.answer),
            "files": self.files,
            "answer_id": self.answer_id,
            "duration_s": round(self.duration_s, 4),
        }


def answer_fields(a: Answer) -> dict[str, Any]:
    """An answer's own keys in the shape `docai ask --json` prints (a stored answer adds its id and files)."""
    return {
        "question": a.question,
        "answer": a.text,
        "found": a.found,
        "score": a.score,
        "citations": [c.to_dict() for c in a.citations],
        "also_retrieved": [c.to_dict() for c in a.also_retrieved],
        "reasoning": a.reasoning,
        "engine": a.engine,
        "model": a.model,
        "notes": list(a.notes),
    }


@dataclass
class ProgressEvent:
    file: str
    file_index: int
    file_total: int
    pages_done: int
    pages_total: int
    stage: str  # "start" | "page" | "done"


@dataclass
class BatchSummary:
    counts: dict[str, int]
    total: int
    duration_s: float
    results: list[FileResult] = field(default_factory=list)
    skipped: int = 0
    interrupted: bool = False
    pages: int = 0
