"""The evidence page as HTML: the page image, one box per field, labels in a gutter beside the page.

Labels never sit on the document: they live in a column to the right of the page, joined to their box
by a thin line. Hovering a box shows its field, value, confidence and checks. Every text that came
from a document or a model is escaped: gr.HTML does not sanitise.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docai.results import Check, Evidence, FieldReport
from docai.webui.tables import cell, field_paths, value_at

if TYPE_CHECKING:
    from PIL.Image import Image

NOMINAL_WIDTH_PX = 720.0  # the page's on-screen width at zoom 100%, used to space the labels
LABEL_HEIGHT_PX = 22.0


@dataclass(frozen=True)
class FieldMark:
    """One field as the viewer shows it: its value, where it came from and what the checks said."""

    field: str
    value: Any
    evidence: Evidence | None
    report: FieldReport | None

    @property
    def failed_checks(self) -> list[Check]:
        return self.report.failed_checks if self.report else []

    @property
    def confidence(self) -> float | None:
        if self.report and self.report.confidence is not None:
            return self.report.confidence
        return self.evidence.confidence if self.evidence else None

    @property
    def ungrounded(self) -> bool:
        return bool(self.report and self.report.grounded is False)

    @property
    def flag(self) -> str:
        """CSS class: `bad` for a failed check, `weak` for a value not found on the page, else ''."""
        if self.failed_checks:
            return "bad"
        return "weak" if self.ungrounded else ""

    @property
    def marker(self) -> str:
        return {"bad": "✗ ", "weak": "? "}.get(self.flag, "")


def field_marks(item: dict[str, Any] | None) -> list[FieldMark]:
    """The viewer item's fields in schema order (evidence-only and report-only keys after)."""
    if not item:
        return []
    evidence = {k: Evidence.from_dict(v) for k, v in (item.get("evidence") or {}).items()}
    reports = {k: FieldReport.from_dict(v) for k, v in (item.get("fields") or {}).items()}
    paths = field_paths(item.get("data"), item.get("evidence"))
    paths += [k for k in reports if k not in paths]
    return [FieldMark(p, value_at(item.get("data"), p), evidence.get(p), reports.get(p)) for p in paths]


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def shown_value(value: Any) -> str:
    """A value as the viewer shows it: '(none)' for null or an empty list."""
    return "(none)" if value in (None, "", []) else cell(value)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def image_data_url(image: Image) -> str:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def checks_html(checks: Sequence[Check]) -> str:
    if not checks:
        return ""
    rows = "".join(
        f"<li>{'✓' if c.passed else '✗'} {_e(c.name)}{': ' + _e(c.reason) if c.reason else ''}</li>"
        for c in checks
    )
    return f'<ul class="docai-checks">{rows}</ul>'


def tip_html(mark: FieldMark) -> str:
    """The hover card of one box (also the core of the details panel)."""
    value = shown_value(mark.value)
    grounded = (
        "" if not mark.report or mark.report.grounded is None else ("yes" if mark.report.grounded else "no")
    )
    parts = [
        f"<b>{_e(mark.field)}</b>",
        f"value: {_e(value)}",
        f"confidence: {percent(mark.confidence)}",
    ]
    if grounded:
        parts.append(f"found on the page: {grounded}")
    if mark.evidence and mark.evidence.text:
        parts.append(f"source text: {_e(mark.evidence.text)}")
    body = "<br>".join(parts)
    return body + checks_html(mark.report.checks if mark.report else [])


def label_positions(centres: Sequence[float], page_ratio: float) -> list[float]:
    """Vertical label positions (% of page height) near `centres`, never closer than one label apart."""
    gap = LABEL_HEIGHT_PX / (NOMINAL_WIDTH_PX * page_ratio) * 100.0
    order = sorted(range(len(centres)), key=lambda i: centres[i])
    placed = [0.0] * len(centres)
    last = -gap
    for i in order:
        last = max(centres[i], last + gap, gap / 2)
        placed[i] = last
    overflow = last - (100.0 - gap / 2)
    if overflow > 0:  # pushed past the bottom: slide the stack back up, keeping the spacing
        floor = 100.0 - gap / 2
        for i in reversed(order):
            placed[i] = min(placed[i], floor)
            floor = placed[i] - gap
    return placed


