"""Seeded synthetic documents with exact ground truth, written as a generic eval dataset folder.

    python -m docai.evals.synth --kind invoice --n 20 --out DIR --seed 1 [--scanned]

Kinds: invoice, receipt, bank_statement, annual_report, form. Born-digital PDFs are drawn with
PyMuPDF; `--scanned` turns each into an image-only PDF (or a PNG for one-page docs) that looks scanned.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any

from docai.errors import InputError

_log = logging.getLogger(__name__)

KINDS = ("invoice", "receipt", "bank_statement", "annual_report", "form")
_SCHEMA_NAMES = {
    "invoice": "invoice",
    "receipt": "receipt",
    "bank_statement": "bank_statement",
    "annual_report": "financial_report",
}
_FIXED_DATE = (2026, 1, 1, 0, 0, 0)


def infer_schema(fields: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema describing `fields` by their Python types (ISO date strings get format date)."""
    from docai.evals.normalize import parse_date

    def one(value: Any) -> dict[str, Any]:
        if isinstance(value, bool):
            return {"type": ["boolean", "null"]}
        if isinstance(value, int):
            return {"type": ["integer", "null"]}
        if isinstance(value, float):
            return {"type": ["number", "null"]}
        if isinstance(value, list):
            return {"type": "array", "items": one(value[0]) if value else {"type": "string"}}
        if isinstance(value, dict):
            return {"type": "object", "properties": {k: one(x) for k, x in value.items()}}
        if isinstance(value, str) and len(value) == 10 and parse_date(value) == value:
            return {"type": ["string", "null"], "format": "date"}
        return {"type": ["string", "null"]}

    return {"type": "object", "properties": {k: one(x) for k, x in fields.items()}}


def schema_for(kind: str, sample_fields: dict[str, Any]) -> dict[str, Any]:
    """docai's bundled example schema for the kind when it names every generated field, else inferred."""
    name = _SCHEMA_NAMES.get(kind)
    if name:
        try:
            import docai.schema as schema_pkg

            path = Path(schema_pkg.__file__).parent / "examples" / f"{name}.json"
            schema = json.loads(path.read_text(encoding="utf-8"))
            if set(sample_fields) <= set(schema.get("properties") or {}):
                return schema
        except (ImportError, OSError, ValueError):
            pass
    schema = infer_schema(sample_fields)
    schema["title"] = kind
    return schema


def build(kind: str, rng: random.Random, *, zh: bool = False) -> tuple[Any, Any]:
    """(open PyMuPDF document, Sample) for one document of `kind`."""
    import pymupdf

    from docai.evals.synth import invoices, reports

    doc = pymupdf.open()
    size = rng.choice([(595, 842), (612, 792)])

    def new_page() -> Any:
        return doc.new_page(width=size[0], height=size[1])

    if kind == "invoice":
        sample = invoices.draw_invoice(new_page(), rng, zh=zh)
    elif kind == "receipt":
        sample = invoices.draw_receipt(doc.new_page(width=226, height=rng.randint(420, 520)), rng, zh=zh)
    elif kind == "bank_statement":
        sample = reports.draw_statement(new_page, rng)
    elif kind == "annual_report":
        sample = reports.draw_annual_report(new_page, rng)
    elif kind == "form":
        sample = reports.draw_form(new_page, rng)
    else:
        raise InputError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    doc.set_metadata(
        {"producer": "docai synth", "creationDate": "D:20260101000000", "modDate": "D:20260101000000"}
    )
    return doc, sample


def generate(
    kind: str,
    n: int,
    out: str | Path,
    *,
    seed: int = 1,
    scanned: bool = False,
    zh_ratio: float = 0.2,
) -> Path:
    """Write `n` documents of `kind` plus schema.json, gt.jsonl and qa.jsonl into `out`.

    Each gt.jsonl record also carries `pages` (field -> 1-based page it is printed on, for scoring
    evidence), `shown` (field -> the string printed) and `layout`, so tests and users can check that
    the truth is really on the page.
    """
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    if n < 1:
        raise InputError("--n must be at least 1")
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{kind}:{seed}")
    schema: dict[str, Any] | None = None
    gt_lines, qa_lines = [], []
    for i in range(n):
        zh = kind in ("invoice", "receipt") and rng.random() < zh_ratio
        doc, sample = build(kind, rng, zh=zh)
        name = f"{kind}_{i:03d}.pdf"
        path = root / name
        if scanned:
            from docai.evals.synth.scan import scan_pdf

            path = scan_pdf(doc, path, rng, as_png=rng.random() < 0.5)
        else:
            doc.save(path, garbage=3, deflate=True, no_new_id=True)
        doc.close()
        schema = schema or schema_for(kind, sample.fields)
        pages = {k: sample.pages.get(k, 1) for k in sample.fields}
        rec = {
            "doc": path.name,
            "fields": sample.fields,
            "pages": pages,
            "shown": sample.shown,
            "layout": sample.layout,
            "lang": sample.lang,
            "scanned": scanned,
        }
        gt_lines.append(json.dumps(rec, ensure_ascii=False))
        for q in sample.questions:
            qa_lines.append(json.dumps({"doc": path.name, **q}, ensure_ascii=False))
    (root / "schema.json").write_text(
        json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (root / "gt.jsonl").write_text("\n".join(gt_lines) + "\n", encoding="utf-8")
    (root / "qa.jsonl").write_text("\n".join(qa_lines) + "\n", encoding="utf-8")
    _log.info("wrote %d %s documents to %s", n, kind, root)
    return root
