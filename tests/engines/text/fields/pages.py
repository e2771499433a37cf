"""Pages built in memory for the field-strategy tests: words with boxes, no PDF, no OCR.

Each line is (baseline y, [(x, text), ...]); every word is 6 points per character wide and 10 high,
so the layout code groups them into lines and segments the way it does a text layer."""

from __future__ import annotations

from typing import Any

from docai.document import Page, Word
from docai.engines.text.fields.context import Context, new_context, page_view, set_year
from docai.engines.text.fields.plan import FieldPlan, plan_field
from docai.engines.text.typing_rules import fields_from_schema

PageLine = tuple[float, list[tuple[float, str]]]


def page(lines: list[PageLine], page_no: int = 1, source: str = "layer") -> Page:
    words: list[Word] = []
    for y, pieces in lines:
        for x, text in pieces:
            at = x
            for token in text.split():
                w = 6.0 * len(token)
                words.append(Word(token, (at, y - 10, at + w, y)))
                at += w + 4.0
    return Page(page_no, 595, 842, 0, words, source, renderer=lambda dpi: None)  # type: ignore[arg-type]


def context(pages: list[Page], schema: dict[str, Any] | None = None) -> Context:
    """The filling context of `pages`, lexical matching only (no embedding model)."""
    ctx = new_context([page_view(p) for p in pages], None, [])
    set_year(ctx, schema or {})
    return ctx


def plan_of(schema: dict[str, Any], path: str) -> FieldPlan:
    return next(plan_field(s) for s in fields_from_schema(schema) if s.path == path)


def props(**kinds: Any) -> dict[str, Any]:
    """A schema of top-level properties: name -> JSON type or a full property schema."""
    return {
        "type": "object",
        "properties": {k: v if isinstance(v, dict) else {"type": v} for k, v in kinds.items()},
    }
