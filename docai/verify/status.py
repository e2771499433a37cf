"""The status that tells the truth, and the lines that say why a person must look."""

from __future__ import annotations

from docai.results import FieldReport, Status


def decide(
    engine_status: Status,
    missing: list[str],
    fields: dict[str, FieldReport],
    min_confidence: float,
    filled_any: bool,
) -> tuple[Status, list[str]]:
    """(status, review lines). `invalid`/`failed` stay; `partial` only for missing required fields."""
    review: list[str] = [f"{p}: required but not found" for p in missing]
    for path, rep in fields.items():
        for c in rep.failed_checks:
            review.append(f"{path}: check {c.name} failed: {c.reason}" if c.reason else f"{path}: {c.name}")
        if rep.grounded is False:
            review.append(f"{path}: ungrounded (the value is not printed on the page)")
        if rep.confidence is not None and rep.confidence < min_confidence:
            review.append(f"{path}: confidence {rep.confidence:.2f} is below {min_confidence:.2f}")
    if not filled_any and not missing:
        review.append("no field was found in the document")
    if engine_status in ("invalid", "failed"):
        return engine_status, review
    if missing:
        return "partial", review
    return ("review" if review else "ok"), review
