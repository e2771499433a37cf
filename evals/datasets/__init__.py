"""Eval datasets: one in-memory model, a generic folder format, and loaders for public sets.

A dataset is documents with ground truth for one or more tasks: field extraction (`docs`),
questions with answer pages (`questions`), and tables (`tables`). Loaders only read what the user
points them at; nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from docai.errors import InputError

_log = logging.getLogger(__name__)

Scoring = Literal["fields", "kleister"]


@dataclass
class DocTruth:
    """One document's expected field values; `schema` overrides the dataset's (FUNSD forms).

    `scored` limits scoring to those fields (sets whose truth lists only what it knows, where an
    absent field means 'not annotated' rather than 'empty').
    """

    doc: Path
    fields: dict[str, Any]
    schema: dict[str, Any] | None = None
    id: str = ""
    scored: list[str] | None = None
    pages: dict[str, int] | None = None
    """Field -> 1-based page it is printed on, where known; scores the engine's evidence pages."""


@dataclass
class Question:
    """A question over one document; `pages` are 1-based; `numeric` asks for tolerance scoring."""

    doc: Path
    question: str
    answer: str
    pages: list[int] = field(default_factory=list)
    numeric: bool = False
    id: str = ""


@dataclass
class TableTruth:
    """One truth table: its page (1-based), box in top-left page points, and its cell grid."""

    doc: Path
    page_no: int
    bbox: tuple[float, float, float, float] | None
    cells: list[list[str]]
    id: str = ""


@dataclass
class Dataset:
    name: str
    root: Path
    schema: dict[str, Any] | None = None
    docs: list[DocTruth] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    tables: list[TableTruth] = field(default_factory=list)
    scoring: Scoring = "fields"
    notes: list[str] = field(default_factory=list)

    def limit(self, n: int | None) -> Dataset:
        """The first `n` documents (and the questions/tables over them)."""
        if not n:
            return self
        keep_docs = list(
            dict.fromkeys(
                [d.doc for d in self.docs] + [q.doc for q in self.questions] + [t.doc for t in self.tables]
            )
        )[:n]
        keep = set(keep_docs)
        return Dataset(
            name=self.name,
            root=self.root,
            schema=self.schema,
            docs=[d for d in self.docs if d.doc in keep],
            questions=[q for q in self.questions if q.doc in keep],
            tables=[t for t in self.tables if t.doc in keep],
            scoring=self.scoring,
            notes=list(self.notes),
        )

    def part(self, which: str | None) -> Dataset:
        """One half by CRC-32: questions by their id (else text), documents and tables by file name.

        `even` keeps crc32 % 2 == 0, `odd` the rest: the split that held-out declarations name.
        """
        if not which:
            return self
        if which not in ("even", "odd"):
            raise InputError(f"--part must be even or odd, not {which!r}")
        want = 0 if which == "even" else 1

        def keep(key: str) -> bool:
            return zlib.crc32(key.encode("utf-8")) % 2 == want

        return Dataset(
            name=self.name,
            root=self.root,
            schema=self.schema,
            docs=[d for d in self.docs if keep(d.doc.name)],
            questions=[q for q in self.questions if keep(q.id or q.question)],
            tables=[t for t in self.tables if keep(t.doc.name)],
            scoring=self.scoring,
            notes=[*self.notes, f"part {which}: crc32 % 2 == {want}"],
        )


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
