"""Review and correction: the queue of results a person must look at, and accepting or correcting
their fields. Every action is a new version of the result (see `docai.storage.corrections`).

A field needs review when the verification stage flagged it (a failed check, not grounded on the
page, low confidence) or, where no verification ran, when its evidence is missing or its confidence
below `LOW_CONFIDENCE`; an empty required field always does.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.errors import InputError
from docai.results import Evidence, Extraction
from docai.review_values import coerce_value, get_path, path_parts, schema_at
from docai.storage.corrections import Correction, Review

if TYPE_CHECKING:
    from docai.storage import Database, RunRecord

_log = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.8
QUEUE_STATUSES = ("review", "partial", "invalid", "ok")
"""Statuses that can be in the queue, in the order they are shown (an `ok` run only with a flagged field)."""
STATES = ("corrected", "accepted", "needs_review", "engine")


@dataclass
class FieldView:
    """One field of a result as a reviewer sees it."""

    path: str
    value: Any
    engine_value: Any
    state: str
    confidence: float | None = None
    reasons: list[str] = field(default_factory=list)
    evidence: Evidence | None = None
    reviewer: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.path,
            "value": self.value,
            "engine_value": self.engine_value,
            "state": self.state,
            "confidence": self.confidence,
            "reasons": list(self.reasons),
            "evidence": self.evidence.to_dict() if self.evidence else None,
            "reviewer": self.reviewer,
        }


@dataclass
class QueueItem:
    """One run waiting for a person, with why and how risky it is."""

    run_id: int
    file_name: str
    schema: str
    status: str
    engine: str
    risk: float
    to_review: int
    fields: int
    version: int
    reasons: list[str]
    sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def default_reviewer() -> str:
    """The OS user (the CLI's reviewer)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return os.environ.get("USER") or "unknown"


def field_paths(schema: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """Every reviewable field: the schema's scalar leaves, arrays of objects expanded over the data."""
    paths: list[str] = []

    def walk(props: dict[str, Any], value: Any, prefix: str) -> None:
        for name in props:
            path = f"{prefix}.{name}" if prefix else name
            sub = schema_at(schema, path) or {}
            here = value.get(name) if isinstance(value, dict) else None
            if sub.get("type") == "object" and isinstance(sub.get("properties"), dict):
                walk(sub["properties"], here, path)
            elif sub.get("type") == "array" and isinstance((sub.get("items") or {}).get("properties"), dict):
                for i, item in enumerate(here if isinstance(here, list) else []):
                    walk(sub["items"]["properties"], item, f"{path}[{i}]")
            else:
                paths.append(path)

    walk(schema.get("properties") or {}, data or {}, "")
    return paths


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _flags(
    path: str, value: Any, extraction: Extraction, required: set[str]
) -> tuple[float | None, list[str]]:
    """(confidence, reasons a person must look) for one engine value."""
    report = extraction.fields.get(path)
    ev = extraction.evidence.get(path)
    if _empty(value):
        top = str(path_parts(path)[0])
        return None, ["required but empty"] if top in required and "." not in path and "[" not in path else []
    reasons = [
        f"{c.name}: {c.reason}" if c.reason else c.name for c in (report.failed_checks if report else [])
    ]
    if report is not None and report.grounded is False:
        reasons.append("not found on the page")
    conf = report.confidence if report is not None and report.confidence is not None else None
    if conf is None and ev is not None:
        conf = ev.confidence
    if conf is None:
        reasons.append("no confidence recorded" if ev is not None else "no evidence on the page")
    elif conf < LOW_CONFIDENCE:
        reasons.append(f"low confidence {conf:.2f}")
    return conf, reasons


def field_views(run: RunRecord, schema: dict[str, Any]) -> list[FieldView]:
    """Every field of `run` with its reviewed value, the engine's value and its review state."""
    engine = run.original or run.extraction
    current = run.extraction
    if engine is None or current is None:
        return []
    latest = run.review.latest() if run.review is not None else {}
    required = set(schema.get("required") or [])
    views = []
    for path in field_paths(schema, current.data):
        engine_value = get_path(engine.data, path)
        conf, reasons = _flags(path, engine_value, engine, required)
        done = latest.get(path)
        if done is not None:
            state = "corrected" if done.action == "correct" else "accepted"
        else:
            state = "needs_review" if reasons else "engine"
        ev = current.evidence.get(path)
        who = done.reviewer if done else ""
        views.append(
            FieldView(path, get_path(current.data, path), engine_value, state, conf, reasons, ev, who)
        )
    return views


def _risk(views: list[FieldView]) -> float:
    """More open flagged fields, and lower confidence, mean more risk."""
    risk = 0.0
    for v in views:
        if v.state == "needs_review":
            risk += 1.0 + (1.0 - (v.confidence if v.confidence is not None else 0.0))
    return round(risk, 3)


class Reviews:
    """Queue, accept and correct over one database (the `Service` exposes these)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._schemas: dict[str, dict[str, Any]] = {}

    def schema_of(self, run: RunRecord) -> dict[str, Any]:
        if run.schema_hash not in self._schemas:
            self._schemas[run.schema_hash] = self.db.get_schema(run.schema_hash) or {}
        return self._schemas[run.schema_hash]

    def run(self, run_id: int) -> RunRecord:
        run = self.db.get_run(run_id)
        if run is None:
            raise InputError(f"no run with id {run_id}")
        if run.extraction is None or run.status in ("running", "failed"):
            raise InputError(f"run {run_id} is {run.status}: there is no result to review")
        return run

    def fields(self, run: RunRecord) -> list[FieldView]:
        return field_views(run, self.schema_of(run))

    def queue(
        self, schema: str | None = None, batch: str | Path | None = None, limit: int = 0
    ) -> list[QueueItem]:
        """Runs waiting for review, riskiest first: status review, then partial, invalid, flagged ok."""
        members = batch_members(Path(batch)) if batch is not None else None
        runs = self.db.review_candidates(QUEUE_STATUSES, schema=schema, batch=members)  # filtered in SQL
        items = []
        for run in runs:
            engine_status = run.review.engine_status if run.review else run.status
            if run.extraction is None:
                continue
            views = self.fields(run)
            open_views = [v for v in views if v.state == "needs_review"]
            if engine_status == "ok" and not open_views:
                continue
            reasons = _reasons(run, open_views)
            item = QueueItem(
                run.id, run.file_name, run.schema_name or run.schema_hash[:12], engine_status, run.engine,
                _risk(views), len(open_views), len(views), run.review.version if run.review else 0,
                reasons, run.sha256,
            )  # fmt: skip
            items.append(item)
        items.sort(key=lambda i: (QUEUE_STATUSES.index(i.status), -i.risk, i.run_id))
        return items[:limit] if limit else items

    def correct(
        self,
        run_id: int,
        field_path: str,
        value: Any,
        reviewer: str,
        *,
        evidence: Evidence | None = None,
        version: int | None = None,
    ) -> Review:
        """Set one field to `value` (checked against the schema's type); the engine's value stays."""
        run = self.run(run_id)
        schema = self.schema_of(run)
        prop = schema_at(schema, field_path)
        if prop is None:
            raise InputError(f"run {run_id}: the schema has no field {field_path!r}")
        try:
            typed = coerce_value(prop, value)
        except InputError as e:
            raise InputError(f"{field_path}: {e}") from None
        old = get_path(run.extraction.data if run.extraction else {}, field_path)
        change = Correction(field_path, "correct", typed, evidence, old)
        return self._save(run, [change], reviewer, version)

    def accept(
        self, run_id: int, field_paths_: list[str] | None, reviewer: str, *, version: int | None = None
    ) -> Review:
        """Confirm fields as they are (all not yet confirmed when none are named)."""
        run = self.run(run_id)
        views = {v.path: v for v in self.fields(run)}
        if field_paths_:
            unknown = [p for p in field_paths_ if p not in views]
            if unknown:
                raise InputError(f"run {run_id} has no field {unknown[0]!r} (fields: {', '.join(views)})")
            chosen = list(dict.fromkeys(field_paths_))
        else:
            chosen = [p for p, v in views.items() if v.state in ("needs_review", "engine")]
        changes = [Correction(p, "accept", views[p].value, None, views[p].value) for p in chosen]
        if not changes:
            raise InputError(f"run {run_id}: every field is already reviewed")
        return self._save(run, changes, reviewer, version)

    def _save(self, run: RunRecord, changes: list[Correction], reviewer: str, version: int | None) -> Review:
        if not reviewer or not reviewer.strip():
            raise InputError("a reviewer name is needed")
        current = run.review.version if run.review else 0
        expected = current if version is None else int(version)
        done = set(run.review.latest()) if run.review else set()
        done |= {c.field_path for c in changes}
        paths = field_paths(self.schema_of(run), _data_after(run, changes))
        state = "reviewed" if all(p in done for p in paths) else "in_review"
        return self.db.save_corrections(run.id, expected, changes, reviewer.strip(), state)

    def annotate(self, runs: list[RunRecord]) -> list[RunRecord]:
        """Fill each run's `field_states` (for export columns)."""
        for run in runs:
            if run.extraction is not None and run.status != "failed":
                run.field_states = {v.path: v.state for v in self.fields(run)}
        return runs


def _data_after(run: RunRecord, changes: list[Correction]) -> dict[str, Any]:
    from docai.review_values import set_path

    data = dict(run.extraction.data if run.extraction else {})
    for c in changes:
        if c.action == "correct":
            data = set_path(data, c.field_path, c.new_value)
    return data


def _reasons(run: RunRecord, open_views: list[FieldView]) -> list[str]:
    """The verification stage's lines, then each open field's reasons that it did not already give."""
    engine = run.original or run.extraction
    lines = list(engine.review) if engine is not None else []
    for v in open_views:
        if v.reasons and not any(line.startswith(f"{v.path}:") for line in lines):
            lines.append(f"{v.path}: {'; '.join(v.reasons)}")
    return lines


def batch_members(path: Path) -> tuple[set[int], set[str]]:
    """(run ids, document sha256s) of a batch: its `--out` JSONL file, or the folder it ran over."""
    from docai.parsers import file_sha256

    if path.is_file():
        run_ids: set[int] = set()
        shas: set[str] = set()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise InputError(f"{path}:{n}: not a batch output line (JSON expected)") from None
            if isinstance(row, dict) and row.get("run_id") is not None:
                run_ids.add(int(row["run_id"]))
            if isinstance(row, dict) and row.get("sha256"):
                shas.add(str(row["sha256"]))
        return run_ids, shas
    if path.is_dir():
        from docai.batch_files import collect_files

        return set(), {file_sha256(p) for p in collect_files(path, None)}
    raise InputError(f"{path}: no such batch folder or batch output file")
