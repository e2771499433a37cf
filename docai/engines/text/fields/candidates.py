"""Labelled candidates for a field, ranked: the label names the field and the value parses for its type."""

from __future__ import annotations

import logging
import re

from docai import values
from docai.document import BBox
from docai.engines.text import heuristics
from docai.engines.text.fields.context import Context
from docai.engines.text.fields.plan import FieldPlan
from docai.engines.text.kv import Candidate
from docai.engines.text.label_score import MIN_SCORE, match_score
from docai.engines.text.layout import union
from docai.engines.text.matching import concept_score, is_label_text, lexical_score
from docai.engines.text.typing_rules import Typed, coerce

_log = logging.getLogger(__name__)

Ranked = tuple[float, Candidate, Typed]


def ranked(plan: FieldPlan, ctx: Context) -> list[Ranked]:
    """Candidates whose label names the field and whose value parses, best first."""
    spec = plan.spec
    out: list[Ranked] = []
    for v in ctx.views:
        n = max(1, len(v.lines))
        for c in v.pairs:
            score = match_score(spec, c.label, c.shape, ctx)
            if score < MIN_SCORE or not _acceptable(plan, c):
                continue
            bonus = 0.0
            if c.year is not None:
                if c.year != ctx.year or lexical_score(spec, c.label) < MIN_SCORE:
                    continue  # another year's figure, or a row only loosely like the field
                bonus = 0.3  # the fiscal year's own column beats an undated figure ('Revenue by quarter')
            elif (c.page_no, c.line_index) in ctx.year_lines:
                continue  # the same row read without its column's year
            typed = coerce(spec, c.value, ctx.dayfirst)
            if typed is None or typed.value in (None, ""):
                continue
            key = score * c.prior + bonus
            # equal labels: totals are printed last, everything else first
            pos = c.line_index / n
            key += 0.001 * (pos if plan.is_total else 1.0 - pos) - 0.0001 * (v.page.page_no - 1)
            out.append((key, c, typed))
    out.sort(key=lambda t: -t[0])
    return out


def _acceptable(plan: FieldPlan, c: Candidate) -> bool:
    """The party and name rules of the plan: a rival's label or a title is no candidate for it."""
    if plan.party and not party_pair(plan, c):
        return False
    # a title ('Account Statement') or 'Company Reg. No. 725186-V' is not a name
    return not plan.names_issuer or (not heuristics.is_noise(c.value) and heuristics.could_be_name(c.value))


def party_pair(plan: FieldPlan, c: Candidate) -> bool:
    """A vendor/customer candidate: the label must not name the other party ('Bill To' is never the
    vendor) and the value must read as a name, not a label, a date or a bare reference number."""
    assert plan.party is not None and plan.rival is not None
    if concept_score(plan.rival, c.label) > max(0.8, concept_score(plan.party, c.label)):
        return False
    value = c.value.strip()
    if is_label_text(value) or split_label(value):
        return False
    if values.parse_date(value) is not None:
        return False
    letters = sum(ch.isalpha() for ch in value)
    return letters >= 2 and not (" " not in value and any(ch.isdigit() for ch in value))


def split_label(value: str) -> bool:
    """'Invoice No.: 123' as a value: a labelled pair of its own."""
    head = re.split(r"[:：]", value, maxsplit=1)
    return len(head) == 2 and bool(head[1].strip()) and is_label_text(head[0])


def value_box(c: Candidate, typed: Typed) -> BBox:
    """The box of the words the value came from (a number inside 'RM 9.00' points at '9.00')."""
    words = [w for w in c.value_words if w.text and (w.text in typed.text or typed.text in w.text)]
    return union(w.bbox for w in (words or list(c.value_words))) if (words or c.value_words) else c.bbox
