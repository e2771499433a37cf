"""The units that fill a field, each with `applies(plan)` and `fill(plan, ctx)`.

A strategy returns what it found (none, one or several values, best first); `order.py` lists which run,
in which order, for each role. A strategy that is `final` for a plan ends the list for it even when it
found nothing (an agreement's parties are read from sentences or not at all).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Protocol

from docai.engines.text import contracts, fiscal, heuristics
from docai.engines.text.fields import totals
from docai.engines.text.fields.candidates import ranked, value_box
from docai.engines.text.fields.context import Context, Filled, confidence
from docai.engines.text.fields.plan import FieldPlan, LayoutRule
from docai.engines.text.typing_rules import coerce
from docai.results import Evidence

_log = logging.getLogger(__name__)


class Strategy(Protocol):
    name: str

    def applies(self, plan: FieldPlan) -> bool: ...

    def final(self, plan: FieldPlan) -> bool: ...

    def fill(self, plan: FieldPlan, ctx: Context) -> list[Filled]: ...


class _Open:
    """Strategies after this one still run when it finds nothing."""

    def final(self, plan: FieldPlan) -> bool:
        return False


def _typed(
    plan: FieldPlan, found: heuristics.Found | contracts.Found, ctx: Context, ocr: float | None = None
) -> Filled | None:
    """`found` typed for the field, its confidence from the rule's quality (and the words' OCR)."""
    typed = coerce(plan.spec, found.value, ctx.dayfirst)
    if typed is None:
        return None
    ev = Evidence(found.page_no, found.bbox, found.value, confidence(found.quality, 1.0, ocr))
    return Filled(typed.value, ev)


class Sentences:
    """Agreement facts stated in sentences: parties, governing law, term, effective date."""

    name = "sentences"

    def applies(self, plan: FieldPlan) -> bool:
        return plan.sentence_rule is not None

    def final(self, plan: FieldPlan) -> bool:
        return plan.sentence_only

    def fill(self, plan: FieldPlan, ctx: Context) -> list[Filled]:
        if not ctx.views:
            return []
        text = ctx.running_text()
        rule = plan.sentence_rule
        if rule == "party":
            found = contracts.find_parties(text)
        else:
            one = {
                "law": contracts.find_governing_law,
                "term": contracts.find_term,
                "effective": lambda t: contracts.find_effective_date(t, ctx.dayfirst),
            }[rule or ""](text)
            found = [one] if one else []
        return [f for f in (_typed(plan, x, ctx) for x in found) if f is not None]


class ReceiptTotal(_Open):
    """The total as receipts print it (before any labelled candidate: see fields.totals)."""

    name = "receipt_total"

    def applies(self, plan: FieldPlan) -> bool:
        return totals.wants_receipt_total(plan)

    def fill(self, plan: FieldPlan, ctx: Context) -> list[Filled]:
        got = totals.receipt_total(plan, ctx)
        return [got] if got is not None else []


def _labelled(plan: FieldPlan, ctx: Context, distinct: bool) -> list[Filled]:
    out: list[Filled] = []
    seen: set[str] = set()
    for key, c, typed in ranked(plan, ctx):
        if distinct:
            k = str(typed.value).lower()
            if k in seen:
                continue
            seen.add(k)
        ev = Evidence(c.page_no, value_box(c, typed), typed.text, confidence(key, 1.0, c.conf))
        out.append(Filled(typed.value, ev))
        if not distinct:
            break
    return out


class BestLabel(_Open):
    """The best labelled candidate whose value parses for the field."""

    name = "best_label"

    def applies(self, plan: FieldPlan) -> bool:
        return True

    def fill(self, plan: FieldPlan, ctx: Context) -> list[Filled]:
        return _labelled(plan, ctx, distinct=False)


class EveryLabel(_Open):
    """An array of scalars: every distinct value with a labelled candidate, best first."""

    name = "every_label"

    def applies(self, plan: FieldPlan) -> bool:
        return True

    def fill(self, plan: FieldPlan, ctx: Context) -> list[Filled]:
        return _labelled(plan, ctx, distinct=True)


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def yuan_by_script(texts: list[str]) -> str | None:
    """CNY for a document written in simplified Chinese whose currency mark OCR lost (a '¥' read as 'Y',
    '人民币' as letters): mainland invoices are in yuan. Mostly-Chinese text only; a bilingual page
    with Latin text says its currency some other way or stays unknown."""
    text = "".join(texts)
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    return "CNY" if han >= 20 and han >= 2 * latin else None


class Layout(_Open):
    """An unlabelled field placed by where documents print it (one `LayoutRule` each)."""

    def __init__(self, rule: LayoutRule, find: Callable[[FieldPlan, Context], Filled | None]) -> None:
        self.rule = rule
        self.find = find
        self.name = f"layout_{rule}"

    def applies(self, plan: FieldPlan) -> bool:
        return plan.layout_rule == self.rule

    def fill(self, plan: FieldPlan, ctx: Context) -> list[Filled]:
        got = self.find(plan, ctx) if ctx.views else None
        return [got] if got is not None else []


def fiscal_year(plan: FieldPlan, ctx: Context) -> Filled | None:
    """The fiscal year the document reports on."""
    first = ctx.views[0]
    year = ctx.year or fiscal.document_year((v.page.text for v in ctx.views[:3]), [])
    return Filled(year, Evidence(first.page.page_no, None, str(year), 0.5)) if year else None


def currency(plan: FieldPlan, ctx: Context) -> Filled | None:
    """The currency the amounts are in, from symbols and codes, else from the script."""
    texts = ctx.texts()
    code = heuristics.document_currency(texts) or yuan_by_script(texts)
    return Filled(code, Evidence(ctx.views[0].page.page_no, None, code, 0.5)) if code else None


def issuer(plan: FieldPlan, ctx: Context) -> Filled | None:
    """The issuer's name at the top of page 1."""
    first = ctx.views[0]
    found = heuristics.find_company(first.lines, first.page.page_no, first.page.height)
    return _typed(plan, found, ctx, found.conf) if found else None


def address(plan: FieldPlan, ctx: Context) -> Filled | None:
    """The issuer's address under its name on page 1."""
    first = ctx.views[0]
    found = heuristics.find_address(first.lines, first.page.page_no, first.page.height)
    return _typed(plan, found, ctx, found.conf) if found else None


def first_date(plan: FieldPlan, ctx: Context) -> Filled | None:
    """The first date printed (documents put the issue date near the top)."""
    for v in ctx.views:
        found = heuristics.find_first_date(v.lines, v.page.page_no, ctx.dayfirst)
        if found:
            return _typed(plan, found, ctx, found.conf)
    return None