def _box_geometry(bbox: Sequence[float], size: tuple[float, float]) -> tuple[float, float, float, float]:
    w, h = size
    x0, x1 = sorted((bbox[0], bbox[2]))
    y0, y1 = sorted((bbox[1], bbox[3]))
    clamp = lambda v: min(max(v, 0.0), 100.0)  # noqa: E731
    return clamp(x0 / w * 100), clamp(y0 / h * 100), clamp(x1 / w * 100), clamp(y1 / h * 100)


def page_html(
    image: Image, page_size: tuple[float, float], marks: Sequence[FieldMark], selected: str | None, note: str
) -> str:
    """The page with a box per mark that has a bbox, labels in the gutter, and a zoom toolbar."""
    boxed = [m for m in marks if m.evidence and m.evidence.bbox]
    geoms = [_box_geometry(m.evidence.bbox, page_size) for m in boxed]  # type: ignore[union-attr,arg-type]
    labels = label_positions([(g[1] + g[3]) / 2 for g in geoms], page_size[1] / page_size[0])
    boxes, tags, lines = [], [], []
    for mark, (x0, y0, x1, y1), ly in zip(boxed, geoms, labels, strict=True):
        cls = " ".join(c for c in (mark.flag, "sel" if mark.field == selected else "") if c)
        side = ' style="left:auto;right:0"' if x0 > 55 else ""
        boxes.append(
            f'<div class="docai-box {cls}" data-field="{_e(mark.field)}" '
            f'style="left:{x0:.3f}%;top:{y0:.3f}%;'
            f'width:{max(x1 - x0, 0.4):.3f}%;height:{max(y1 - y0, 0.4):.3f}%">'
            f'<div class="docai-tip"{side}>{tip_html(mark)}</div></div>'
        )
        tags.append(
            f'<div class="docai-label {cls}" data-label="{_e(mark.field)}" style="top:{ly:.3f}%" '
            f'title="{_e(mark.field)}">{mark.marker}{_e(mark.field)}</div>'
        )
        lines.append(
            f'<line class="{cls}" x1="{x1:.3f}%" y1="{(y0 + y1) / 2:.3f}%" x2="100%" y2="{ly:.3f}%"/>'
        )
    toolbar = (
        '<div class="docai-toolbar"><button data-zoom="-0.25" title="Zoom out (-)">−</button>'
        '<span class="docai-zoom-level">100%</span><button data-zoom="0.25" title="Zoom in (+)">+</button>'
        '<button data-zoom="0" title="Fit (0)">Fit</button>'
        f"<span>{_e(note)}</span><span>· j / k: next / previous field · hover a box for details</span></div>"
    )
    return (
        f'{toolbar}<div class="docai-viewer-scroll" tabindex="0"><div class="docai-sheet">'
        f'<div class="docai-page"><img alt="{_e(note)}" src="{image_data_url(image)}">'
        f'<svg class="docai-leaders" preserveAspectRatio="none">{"".join(lines)}</svg>{"".join(boxes)}</div>'
        f'<div class="docai-gutter">{"".join(tags)}</div></div></div>'
    )


def details_html(marks: Sequence[FieldMark], selected: str | None) -> str:
    """The selected field in full, then every field with its value, confidence and any flag."""
    chosen = next((m for m in marks if m.field == selected), None)
    head = ""
    if chosen is not None:
        where = "no box recorded"
        if chosen.evidence and chosen.evidence.page_no:
            where = f"page {chosen.evidence.page_no}"
            if chosen.evidence.bbox:
                where += ", box (pt) " + ", ".join(f"{v:.1f}" for v in chosen.evidence.bbox)
        head = f'<div class="docai-panel" id="field-card">{tip_html(chosen)}<br>{_e(where)}</div>'
    rows = []
    for m in marks:
        sel = ' class="sel"' if m.field == selected else ""
        flag = f'<span class="docai-flag">{m.marker.strip()}</span>' if m.flag else ""
        value = shown_value(m.value)
        rows.append(
            f"<tr{sel}><td>{flag} {_e(m.field)}</td><td>{_e(value)}</td><td>{percent(m.confidence)}</td></tr>"
        )
    table = (
        '<div class="docai-fields-scroll"><table class="docai-fields">'
        "<tr><th>field</th><th>value</th><th>confidence</th></tr>" + "".join(rows) + "</table></div>"
    )
    return head + table
