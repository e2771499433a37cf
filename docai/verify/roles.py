"""What a field is for (total, tax, quantity, issuer, due date, ...), read from the words of its path."""

from __future__ import annotations

import functools
import re

from docai.verify.fields import Leaf, split_name
from docai.verify.rivals import duration
from docai.verify.vocab import NOT_AMOUNT_WORDS, ROLE_WORDS

_INDEX = re.compile(r"\[\d+\]")


@functools.lru_cache(maxsize=4096)
def _generic(path: str) -> str:
    """`items[3].amount` -> `items[].amount` (cached: the stage asks for every leaf many times)."""
    return _INDEX.sub("[]", path)


def path_words(path: str) -> list[str]:
    """Words of every part of a path: `vendor.name` -> ['vendor', 'name']; indices dropped."""
    return list(_words(_generic(path)))


def path_word_set(path: str) -> frozenset[str]:
    """`path_words` as a set (cached per path: the checks and the field type ask for every leaf)."""
    return _word_set(_generic(path))


@functools.lru_cache(maxsize=4096)
def _word_set(path: str) -> frozenset[str]:
    return frozenset(_words(path))


@functools.lru_cache(maxsize=4096)
def _words(path: str) -> tuple[str, ...]:
    return tuple(w for part in path.replace("[]", "").split(".") for w in split_name(part))


def role_of(leaf: Leaf) -> str | None:
    """The one role of a leaf, or None. Line-item fields get quantity/unit_price/line_amount."""
    return role_for(leaf.path, leaf.kind)


@functools.lru_cache(maxsize=8192)
def role_for(path: str, kind: str) -> str | None:
    """`role_of` for a leaf at `path` holding a `kind` value: it depends on nothing else (cached: the
    checks ask for every leaf's role several times)."""
    return _role(_generic(path), kind)


@functools.lru_cache(maxsize=4096)
def _role(path: str, kind: str) -> str | None:
    words = set(_words(path))
    in_rows = "[" in path
    if kind == "number":
        if in_rows:
            for role in ("quantity", "unit_price", "line_amount"):
                if words & ROLE_WORDS[role] and not (role == "unit_price" and "total" in words):
                    return role
            return None
        if words & ROLE_WORDS["tax"] and not words & NOT_AMOUNT_WORDS:
            return "tax"
        if words & ROLE_WORDS["subtotal"] or {"sub", "total"} <= words:
            return "subtotal"
        if words & ROLE_WORDS["total"] and not words & NOT_AMOUNT_WORDS:
            return "total"
        if words & ROLE_WORDS["quantity"]:
            return "quantity"
        return None
    if kind == "date":
        if words & ROLE_WORDS["due_date"]:
            return "due_date"
        if words & ROLE_WORDS["issue_date"]:
            return "issue_date"
        return None
    if kind == "string" and not in_rows and not words & {"address", "phone", "email", "id", "number"}:
        for role in ("issuer", "recipient"):
            if words & ROLE_WORDS[role]:
                return role
        if words == {"issuer"} or words == {"from"}:
            return "issuer"
    return None


_ID_WORDS = {"number", "no", "nr", "id", "code", "ref", "reference", "iban", "account", "vat", "tin"}


def field_type(leaf: Leaf, role_kind: str) -> str:
    """The kind of field the confidence model has a model for: party, address, money, number, date,
    identifier, code (currency and other short codes), duration (a length of time) or text."""
    if role_kind in ("party", "address"):
        return role_kind
    if leaf.kind == "number":
        return "money" if leaf.is_money else "number"
    if leaf.kind == "date":
        return "date"
    words = path_word_set(leaf.path)
    value = str(leaf.value).strip()
    if duration(value) is not None:
        return "duration"
    if "currency" in words or (len(value) <= 3 and value.isalpha() and value.isascii()):
        return "code"
    if words & _ID_WORDS or (" " not in value and any(ch.isdigit() for ch in value)):
        return "identifier"
    return "text"
