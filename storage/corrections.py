"""Reviews and corrections: each reviewer action on a field is a new version of a run's result.

The engine's result row is never changed; the reviewed result is the engine's data with the
corrections applied in version order. `reviews.version` is the optimistic lock: a writer names the
version it read, and if another reviewer wrote first it gets a `ReviewConflict`, never a silent
overwrite. A run whose every field was confirmed gets status `reviewed` (its engine status is kept
in `reviews.engine_status`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docai.errors import StorageError
from docai.results import Check, Evidence, Extraction, FieldReport
from docai.review_values import set_path
from docai.storage.base import DatabaseBase
from docai.storage.models import CorrectionRow, ReviewRow, RunRow, utcnow

_log = logging.getLogger(__name__)

Action = Literal["accept", "correct"]
ReviewState = Literal["in_review", "reviewed"]


class ReviewConflict(StorageError):
    """Another reviewer saved a newer version of this result first."""

    exit_code = 9


@dataclass
class Correction:
    """One reviewer action on one field; `evidence` is where a corrected value was read on the page."""

    field_path: str
    action: Action
    new_value: Any = None
    evidence: Evidence | None = None
    old_value: Any = None
    version: int = 0
    reviewer: str = ""
    created_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "field": self.field_path,
            "action": self.action,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "evidence": self.evidence.to_dict() if self.evidence else None,
            "reviewer": self.reviewer,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


@dataclass
class Review:
    """A run's review: the version a next write must name, its state and every correction so far."""

    run_id: int
    version: int = 0
    state: ReviewState = "in_review"
    engine_status: str = ""
    updated_at: datetime | None = None
    updated_by: str = ""
    corrections: list[Correction] = field(default_factory=list)

    def latest(self) -> dict[str, Correction]:
        """The last action on each field path."""
        out: dict[str, Correction] = {}
        for c in self.corrections:
            out[c.field_path] = c
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "version": self.version,
            "state": self.state,
            "engine_status": self.engine_status,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "updated_by": self.updated_by,
            "corrections": [c.to_dict() for c in self.corrections],
        }


def reviewed_extraction(original: Extraction, review: Review) -> Extraction:
    """The engine's extraction with every correction applied (a new object; `original` is untouched)."""
    data = dict(original.data or {})
    evidence = dict(original.evidence)
    fields = dict(original.fields)
    for c in review.corrections:
        if c.action == "correct":
            data = set_path(data, c.field_path, c.new_value)
            if c.evidence is not None:
                evidence[c.field_path] = c.evidence
            else:
                evidence.pop(c.field_path, None)
        done = "corrected" if c.action == "correct" else "accepted"
        grounded = c.field_path in evidence
        fields[c.field_path] = FieldReport(
            1.0, grounded, [Check("reviewed", True, f"{done} by {c.reviewer}")]
        )
    reviewed = review.state == "reviewed"
    return replace(
        original,
        data=data,
        evidence=evidence,
        fields=fields,
        status="reviewed" if reviewed else original.status,  # type: ignore[arg-type]
        review=[] if reviewed else list(original.review),  # a person has looked: nothing is left open
    )


def _evidence(row: CorrectionRow) -> Evidence | None:
    if row.page_no is None and row.bbox is None and not row.text:
        return None
    bbox = tuple(row.bbox) if row.bbox else None
    return Evidence(page_no=row.page_no, bbox=bbox, text=row.text or "", confidence=1.0)  # type: ignore[arg-type]


def _unwrap(cell: dict[str, Any] | None) -> Any:
    return cell.get("value") if isinstance(cell, dict) else None


def _review(row: ReviewRow, corrections: list[CorrectionRow]) -> Review:
    return Review(
        run_id=row.run_id,
        version=row.version,
        state=row.state,  # type: ignore[arg-type]
        engine_status=row.engine_status,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        corrections=[
            Correction(
                field_path=c.field_path,
                action=c.action,  # type: ignore[arg-type]
                new_value=_unwrap(c.new_value),
                evidence=_evidence(c),
                old_value=_unwrap(c.old_value),
                version=c.version,
                reviewer=c.reviewer,
                created_at=c.created_at,
            )
            for c in corrections
        ],
    )


