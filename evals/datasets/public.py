"""Loaders for the public sets in ../shared/evaldata: SROIE, invoice2data, Kleister-NDA, FinanceBench.

Each reads the folder's `gt.jsonl` (see that folder's README) and maps it onto the Dataset model
with a schema from `schemas/`.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from docai.errors import InputError
from docai.evals.datasets.generic import DOC_SUFFIXES, read_jsonl
from docai.evals.datasets.model import Dataset, DocTruth, Question
from docai.evals.normalize import parse_number

_log = logging.getLogger(__name__)

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


def bundled_schema(name: str) -> dict[str, Any]:
    """A schema shipped with the loaders (`sroie`, `invoice2data`, `kleister-nda`)."""
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _gt(root: Path) -> list[dict[str, Any]]:
    path = root / "gt.jsonl"
    if not path.is_file():
        raise InputError(f"{root}: no gt.jsonl here")
    return read_jsonl(path)


def _doc(root: Path, rec: dict[str, Any], ds: Dataset) -> Path | None:
    rel = rec.get("doc")
    p = root / str(rel)
    if not rel or not p.is_file():
        ds.notes.append(f"skipped {rel}: file missing")
        return None
    if p.suffix.lower() not in DOC_SUFFIXES:
        ds.notes.append(f"skipped {rel}: not a PDF or image")
        return None
    return p


def load_sroie(root: Path) -> Dataset:
    """Receipts with company/date/address/total, values as printed (compared after normalization)."""
    ds = Dataset(name="sroie", root=root, schema=bundled_schema("sroie"))
    for rec in _gt(root):
        doc = _doc(root, rec, ds)
        if doc is not None:
            ds.docs.append(DocTruth(doc=doc, fields=dict(rec.get("fields") or {}), id=rec["doc"]))
    return ds


def load_invoice2data(root: Path) -> Dataset:
    """Vendor invoices; fields of the bundled schema that each record lists are scored.

    Upstream truth holds what its templates extract, so a field missing from a record is unknown,
    not empty; line items are left out (their shape varies too much upstream).
    """
    schema = bundled_schema("invoice2data")
    keys = set(schema["properties"])
    ds = Dataset(name="invoice2data", root=root, schema=schema)
    for rec in _gt(root):
        doc = _doc(root, rec, ds)
        if doc is None:
            continue
        fields = {k: v for k, v in (rec.get("fields") or {}).items() if k in keys}
        ds.docs.append(DocTruth(doc=doc, fields=fields, id=rec["doc"], scored=sorted(fields)))
    return ds


def load_kleister_nda(root: Path) -> Dataset:
    """NDAs scored as F1 over key=value pairs (Kleister's measure); truth keeps every listed value."""
    ds = Dataset(name="kleister-nda", root=root, schema=bundled_schema("kleister-nda"), scoring="kleister")
    for rec in _gt(root):
        doc = _doc(root, rec, ds)
        if doc is None:
            continue
        expected = rec.get("expected") or {}
        fields: dict[str, Any] = {}
        for key in ds.schema["properties"]:  # type: ignore[index]
            values = expected.get(key) or []
            fields[key] = (
                list(values) if key == "party" else (values if len(values) > 1 else (values or [None])[0])
            )
        ds.docs.append(DocTruth(doc=doc, fields=fields, id=rec["doc"]))
    return ds


_NUMERIC_ANSWER = re.compile(r"^\s*[-(]?\s*[$€£]?\s*[\d,]+(\.\d+)?\s*%?\s*\)?\s*(million|billion)?\s*$", re.I)


def load_financebench(root: Path) -> Dataset:
    """Questions over filings; evidence pages converted from FinanceBench's 0-based to docai's 1-based."""
    ds = Dataset(name="financebench", root=root)
    for rec in _gt(root):
        doc = _doc(root, rec, ds)
        if doc is None:
            continue
        answer = str(rec.get("answer") or "")
        numeric = bool(_NUMERIC_ANSWER.match(answer)) and parse_number(answer.replace("%", "")) is not None
        pages = [int(p) + 1 for p in rec.get("evidence_pages_0based") or []]
        ds.questions.append(
            Question(doc, str(rec.get("question") or ""), answer, pages, numeric, str(rec.get("id") or ""))
        )
    return ds
