"""Agreement with a second reading (`--verify-with text`): the same field from another engine."""

from __future__ import annotations

from typing import Any

from docai.results import Check, Extraction
from docai.verify.fields import Leaf, get_path
from docai.verify.pageindex import normalize


def same_value(a: Any, b: Any, kind: str) -> bool:
    if kind == "number":
        try:
            return abs(float(a) - float(b)) <= 0.005 + abs(float(b)) * 1e-9
        except (TypeError, ValueError):
            return False
    if kind == "date":
        return str(a)[:10] == str(b)[:10]
    na, nb = normalize(str(a)), normalize(str(b))
    return bool(na) and (na == nb or (min(len(na), len(nb)) >= 8 and (na in nb or nb in na)))


def agreement_check(leaf: Leaf, reference: Extraction | None) -> Check | None:
    """Passed when the reference reads the same value, failed with both values when it reads another;
    None when there is no reference or it found nothing for this field."""
    if reference is None or reference.status in ("failed", "invalid"):
        return None
    other = get_path(reference.data, leaf.path)
    if other is None or other == "" or isinstance(other, dict | list):
        return None
    name = f"agrees_with_{reference.engine or 'reference'}"
    if same_value(leaf.value, other, leaf.kind):
        return Check(name, True)
    return Check(name, False, f"{leaf.value!r} here, {other!r} by the {reference.engine or 'other'} engine")
