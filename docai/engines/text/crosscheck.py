"""Arithmetic checks between filled fields: subtotal + tax = total, qty x unit price = amount, sum of lines.

Consistent numbers raise the fields' confidence; inconsistent ones lower it and add a note. Values are
never changed here.
"""

from __future__ import annotations

import logging
from typing import Any

from docai import values
from docai.engines.text.matching import field_concepts
from docai.engines.text.typing_rules import FieldSpec
from docai.results import Evidence

_log = logging.getLogger(__name__)

TOLERANCE = 0.011


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | float):
        return float(v)
    return values.parse_number(str(v))


def _get(data: dict[str, Any], path: str) -> Any:
    d: Any = data
    for p in path.split("."):
        d = d.get(p) if isinstance(d, dict) else None
    return d


def _by_concept(specs: list[FieldSpec], concept: str) -> FieldSpec | None:
    for s in specs:
        if s.kind in ("number", "integer", "money_text") and concept in field_concepts(s):
            return s
    return None


def _adjust(evidence: dict[str, Evidence], paths: list[str], ok: bool) -> None:
    for p in paths:
        ev = evidence.get(p)
        if ev is None or ev.confidence is None:
            continue
        ev.confidence = round(
            min(0.99, ev.confidence + (1 - ev.confidence) * 0.5) if ok else ev.confidence * 0.6, 3
        )


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(TOLERANCE, abs(b) * 0.001)


def cross_check(data: dict[str, Any], evidence: dict[str, Evidence], specs: list[FieldSpec]) -> list[str]:
    """Check the sums the schema makes possible; returns notes about inconsistencies."""
    notes: list[str] = []
    scalar = [s for s in specs if not s.is_array]
    total_s = _by_concept(scalar, "total")
    sub_s = _by_concept([s for s in scalar if s is not total_s], "subtotal")
    tax_s = _by_concept([s for s in scalar if s not in (total_s, sub_s)], "tax")
    total = _num(_get(data, total_s.path)) if total_s else None
    sub = _num(_get(data, sub_s.path)) if sub_s else None
    tax = _num(_get(data, tax_s.path)) if tax_s else None
    if total is not None and sub is not None and tax is not None and total_s and sub_s and tax_s:
        ok = _close(sub + tax, total)
        _adjust(evidence, [total_s.path, sub_s.path, tax_s.path], ok)
        if not ok:
            notes.append(f"{sub_s.path} + {tax_s.path} = {sub + tax:.2f} but {total_s.path} = {total:.2f}")
    for table in (s for s in specs if s.kind == "table"):
        rows = _get(data, table.path) or []
        qty_s = _by_concept(table.items, "quantity")
        price_s = _by_concept([s for s in table.items if s is not qty_s], "unit_price")
        amount_s = _by_concept([s for s in table.items if s not in (qty_s, price_s)], "amount")
        line_sum = 0.0
        all_amounts = bool(rows) and amount_s is not None
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            q = _num(row.get(qty_s.name)) if qty_s else None
            p = _num(row.get(price_s.name)) if price_s else None
            a = _num(row.get(amount_s.name)) if amount_s else None
            if a is None:
                all_amounts = False
            else:
                line_sum += a
            if q is not None and p is not None and a is not None and qty_s and price_s and amount_s:
                ok = _close(q * p, a)
                paths = [f"{table.path}[{i}].{s.name}" for s in (qty_s, price_s, amount_s)]
                _adjust(evidence, paths, ok)
                if not ok:
                    notes.append(f"{table.path}[{i}]: {q:g} x {p:g} = {q * p:.2f}, not {a:.2f}")
        target_s = sub_s if sub is not None else total_s if (total is not None and tax is None) else None
        target = sub if sub is not None else total if tax is None else None
        if all_amounts and target is not None and target_s is not None:
            ok = _close(line_sum, target)
            _adjust(evidence, [target_s.path], ok)
            if not ok:
                notes.append(f"line amounts sum to {line_sum:.2f} but {target_s.path} = {target:.2f}")
    return notes
