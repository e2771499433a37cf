"""A field's plan, computed once per schema field: what it stands for and which rules may fill it.

Every decision the strategies make about a field (is it the document total, which party must a label not
name, is it stated only in sentences, may a layout rule guess it) reads this plan instead of recomputing
the field's concepts at each step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from docai.engines.text import contracts
from docai.engines.text.matching import RIVALS, SYNONYMS, field_concepts
from docai.engines.text.typing_rules import FieldSpec

_log = logging.getLogger(__name__)

Role = Literal["table", "list", "scalar"]
LayoutRule = Literal["year", "currency", "issuer", "address", "first_date"]

_VENDOR_WORDS = frozenset(
    {"company", "vendor", "issuer", "merchant", "seller", "store", "shop", "supplier", "business"}
)
_NOT_A_NAME = frozenset({"address", "phone", "email", "number", "id", "code"})
_OTHER_PARTY = frozenset(
    {"customer", "billing", "shipping", "client", "buyer"}
)  # an address not the issuer's
_NOT_ISSUE_DATE = frozenset({"due", "expiry", "expiration", "birth", "start", "end"})
_NOT_FISCAL_YEAR = frozenset({"founded", "birth", "established"})
SENTENCE_ONLY = ("party", "law", "term")  # stated in sentences: a 'label' for them in prose is noise


@dataclass(frozen=True)
class FieldPlan:
    """What one schema field is, for the strategies that fill it."""

    spec: FieldSpec
    role: Role
    concepts: tuple[str, ...]
    party: str | None  # 'vendor' or 'customer' for a string naming one party of the document
    rival: str | None  # the other party: a label naming it is never this field's
    names_issuer: bool  # the document's issuer by name (vendor, merchant, bank name)
    sentence_rule: str | None  # the agreement rule that reads it from sentences (contracts.contract_field)
    sentence_only: bool
    layout_rule: LayoutRule | None  # the rule that may place it without a label
    locales: tuple[str, ...]  # languages whose label tables name one of its concepts

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def primary(self) -> str | None:
        """The concept the field's own name says first ('total' for 'total', 'tax' for 'tax_amount')."""
        return self.concepts[0] if self.concepts else None

    @property
    def is_total(self) -> bool:
        """Any field the total's labels name (the document total, a line's 'total' column too)."""
        return "total" in self.concepts

    def describe(self) -> str:
        """One line for the debug log."""
        return (
            f"{self.spec.path}: {self.role} {self.kind} concepts={list(self.concepts)} party={self.party} "
            f"sentence={self.sentence_rule} layout={self.layout_rule} locales={list(self.locales)}"
        )


def names_issuer(spec: FieldSpec) -> bool:
    """A field naming the document's issuer: vendor, merchant, company, bank name."""
    words = set(spec.words)
    parent = set((spec.parent or "").lower().split("_"))
    issuer = _VENDOR_WORDS | {"bank"}
    named = bool(words & _VENDOR_WORDS) or (bool((parent | words) & issuer) and "name" in words)
    return named and not words & _NOT_A_NAME


def _layout_rule(spec: FieldSpec) -> LayoutRule | None:
    words = set(spec.words)
    parent = set((spec.parent or "").lower().split("_"))
    if spec.kind == "integer" and "year" in words and not words & _NOT_FISCAL_YEAR:
        return "year"
    if spec.kind == "currency":
        return "currency"
    if spec.kind == "string" and names_issuer(spec):
        return "issuer"
    if spec.kind == "string" and "address" in words and not (words | parent) & _OTHER_PARTY:
        return "address"
    if spec.kind in ("date", "datetime") and not words & _NOT_ISSUE_DATE:
        return "first_date"
    return None


def _role(spec: FieldSpec) -> Role:
    if spec.kind == "table":
        return "table"
    return "list" if spec.is_array else "scalar"


def plan_field(spec: FieldSpec) -> FieldPlan:
    """The plan of one field (pure: the same spec always gets the same plan)."""
    concepts = field_concepts(spec)
    party = next((c for c in concepts if c in RIVALS), None) if spec.kind == "string" else None
    rule = contracts.contract_field(spec.words, spec.kind)
    locales = tuple(lang for lang, table in SYNONYMS.items() if any(c in table for c in concepts))
    plan = FieldPlan(
        spec=spec,
        role=_role(spec),
        concepts=concepts,
        party=party,
        rival=RIVALS[party] if party else None,
        names_issuer=spec.kind == "string" and names_issuer(spec),
        sentence_rule=rule,
        sentence_only=rule in SENTENCE_ONLY,
        layout_rule=_layout_rule(spec),
        locales=locales,
    )
    _log.debug("plan %s", plan.describe())
    return plan
