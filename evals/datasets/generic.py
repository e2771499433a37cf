"""The generic dataset folder: documents + `schema.json` + `gt.jsonl` (or per-document JSON) + `qa.jsonl`.

DIR/schema.json                      JSON Schema of the fields
DIR/gt.jsonl                         {"doc": "relpath", "fields": {...}} per line
DIR/<doc>.json                       or: fields beside each document (same stem)
DIR/qa.jsonl                         optional {"doc", "question", "answer", "pages": [1-based]}
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from docai.errors import InputError
from docai.evals.datasets.model import Dataset, DocTruth, Question
from docai.evals.normalize import parse_number

_log = logging.getLogger(__name__)

DOC_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a JSON Lines file; InputError naming the line for a broken one."""
    out: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{n}: not valid JSON ({e.msg})") from None
        if not isinstance(rec, dict):
            raise InputError(f"{path}:{n}: each line must be a JSON object")
        out.append(rec)
    return out


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})") from None


def _doc_path(root: Path, rel: Any, where: str) -> Path:
    if not isinstance(rel, str) or not rel:
        raise InputError(f'{where}: missing "doc"')
    p = root / rel
    if not p.is_file():
        raise InputError(f"{where}: document {rel} not found under {root}")
    return p


def load_generic(root: Path) -> Dataset:
    """Read a generic-format folder; InputError when it holds no ground truth."""
    root = Path(root)
    schema_path = root / "schema.json"
    schema = read_json(schema_path) if schema_path.is_file() else None
    if schema is not None and not isinstance(schema, dict):
        raise InputError(f"{schema_path}: a JSON Schema must be an object")
    ds = Dataset(name=root.name, root=root, schema=schema)
    gt = root / "gt.jsonl"
    if gt.is_file():
        for n, rec in enumerate(read_jsonl(gt), 1):
            fields = rec.get("fields")
            if not isinstance(fields, dict):
                raise InputError(f'{gt}:{n}: "fields" must be an object')
            doc = _doc_path(root, rec.get("doc"), f"{gt}:{n}")
            pages = rec.get("pages")
            pages = {str(k): int(x) for k, x in pages.items()} if isinstance(pages, dict) else None
            ds.docs.append(DocTruth(doc=doc, fields=fields, id=str(rec.get("id") or rec["doc"]), pages=pages))
    else:
        for doc in sorted(p for p in root.rglob("*") if p.suffix.lower() in DOC_SUFFIXES):
            side = doc.with_suffix(".json")
            if side.is_file() and side.name != "schema.json":
                fields = read_json(side)
                if isinstance(fields, dict):
                    fields = fields.get("fields", fields)
                    ds.docs.append(DocTruth(doc=doc, fields=fields, id=str(doc.relative_to(root))))
    qa = root / "qa.jsonl"
    if qa.is_file():
        for n, rec in enumerate(read_jsonl(qa), 1):
            doc = _doc_path(root, rec.get("doc"), f"{qa}:{n}")
            question, answer = rec.get("question"), rec.get("answer")
            if not isinstance(question, str) or answer is None:
                raise InputError(f'{qa}:{n}: needs "question" and "answer"')
            pages = [int(p) for p in rec.get("pages") or []]
            numeric = bool(rec.get("numeric", parse_number(str(answer)) is not None))
            ds.questions.append(
                Question(doc, question, str(answer), pages, numeric, str(rec.get("id") or f"q{n}"))
            )
    if not ds.docs and not ds.questions:
        raise InputError(f"{root}: no gt.jsonl, qa.jsonl or per-document JSON ground truth found")
    return ds


def write_generic(
    root: Path,
    schema: dict[str, Any] | None,
    docs: list[tuple[str, dict[str, Any]]],
    questions: list[dict[str, Any]] | None = None,
) -> None:
    """Write schema.json, gt.jsonl and qa.jsonl (documents are already in `root`)."""
    root.mkdir(parents=True, exist_ok=True)
    if schema is not None:
        (root / "schema.json").write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
    with (root / "gt.jsonl").open("w", encoding="utf-8") as f:
        for rel, fields in docs:
            f.write(json.dumps({"doc": rel, "fields": fields}, ensure_ascii=False) + "\n")
    if questions:
        with (root / "qa.jsonl").open("w", encoding="utf-8") as f:
            for q in questions:
                f.write(json.dumps(q, ensure_ascii=False) + "\n")
