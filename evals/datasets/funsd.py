"""FUNSD-style forms: `annotations/*.json` with `form: [{id, box, text, label, linking, words}]`.

Each linked question -> answer pair becomes a field named by the question's text; each document
carries its own schema of those fields. Images are looked up beside the annotations
(`../images/<stem>.png|jpg` or the same folder).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from docai.errors import InputError
from docai.evals.datasets.generic import read_json
from docai.evals.datasets.model import Dataset, DocTruth

_log = logging.getLogger(__name__)

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


def form_fields(form: list[dict[str, Any]]) -> dict[str, str | None]:
    """Question text -> linked answer text (answers joined by a space; None when unanswered)."""
    by_id = {e.get("id"): e for e in form}
    fields: dict[str, str | None] = {}
    for entity in form:
        if entity.get("label") != "question":
            continue
        key = " ".join(str(entity.get("text") or "").split()).rstrip(":").strip()
        if not key:
            continue
        answers = []
        for link in entity.get("linking") or []:
            other = link[1] if link and link[0] == entity.get("id") else (link[0] if link else None)
            target = by_id.get(other)
            if target is not None and target.get("label") == "answer":
                text = " ".join(str(target.get("text") or "").split())
                if text:
                    answers.append(text)
        name, n = key, 2
        while name in fields:
            name, n = f"{key} ({n})", n + 1
        fields[name] = " ".join(answers) or None
    return fields


def form_schema(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            k: {"type": ["string", "null"], "description": f"Value filled in for the form field '{k}'"}
            for k in fields
        },
    }


def _image_for(annotation: Path) -> Path | None:
    for folder in (annotation.parent.parent / "images", annotation.parent):
        for suffix in _IMAGE_SUFFIXES:
            p = folder / f"{annotation.stem}{suffix}"
            if p.is_file():
                return p
    return None


def load_funsd(root: Path) -> Dataset:
    """Every annotation JSON under `root` that has an image beside it."""
    ds = Dataset(name="funsd", root=root)
    annotations = sorted(p for p in root.rglob("*.json") if p.parent.name == "annotations")
    if not annotations:
        raise InputError(f"{root}: no annotations/*.json (FUNSD layout) found")
    for ann in annotations:
        image = _image_for(ann)
        if image is None:
            ds.notes.append(f"skipped {ann.name}: no image")
            continue
        data = read_json(ann)
        form = data.get("form") if isinstance(data, dict) else None
        if not isinstance(form, list):
            raise InputError(f'{ann}: no "form" list')
        fields = form_fields(form)
        ds.docs.append(
            DocTruth(doc=image, fields=fields, schema=form_schema(fields), id=str(ann.relative_to(root)))
        )
    return ds
