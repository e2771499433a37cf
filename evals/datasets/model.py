"""The in-memory model of an eval dataset: documents with field truth, questions, tables.

Its own module so that the loaders (`public`, `generic`, `funsd`, `tables`) import it without going
through the package `__init__`, which imports them back for its registry of loaders."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from docai.errors import InputError

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
