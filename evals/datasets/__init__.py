"""Eval datasets: one in-memory model, a generic folder format, and loaders for public sets.

A dataset is documents with ground truth for one or more tasks: field extraction (`docs`),
questions with answer pages (`questions`), and tables (`tables`). Loaders only read what the user
points them at; nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from docai.errors import InputError
from docai.evals.datasets.model import (  # noqa: F401 (re-exported)
    Dataset,
    DocTruth,
    Question,
    Scoring,
    TableTruth,
)

_log = logging.getLogger(__name__)

Loader = Callable[[Path], Dataset]


def _loaders() -> dict[str, Loader]:
    from docai.evals.datasets import funsd, generic, public, tables

    return {
        "sroie": public.load_sroie,
        "invoice2data": public.load_invoice2data,
        "kleister-nda": public.load_kleister_nda,
        "financebench": public.load_financebench,
        "icdar2013-tables": tables.load_icdar2013,
        "funsd": funsd.load_funsd,
        "generic": generic.load_generic,
    }


DATASET_NAMES = ("sroie", "invoice2data", "kleister-nda", "financebench", "icdar2013-tables", "funsd")
ALIASES = {"kleister": "kleister-nda", "icdar2013": "icdar2013-tables", "tables": "icdar2013-tables"}


def default_data_path(name: str) -> Path:
    """`$DOCAI_EVALDATA/NAME` if set, else `../shared/evaldata/NAME` from the current directory."""
    base = os.environ.get("DOCAI_EVALDATA")
    root = Path(base) if base else Path.cwd().parent / "shared" / "evaldata"
    return root / name


def load_dataset(name_or_path: str, data: str | Path | None = None) -> Dataset:
    """A named public dataset (reading `data` or its default path) or a generic-format folder."""
    name = ALIASES.get(name_or_path.lower(), name_or_path.lower())
    loaders = _loaders()
    if name in loaders and name != "generic":
        path = Path(data) if data else default_data_path(name)
        if not path.is_dir():
            raise InputError(
                f"{name}: no data at {path} (give --data PATH; `docai eval fetch {name}` says where)"
            )
        return loaders[name](path)
    path = Path(data) if data and name == "generic" else Path(name_or_path)
    if path.is_dir():
        return loaders["generic"](path)
    known = ", ".join(DATASET_NAMES)
    raise InputError(f"unknown dataset {name_or_path!r}: not a folder and not one of {known}")
