"""The document total, decided here: the receipt's total (receipts.find_total), the printed sum of the
labelled subtotal and tax when the picked total disagrees, and the labels of totals rows under a table."""

from __future__ import annotations

import logging
from typing import Any

from docai.engines.text import receipts
from docai.engines.text.arithmetic import is_sum_of, money_sum
from docai.engines.text.fields.context import Context, Filled, confidence
from docai.engines.text.fields.paths import get_path, set_path
from docai.engines.text.fields.plan import FieldPlan
from docai.engines.text.layout import tidy_cjk
from docai.engines.text.matching import concept_score, tokens
from docai.engines.text.typing_rules import coerce
from docai.engines.text.vocab import SUMMARY_WORDS
from docai.results import Evidence

_log = logging.getLogger(__name__)

SUMMARY_CONCEPTS = ("total", "subtotal", "tax")


def wants_receipt_total(plan: FieldPlan) -> bool:
    """An amount field the total's labels name: receipts print it the way `receipts.find_total` reads."""
    return plan.kind in ("number", "money_text") and plan.is_total


def receipt_total(plan: FieldPlan, ctx: Context) -> Filled | None:
    """A document total picked the way receipts print it (see receipts.find_total), last page first."""
    for v in reversed(ctx.views):
        found = receipts.find_total(v.lines)
        if found is not None:
            typed = coerce(plan.spec, found.value, ctx.dayfirst)
            if typed is not None:
                ev = Evidence(found.page_no, found.bbox, found.value, confidence(found.quality, 1.0, None))
                return Filled(typed.value, ev)
    return None


def _first_number(plans: list[FieldPlan], concept: str) -> FieldPlan | None:
    return next((p for p in plans if p.kind == "number" and p.primary == concept), None)


def total_from_parts(
    data: dict[str, Any], evidence: dict[str, Evidence], plans: list[FieldPlan], ctx: Context
) -> None:
    """The total as subtotal + tax where the one picked disagrees (or none was) and that sum is printed.

    On a scan the total's label is the word OCR most often garbles (a large bold '合计' read as 'Bi'),
    and the fallback then picks some other amount; the printed sum of the two labelled parts is the
    total the invoice states.
    """
    total, sub, tax = (_first_number(plans, c) for c in SUMMARY_CONCEPTS)
    if total is None or sub is None or tax is None:
        return
    a, b, got = get_path(data, sub.spec.path), get_path(data, tax.spec.path), get_path(data, total.spec.path)
    if not isinstance(a, int | float) or not isinstance(b, int | float) or a <= 0:
        return
    if isinstance(got, int | float) and is_sum_of(got, [a, b]):
        return
    want = money_sum([a, b])
    for v in reversed(ctx.views):
        for ln in reversed(v.lines):
            for seg in reversed(ln.segments):
                typed = coerce(total.spec, seg.text, ctx.dayfirst)
                if (
                    typed is not None
                    and isinstance(typed.value, int | float)
                    and is_sum_of(typed.value, [want])
                ):
                    set_path(data, total.spec.path, typed.value)
                    evidence[total.spec.path] = Evidence(v.page.page_no, seg.bbox, typed.text, 0.6)
                    ctx.notes.append(
                        f"{total.spec.path}: the printed sum of {sub.spec.path} and {tax.spec.path}"
                    )
                    return


def summary_label(text: str) -> bool:
    """'Subtotal', 'Net Amount:', 'Tax 10%', '合计': the label of a totals row, in any language known."""
    text = tidy_cjk(text)
    if set(tokens(text)) & SUMMARY_WORDS:
        return True
    return max(concept_score(c, text.strip(" :：")) for c in SUMMARY_CONCEPTS) >= 0.85


def summary_row(row: list[str], mapping: dict[str, int]) -> bool:
    """'Subtotal', 'Total', 'Tax' rows under the items belong to the document's totals, not to the items."""
    first = next((c for c in row if c.strip()), "")
    return (
        bool(set(tokens(tidy_cjk(first))) & SUMMARY_WORDS)
        and sum(1 for c in mapping.values() if row[c].strip()) <= 2
    )
