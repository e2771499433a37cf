"""The `reviewed` dataset: documents a person reviewed, with the values they confirmed as the truth.

Every review makes the next measurement better: `docai eval reviewed --schema NAME` runs any engine
over these documents and scores it against what people accepted or corrected. The database keeps
documents by hash, not their bytes, so each file is looked for in the web app's upload store and in
the folders given (matched by SHA-256, so a renamed or moved file is still found).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from docai.errors import InputError
from docai.evals.datasets.model import Dataset, DocTruth

if TYPE_CHECKING:
    from docai.storage import Database

_log = logging.getLogger(__name__)


def _index(folders: Iterable[Path], wanted: set[str]) -> dict[str, Path]:
    """sha256 -> file for the wanted hashes: the upload store first, then every document in `folders`."""
    from docai.batch_files import collect_files
    from docai.parsers import file_sha256
    from docai.storage.connection import data_dir

    found: dict[str, Path] = {}
    uploads = data_dir() / "uploads"
    for sha in wanted:
        for candidate in sorted(uploads.glob(f"{sha}.*")) if uploads.is_dir() else []:
            if not candidate.name.endswith(".part"):
                found[sha] = candidate
                break
    for folder in folders:
        for path in collect_files(folder, None):
            if len(found) == len(wanted):
                return found
            sha = file_sha256(path)
            if sha in wanted and sha not in found:
                found[sha] = path
    return found


def load_reviewed(db: Database, schema: str, folders: Iterable[Path] = ()) -> Dataset:
    """The reviewed runs of `schema` (each document's latest) as a dataset; InputError if there is none."""
    runs = [r for r in db.runs_for_schema(schema) if r.status == "reviewed" and r.extraction]
    if not runs:
        raise InputError(f"no reviewed results for schema {schema!r} (review some with `docai review`)")
    schema_json = db.get_schema(runs[0].schema_hash) or {}
    files = _index([Path(f) for f in folders], {r.sha256 for r in runs})
    ds = Dataset(name=f"reviewed:{schema}", root=Path("."), schema=schema_json)
    missing = []
    for run in runs:
        path = files.get(run.sha256)
        if path is None:
            missing.append(run.file_name)
            continue
        own = db.get_schema(run.schema_hash) if run.schema_hash != runs[0].schema_hash else None
        truth = run.extraction.data if run.extraction else {}
        ds.docs.append(DocTruth(doc=path, fields=dict(truth), schema=own, id=f"{run.file_name}#run{run.id}"))
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        ds.notes.append(f"{len(missing)} reviewed document(s) not found here (give --data FOLDER): {shown}")
    if not ds.docs:
        raise InputError(
            f"none of the {len(runs)} reviewed documents is here: give --data FOLDER with the files"
        )
    _log.info("reviewed dataset %s: %d documents, %d missing", schema, len(ds.docs), len(missing))
    return ds
