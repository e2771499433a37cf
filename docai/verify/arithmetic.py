"""Sums the schema makes checkable: subtotal + tax = total, qty x unit price = amount, lines = subtotal.

Each returns (paths involved, Check). Values are never changed here. Tolerance: a cent (a unit price
rounded to cents, times the quantity, for a line).
"""

from __future__ import annotations

import re

from docai.results import Check
from docai.verify.fields import Leaf
from docai.verify.roles import role_of

TOLERANCE = 0.011

Result = tuple[list[str], Check]
_ROW_FIELD = re.compile(r"^(.*)\[(\d+)\]\.[^.\[\]]+$")  # 'items[3].amount': table 'items', row 3


def close(a: float, b: float, slack: float = TOLERANCE) -> bool:
    """Equal within `slack` (a cent by default: printed parts are rounded to cents)."""
    return abs(a - b) <= slack


def arithmetic_checks(leaves: list[Leaf]) -> list[Result]:
    """Every sum that the filled fields allow, passed or failed."""
    roles: dict[str, Leaf] = {}
    rows: dict[str, dict[int, dict[str, Leaf]]] = {}
    for leaf in leaves:
        role = role_of(leaf)
        if role is None or not isinstance(leaf.value, int | float) or isinstance(leaf.value, bool):
            continue
        m = _ROW_FIELD.match(leaf.path)
        if m:
            rows.setdefault(m.group(1), {}).setdefault(int(m.group(2)), {}).setdefault(role, leaf)
        elif role not in roles:
            roles[role] = leaf
    out: list[Result] = []
    total, sub, tax = roles.get("total"), roles.get("subtotal"), roles.get("tax")
    if total and sub and tax:
        want = float(sub.value) + float(tax.value)
        ok = close(want, float(total.value))
        reason = "" if ok else f"{sub.path} + {tax.path} = {want:.2f} but {total.path} = {total.value:.2f}"
        out.append(([total.path, sub.path, tax.path], Check("sum_of_parts", ok, reason)))
    for table, by_row in rows.items():
        out += _row_checks(table, by_row)
        out += _lines_sum(table, by_row, sub, total, tax)
    return out


def _row_checks(table: str, by_row: dict[int, dict[str, Leaf]]) -> list[Result]:
    out: list[Result] = []
    for i, row in sorted(by_row.items()):
        q, p, a = row.get("quantity"), row.get("unit_price"), row.get("line_amount")
        if not (q and p and a):
            continue
        want = float(q.value) * float(p.value)
        ok = close(want, float(a.value), max(TOLERANCE, 0.005 * abs(float(q.value))))  # price rounded
        reason = "" if ok else f"{table}[{i}]: {q.value:g} x {p.value:g} = {want:.2f}, not {a.value:.2f}"
        out.append(([q.path, p.path, a.path], Check("quantity_x_price", ok, reason)))
    return out


def _lines_sum(
    table: str, by_row: dict[int, dict[str, Leaf]], sub: Leaf | None, total: Leaf | None, tax: Leaf | None
) -> list[Result]:
    amounts = [row.get("line_amount") for _, row in sorted(by_row.items())]
    if not amounts or any(a is None for a in amounts):
        return []
    target = sub or (total if tax is None else None)
    if target is None:
        return []
    got = sum(float(a.value) for a in amounts if a is not None)
    ok = close(got, float(target.value), TOLERANCE * max(1, len(amounts) // 2))
    if not ok and target is total and total is not None:
        return []  # a total may hold tax or charges no field names; only a subtotal must equal the lines
    reason = "" if ok else f"line amounts of {table} sum to {got:.2f} but {target.path} = {target.value:.2f}"
    paths = [target.path] + [a.path for a in amounts if a is not None]
    return [(paths, Check("lines_sum", ok, reason))]
