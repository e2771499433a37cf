"""Fill a JSON Schema from a document's words: one plan per field, then its role's strategies in order.

The best candidate whose value parses for the field's type wins; a field with no such candidate stays
null. Plans are in `fields.plan`, the strategies and their order in `fields.strategies` and
`fields.order`, the document total in `fields.totals`, line items in `line_items`.
"""

from __future__ import annotations

import logging
from typing import Any

from docai.document import Document
from docai.engines.base import ProgressCallback
from docai.engines.text.crosscheck import cross_check
from docai.engines.text.fields import order
from docai.engines.text.fields.candidates import Ranked
from docai.engines.text.fields.candidates import ranked as _ranked
from docai.engines.text.fields.context import (  # noqa: F401 (the QA modules read pages through these)
    Context,
    Filled,
    PageView,
    new_context,
    page_view,
    read_pages,
    set_year,
)
from docai.engines.text.fields.paths import get_path, set_path
from docai.engines.text.fields.plan import FieldPlan, plan_field
from docai.engines.text.fields.totals import total_from_parts
from docai.engines.text.label_score import INLINE_MIN_LEX, MIN_SCORE, match_score  # noqa: F401 (re-exported)
from docai.engines.text.line_items import fill_items
from docai.engines.text.matching import SemanticMatcher
from docai.engines.text.typing_rules import FieldSpec, fields_from_schema
from docai.results import Evidence, Extraction

_log = logging.getLogger(__name__)


def extract(
    document: Document,
    schema: dict[str, Any],
    semantic: SemanticMatcher | None,
    progress: ProgressCallback | None = None,
) -> Extraction:
    specs = fields_from_schema(schema)
    plans = [plan_field(s) for s in specs]
    ctx = new_context(read_pages(document, progress), semantic, [s.text() for s in specs])
    set_year(ctx, schema)
    if semantic is not None and not semantic.available:
        ctx.notes.append("semantic matching unavailable (embedding model not installed): lexical labels only")
    data: dict[str, Any] = {}
    evidence: dict[str, Evidence] = {}
    for plan in plans:
        fill_field(plan, ctx, data, evidence)
    total_from_parts(data, evidence, plans, ctx)
    ctx.notes.extend(cross_check(data, evidence, specs))
    missing = [s.path for s in specs if s.required and get_path(data, s.path) in (None, [])]
    status = "ok" if not missing else "partial"
    notes = list(ctx.notes)
    if missing:
        notes.append("not found: " + ", ".join(missing))
    return Extraction(data=data, status=status, evidence=evidence, notes=notes, engine="text")


def fill_field(plan: FieldPlan, ctx: Context, data: dict[str, Any], evidence: dict[str, Evidence]) -> None:
    """Fill one field by its role: a table's rows, an array's values, or one value."""
    path = plan.spec.path
    if plan.role == "table":
        rows, row_evidence = fill_items(plan.spec, ctx)
        set_path(data, path, rows)
        evidence.update(row_evidence)
        return
    found = order.run(plan, ctx)
    if plan.role == "list":
        set_path(data, path, [f.value for f in found])
        for i, f in enumerate(found):
            evidence[f"{path}[{i}]"] = f.evidence
        return
    set_path(data, path, found[0].value if found else None)
    if found:
        evidence[path] = found[0].evidence


def fill_scalar(spec: FieldSpec, ctx: Context) -> Filled | None:
    """One value for `spec` (its scalar strategies in order), or None."""
    found = order.run(plan_field(spec), ctx, order.SCALAR)
    return found[0] if found else None


def fill_list(spec: FieldSpec, ctx: Context) -> list[Filled]:
    """Every distinct value for an array of scalars."""
    return order.run(plan_field(spec), ctx, order.LIST)


def ranked(spec: FieldSpec, ctx: Context) -> list[Ranked]:
    """Candidates whose label names the field and whose value parses, best first."""
    return _ranked(plan_field(spec), ctx)
