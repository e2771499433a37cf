"""What the filling strategies read: each page's lines and label/value candidates, and the document's
day/month order, fiscal year and semantic matcher."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from docai import values
from docai.document import Document, Page
from docai.engines.base import ProgressCallback
from docai.engines.text import contracts, fiscal
from docai.engines.text.kv import Candidate, find_pairs
from docai.engines.text.layout import Line, page_lines
from docai.engines.text.matching import SemanticMatcher
from docai.results import Evidence

_log = logging.getLogger(__name__)


@dataclass
class PageView:
    page: Page
    lines: list[Line]
    pairs: list[Candidate]


@dataclass
class Filled:
    value: Any
    evidence: Evidence


@dataclass
class Context:
    views: list[PageView]
    dayfirst: bool | None
    semantic: SemanticMatcher | None
    notes: list[str] = field(default_factory=list)
    _text: contracts.Text | None = None
    year: int | None = None  # the fiscal year a multi-year table's column must be for
    year_lines: set[tuple[int, int]] = field(default_factory=set)  # (page, line) of rows with year columns

    def running_text(self) -> contracts.Text:
        """The document's words as running text (built once, for the sentence rules of agreements)."""
        if self._text is None:
            self._text = contracts.running_text([v.lines for v in self.views])
        return self._text

    def texts(self) -> list[str]:
        """Every segment's text, page by page."""
        return [s.text for v in self.views for ln in v.lines for s in ln.segments]


def page_view(page: Page) -> PageView:
    """A page's lines and its label/value candidates."""
    lines = page_lines(page)
    return PageView(page, lines, find_pairs(lines) + fiscal.year_pairs(lines))


def read_pages(document: Document, progress: ProgressCallback | None = None) -> list[PageView]:
    views: list[PageView] = []
    total = len(document.page_numbers)
    for i, page in enumerate(document.pages(), start=1):
        views.append(page_view(page))
        if progress is not None:
            progress(i, total)
    return views


def new_context(views: list[PageView], semantic: SemanticMatcher | None, field_texts: list[str]) -> Context:
    """The filling context of `views`: day/month order from their text, and the fields' and labels'
    embeddings computed in one batch when the semantic matcher is available."""
    texts = [s.text for v in views for ln in v.lines for s in ln.segments]
    ctx = Context(views, values.infer_dayfirst(texts), semantic)
    if semantic is not None and semantic.available:
        labels = {c.label for v in views for c in v.pairs if c.shape != "inline" and len(c.label) <= 60}
        semantic.encode(field_texts + sorted(labels))
    return ctx


def set_year(ctx: Context, schema: dict[str, Any]) -> None:
    """Which column of a multi-year table the fields want: the schema's year, else the document's."""
    dated = [c for v in ctx.views for c in v.pairs if c.year is not None]
    ctx.year_lines = {(c.page_no, c.line_index) for c in dated}
    ctx.year = fiscal.schema_year(schema) or fiscal.document_year(
        (v.page.text for v in ctx.views[:3]), (c.year for c in dated)
    )


def confidence(score: float, prior: float, ocr: float | None) -> float:
    """An engine confidence from a rule's score, the candidate's prior and the words' OCR confidence."""
    c = score * prior
    if ocr is not None:
        c *= 0.6 + 0.4 * max(0.0, min(1.0, ocr))
    return round(max(0.0, min(0.99, c)), 3)
