"""The text engine's arithmetic notes, from the verification stage's own sums (docai.verify.arithmetic).

Consistent numbers raise the fields' engine confidence, inconsistent ones lower it and add a note; the
verification stage later runs the same sums as named checks on every engine's output and decides the
status. Values are never changed here.
"""

from __future__ import annotations

import logging
from typing import Any

from docai.engines.text.typing_rules import FieldSpec
from docai.results import Evidence
from docai.verify.arithmetic import arithmetic_checks
from docai.verify.fields import leaves

_log = logging.getLogger(__name__)


def _adjust(evidence: dict[str, Evidence], paths: list[str], ok: bool) -> None:
    for p in paths:
        ev = evidence.get(p)
        if ev is None or ev.confidence is None:
            continue
        ev.confidence = round(
            min(0.99, ev.confidence + (1 - ev.confidence) * 0.5) if ok else ev.confidence * 0.6, 3
        )


def _schema_of(specs: list[FieldSpec]) -> dict[str, Any]:
    """A schema with the specs' number fields, so the sums see numbers as numbers."""
    props: dict[str, Any] = {}
    for s in specs:
        if "." in s.path or "[" in s.path:
            continue
        if s.kind == "table":
            props[s.name] = {"type": "array", "items": {"type": "object", "properties": _items(s)}}
        else:
            props[s.name] = s.schema
    return {"type": "object", "properties": props}


def _items(table: FieldSpec) -> dict[str, Any]:
    return {s.name: s.schema for s in table.items}


def cross_check(data: dict[str, Any], evidence: dict[str, Evidence], specs: list[FieldSpec]) -> list[str]:
    """Check the sums the schema makes possible; returns notes about inconsistencies."""
    notes: list[str] = []
    for paths, check in arithmetic_checks(leaves(data, _schema_of(specs))):
        _adjust(evidence, paths[:1] if check.name == "lines_sum" else paths, check.passed)
        if not check.passed:
            notes.append(check.reason)
    return notes