def load_reviews(s: Session, run_ids: list[int]) -> dict[int, Review]:
    """The reviews of these runs (runs never reviewed are absent)."""
    ids = sorted(set(run_ids))
    rows: list[ReviewRow] = []
    for part in _chunks(ids):
        rows += s.scalars(select(ReviewRow).where(ReviewRow.run_id.in_(part)))
    found: dict[int, list[CorrectionRow]] = {r.run_id: [] for r in rows}
    for part in _chunks(sorted(found)):
        q = select(CorrectionRow).where(CorrectionRow.run_id.in_(part)).order_by(CorrectionRow.version)
        for c in s.scalars(q):
            found[c.run_id].append(c)
    return {r.run_id: _review(r, found[r.run_id]) for r in rows}


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    """Id lists short enough for any backend's limit on bound parameters."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


class CorrectionsMixin(DatabaseBase):
    def get_review(self, run_id: int) -> Review | None:
        """The run's review with all its corrections; None if nobody reviewed it yet."""
        return self._read(lambda s: load_reviews(s, [run_id]).get(run_id))

    def reviews_for(self, run_ids: list[int]) -> dict[int, Review]:
        return self._read(lambda s: load_reviews(s, run_ids))

    def save_corrections(
        self,
        run_id: int,
        expected_version: int,
        corrections: list[Correction],
        reviewer: str,
        state: ReviewState,
    ) -> Review:
        """Append `corrections` as versions expected_version+1..; ReviewConflict if the run is no
        longer at `expected_version`. `state` 'reviewed' also sets the run's status to reviewed."""

        def work(s: Session) -> Review:
            run = s.get(RunRow, run_id)
            if run is None:
                raise StorageError(f"no run with id {run_id}")
            row = s.get(ReviewRow, run_id)
            current = row.version if row is not None else 0
            if current != expected_version:
                raise _conflict(run_id, expected_version, current, row)
            now = utcnow()
            if row is None:
                row = ReviewRow(run_id=run_id, version=0, state="in_review", engine_status=run.status)
                row.updated_at, row.updated_by = now, reviewer
                s.add(row)
                _flush(s, run_id, expected_version)
            new_version = expected_version + len(corrections)
            claimed = s.execute(
                update(ReviewRow)
                .where(ReviewRow.run_id == run_id, ReviewRow.version == expected_version)
                .values(version=new_version, state=state, updated_at=now, updated_by=reviewer)
            )
            if claimed.rowcount != 1:
                raise _conflict(run_id, expected_version, None, None)
            for i, c in enumerate(corrections, 1):
                s.add(_row(run_id, expected_version + i, c, reviewer, now))
            if state == "reviewed":
                run.status = "reviewed"
            _flush(s, run_id, expected_version)
            s.expire_all()
            return load_reviews(s, [run_id])[run_id]

        return self._write(work, "saving a review")


def _row(run_id: int, version: int, c: Correction, reviewer: str, now: datetime) -> CorrectionRow:
    ev = c.evidence
    return CorrectionRow(
        run_id=run_id,
        version=version,
        field_path=c.field_path,
        action=c.action,
        old_value={"value": c.old_value},
        new_value={"value": c.new_value},
        page_no=ev.page_no if ev else None,
        bbox=list(ev.bbox) if ev and ev.bbox else None,
        text=ev.text if ev else "",
        reviewer=reviewer,
        created_at=now,
    )


def _flush(s: Session, run_id: int, expected: int) -> None:
    """Flush; a unique-key clash means another reviewer wrote the same version at the same time."""
    try:
        s.flush()
    except IntegrityError:
        raise _conflict(run_id, expected, None, None) from None


def _conflict(run_id: int, expected: int, current: int | None, row: ReviewRow | None) -> ReviewConflict:
    who = f" by {row.updated_by}" if row is not None and row.updated_by else ""
    now = f" is at version {current}{who}" if current is not None else " was changed by another reviewer"
    return ReviewConflict(
        f"run {run_id}{now}, not version {expected}: reload it and review again (nothing was saved)"
    )


def with_reviews(records: list[Any], reviews: dict[int, Review]) -> list[Any]:
    """RunRecords with their review attached and the reviewed values in `extraction`."""
    for rec in records:
        review = reviews.get(rec.id)
        if review is None or rec.extraction is None:
            continue
        rec.review = review
        rec.original = replace(rec.extraction, status=review.engine_status or rec.extraction.status)
        rec.extraction = reviewed_extraction(rec.original, review)
    return records


def review_columns(states: dict[str, str], array_path: str | None = None, index: int = 0) -> dict[str, str]:
    """Export columns `review:FIELD` with each field's review state: the document's own fields, or
    (given `array_path` and `index`) the fields of one line item."""
    if array_path is None:
        return {f"review:{p}": s for p, s in states.items() if "[" not in p}
    prefix = f"{array_path}[{index}]."
    return {f"review:{p[len(prefix) :]}": s for p, s in states.items() if p.startswith(prefix)}
