"""Stored answers on the command line: `docai history --answers`, `docai show --answer ID` and
`docai export --answers`, each with the cited pages and the pages retrieved but not cited."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.cli.common import info, print_json
from docai.file_result import answer_fields

if TYPE_CHECKING:
    from docai.results import Citation
    from docai.storage.records import AnswerRecord


def _where(c: Citation, several: bool) -> str:
    return (f"{Path(c.document).name} " if c.document and several else "") + f"p. {c.page_no}"


def answer_json(rec: AnswerRecord) -> dict[str, Any]:
    """A stored answer in the shape `docai ask --json` prints, with its id, time and documents."""
    return {
        "answer_id": rec.id,
        "created_at": rec.created_at.isoformat(),
        **answer_fields(rec.answer),
        "files": list(rec.file_names),
        "sha256s": list(rec.sha256s),
        "duration_s": rec.duration_s,
    }


def print_answer(rec: AnswerRecord) -> None:
    """The answer, one line per citation, then the pages retrieved but not cited."""
    a, out = rec.answer, sys.stdout
    several = len(rec.file_names) > 1
    when = rec.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    out.write(f"answer {rec.id}: {', '.join(rec.file_names)}  asked: {when}  engine: {a.engine}\n")
    out.write(f"question: {a.question}\n")
    out.write(a.text.strip() + ("\n" if a.found else "  (not found)\n"))
    for c in a.citations:
        out.write(f"  [{_where(c, several)}] {' '.join(c.text.split())[:100]}\n")
    if a.also_retrieved:
        shown = ", ".join(_where(c, several) for c in a.also_retrieved)
        out.write(f"  also retrieved (not cited): {shown}\n")
    if a.reasoning:
        out.write("reasoning:\n" + a.reasoning.strip() + "\n")


def print_answer_list(records: list[AnswerRecord], as_json: bool) -> None:
    if as_json:
        print_json([answer_json(r) for r in records])
        return
    if not records:
        info("no answers found")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "asked", "files", "question", "answer", "cited", "also retrieved")
    for r in records:
        several = len(r.file_names) > 1
        table.add_row(
            str(r.id),
            r.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            ", ".join(r.file_names),
            r.question,
            r.text if r.found else f"({r.text or 'not found'})",
            ", ".join(_where(c, several) for c in r.answer.citations),
            ", ".join(_where(c, several) for c in r.answer.also_retrieved),
        )
    Console(soft_wrap=False).print(table)
