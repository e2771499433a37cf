"""Which strategies fill a field, in which order, per role (the order is data, as marker lists its
processors). The first strategy that applies and finds something wins; a `final` one ends the list."""

from __future__ import annotations

import logging

from docai.engines.text.fields import strategies as s
from docai.engines.text.fields.context import Context, Filled
from docai.engines.text.fields.plan import FieldPlan

_log = logging.getLogger(__name__)

LAYOUT: tuple[s.Strategy, ...] = (
    s.Layout("year", s.fiscal_year),
    s.Layout("currency", s.currency),
    s.Layout("issuer", s.issuer),
    s.Layout("address", s.address),
    s.Layout("first_date", s.first_date),
)
SCALAR: tuple[s.Strategy, ...] = (s.Sentences(), s.ReceiptTotal(), s.BestLabel(), *LAYOUT)
LIST: tuple[s.Strategy, ...] = (s.Sentences(), s.EveryLabel())
ORDER: dict[str, tuple[s.Strategy, ...]] = {"scalar": SCALAR, "list": LIST}


def run(plan: FieldPlan, ctx: Context, order: tuple[s.Strategy, ...] | None = None) -> list[Filled]:
    """What the first strategy that applies to `plan` and finds something found (in its role's order)."""
    for strategy in order if order is not None else ORDER[plan.role]:
        if not strategy.applies(plan):
            continue
        found = strategy.fill(plan, ctx)
        if found:
            _log.debug("%s: filled by %s", plan.spec.path, strategy.name)
            return found
        if strategy.final(plan):
            break
    return []
