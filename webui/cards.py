"""Compact per-file result cards: status with its reasons, the key fields, and how sure docai is.

A file in `review` shows why at a glance; a failed one says what went wrong and what to do about it.
All text is escaped (gr.HTML does not sanitise).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from docai.webui.common import what_to_do
from docai.webui.page_html import FieldMark, field_marks, percent
from docai.webui.tables import cell

KEY_FIELDS = 9
SHOWN_REASONS = 4
STATUS_WORDS = {
    "ok": "ok",
    "review": "needs review",
    "partial": "partial",
    "invalid": "invalid",
    "failed": "failed",
    "reviewed": "reviewed",
}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def status_badge(status: str) -> str:
    word = STATUS_WORDS.get(status, status)
    return f'<span class="docai-badge docai-{_e(status)}" data-status="{_e(status)}">{_e(word)}</span>'


def reasons(item: dict[str, Any], marks: Sequence[FieldMark]) -> list[str]:
    """Why this file is not simply ok, one line each: review lines, errors, failed checks, gaps."""
    out = [str(r) for r in item.get("review") or []]
    if item.get("error"):
        out.append(str(item["error"]))
    for m in marks:
        for c in m.failed_checks:
            line = f"{m.field}: {c.name}" + (f": {c.reason}" if c.reason else "")
            if not any(line in r or (c.reason and c.reason in r) for r in out):
                out.append(line)
        if m.ungrounded and not any(m.field in r for r in out):
            out.append(f"{m.field}: value not found on the page")
    data = item.get("data") or {}
    if item.get("status") == "partial":
        missing = [k for k, v in data.items() if v in (None, "", [])]
        if missing:
            out.append("not found in the document: " + ", ".join(missing))
    return sorted(out, key=_severity)


def _severity(line: str) -> int:
    """Failed checks and errors first, then values not on the page, then low confidence and the rest."""
    low = line.lower()
    if "failed" in low or "error" in low:
        return 0
    if "ungrounded" in low or "not found" in low or "not printed" in low:
        return 1
    return 2


def key_fields(
    item: dict[str, Any], marks: Sequence[FieldMark]
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(name, value, flag) for the found top-level fields (line items as a count), at most KEY_FIELDS;
    and the names of the fields not found."""
    by_field = {m.field: m for m in marks}
    found: list[tuple[str, str, str]] = []
    missing: list[str] = []
    for key, value in (item.get("data") or {}).items():
        if value in (None, "", []):
            missing.append(key)
            continue
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            shown = f"{len(value)} item(s)"
        else:
            shown = cell(value)
        mark = by_field.get(key)
        found.append((key, shown, mark.marker.strip() if mark else ""))
    return found[:KEY_FIELDS], missing


def confidence_line(marks: Sequence[FieldMark]) -> str:
    known = [(m.confidence, m.field) for m in marks if m.confidence is not None]
    if not known:
        return "confidence: not given by this engine"
    low, name = min(known)
    mean = sum(c for c, _ in known) / len(known)
    return f"confidence: lowest {percent(low)} ({name}), mean {percent(mean)} over {len(known)} field(s)"


def card_html(item: dict[str, Any]) -> str:
    marks = field_marks(item)
    status = str(item.get("status") or "failed")
    meta = []
    if item.get("duration_s") is not None:
        meta.append(f"{float(item['duration_s']):.2f} s")
    if item.get("cached"):
        meta.append("from cache")
    if item.get("run_id") is not None:
        meta.append(f"run {item['run_id']}")
    head = (
        f'<h4><span class="docai-file">{_e(item.get("name") or "document")}</span>{status_badge(status)}'
        f'<span class="docai-meta">{_e(" · ".join(meta))}</span></h4>'
    )
    why = reasons(item, marks)
    body = ""
    if why:
        shown, rest = why[:SHOWN_REASONS], why[SHOWN_REASONS:]
        body += '<ul class="docai-reasons">' + "".join(f"<li>{_e(r)}</li>" for r in shown) + "</ul>"
        if rest:
            more = "".join(f"<li>{_e(r)}</li>" for r in rest)
            body += (
                f'<details><summary>{len(rest)} more</summary><ul class="docai-reasons">{more}</ul></details>'
            )

    if status == "failed":
        body += f'<div class="docai-todo">What to do: {_e(what_to_do(item.get("error") or ""))}</div>'
        return f'<div class="docai-card" data-file="{_e(item.get("name"))}">{head}{body}</div>'
    fields, missing = key_fields(item, marks)
    if fields:
        cells = "".join(
            f'<div><span class="k">{_e(k)}</span><span class="v">'
            f"{f'<span class=docai-flag>{_e(f)}</span> ' if f else ''}{_e(v)}</span></div>"
            for k, v, f in fields
        )
        body += f'<div class="docai-kv">{cells}</div>'
    else:
        body += '<div class="docai-todo">Nothing found for this schema.</div>'
    if missing and fields:
        body += f'<div class="docai-meta">not found: {_e(", ".join(missing))}</div>'
    body += f'<div class="docai-meta docai-confidence">{_e(confidence_line(marks))}</div>'
    return f'<div class="docai-card" data-file="{_e(item.get("name"))}">{head}{body}</div>'


def refused_html(refused: Sequence[str]) -> str:
    """One alert per distinct next step, listing every refused file or zip entry it applies to."""
    groups: dict[str, list[str]] = {}
    for r in refused:
        groups.setdefault(what_to_do(r), []).append(r)
    parts = []
    for advice, lines in groups.items():
        items = "".join(f"<li>{_e(line)}</li>" for line in lines)
        parts.append(
            f'<div class="docai-error" role="alert"><b>Not processed ({len(lines)}):</b>'
            f'<ul class="docai-reasons">{items}</ul>What to do: {_e(advice)}</div>'
        )
    return "".join(parts)


def cards_html(items: Sequence[dict[str, Any]] | None, refused: Sequence[str] = ()) -> str:
    """All cards, refused uploads first (they never reached the engine)."""
    if not items and not refused:
        return ""  # the first screen's introduction stands in until there is a result
    return (
        '<div class="docai-cards">'
        + refused_html(refused)
        + "".join(card_html(it) for it in items or [])
        + "</div>"
    )


FIELD_HEADERS = ["file", "field", "value", "confidence", "flag", "checks"]


def check_summary(checks: Sequence[Any]) -> str:
    """Failed checks in full, passed ones as a count: '✗ sum: off by 1; ✓ 2 passed'."""
    failed = [f"✗ {c.name}" + (f": {c.reason}" if c.reason else "") for c in checks if not c.passed]
    passed = sum(1 for c in checks if c.passed)
    return "; ".join([*failed, *([f"✓ {passed} passed"] if passed else [])])


def field_rows(items: Sequence[dict[str, Any]] | None) -> list[list[str]]:
    """Every field of every file as one row (long form: it fits any schema without side scrolling)."""
    rows = []
    for item in items or []:
        for m in field_marks(item):
            flag = {"bad": "failed check", "weak": "not found on page"}.get(m.flag, "")
            checks = check_summary(m.report.checks if m.report else [])
            value = cell(m.value) if m.value not in (None, []) else ""
            rows.append([str(item.get("name")), m.field, value, percent(m.confidence), flag, checks])
    return rows
