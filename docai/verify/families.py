"""Families of checks, for capping the confidence of a field that failed one (docai.verify.confidence).

A failed check is evidence against a value, but the development parts hold too few fields that fail a
given check to learn a weight per check name, so the caps are fitted per family (evals/calibrate.py);
a few signals that are evidence against a value in the same way get a cap of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from docai.results import Check

FAMILIES = ("name", "arithmetic", "sanity", "agreement", "schema")
"""name: is this a party's name (not a label, title, address, the other party); arithmetic: sums and
products; sanity: dates, identifiers, tax rates, amounts inside identifiers; agreement: a second
reading disagrees; schema: the JSON Schema's own constraints."""

_BY_NAME = {
    "is_a_name": "name",
    "not_the_recipient": "name",
    "issuer_not_recipient": "name",
    "sum_of_parts": "arithmetic",
    "quantity_x_price": "arithmetic",
    "lines_sum": "arithmetic",
    "plausible_date": "sanity",
    "due_after_issue": "sanity",
    "identifier_shape": "sanity",
    "not_in_identifier": "sanity",
    "plausible_tax_rate": "sanity",
}


def family(check_name: str) -> str:
    """The family of a check by its name; any check not listed is one of the schema's."""
    if check_name.startswith("agrees_with"):
        return "agreement"
    return _BY_NAME.get(check_name, "schema")


def failed_families(checks: Iterable[Check]) -> frozenset[str]:
    """The families of the checks that failed."""
    return frozenset(family(c.name) for c in checks if not c.passed)


CAPPED_SIGNALS = ("rivals",)
"""Signals that cap a confidence as a failed check does, though no check failed: `rivals` (the page
prints another date or length of time, docai.verify.rivals). A value picked among rivals is right less
often than the only one (an agreement's effective date beside its signature date), but weighed in the
logistic models the signal also lifts the dates without rivals, and an agreement's fields are not
independent (BENCHMARKS.md, Verification, fourth round); as a cap it only ever lowers."""


def capped(p: float, f: dict[str, float], caps: dict[str, float]) -> float:
    """`p` held at or below the cap of every family whose check failed in recorded features `f`, and of
    every CAPPED_SIGNALS signal `f` holds."""
    limits = [caps[name] for name in FAMILIES if f.get(f"failed_{name}") and name in caps]
    limits += [caps[name] for name in CAPPED_SIGNALS if f.get(name) and name in caps]
    return min([p, *limits])
