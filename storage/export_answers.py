"""Export stored answers as a table: one row per answer with its cited pages and the pages retrieval
ranked high but that were not cited (`also_retrieved`), in the formats runs export to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.errors import InputError, StorageError
from docai.storage.records import AnswerRecord

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
COLUMNS = [
    "answer_id", "created_at", "files", "question", "answer", "found", "cited_pages",
    "also_retrieved_pages", "citations", "also_retrieved", "engine", "model",
]  # fmt: skip


def _pages(citations: list[Any], several: bool) -> str:
    """`p. 2; p. 5` (with the file name when the answer was over several files)."""
    return "; ".join(
        (f"{Path(c.document).name} " if c.document and several else "") + f"p. {c.page_no}" for c in citations
    )


def answer_row(rec: AnswerRecord) -> dict[str, Any]:
    a = rec.answer
    several = len(rec.file_names) > 1
    return {
        "answer_id": rec.id,
        "created_at": rec.created_at.isoformat(),
        "files": "; ".join(rec.file_names),
        "question": a.question,
        "answer": a.text,
        "found": a.found,
        "cited_pages": _pages(a.citations, several),
        "also_retrieved_pages": _pages(a.also_retrieved, several),
        "citations": json.dumps([c.to_dict() for c in a.citations], ensure_ascii=False),
        "also_retrieved": json.dumps([c.to_dict() for c in a.also_retrieved], ensure_ascii=False),
        "engine": a.engine,
        "model": a.model,
    }


def answers_frame(records: list[AnswerRecord]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([answer_row(r) for r in records], columns=COLUMNS)


def export_answers(records: list[AnswerRecord], fmt: str, path: Path) -> list[Path]:
    """Write the answers to `path` in `fmt`; returns the files written (one)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    frame = answers_frame(records)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            frame.to_csv(path, index=False)
        elif fmt == "jsonl":
            frame.to_json(path, orient="records", lines=True, force_ascii=False)
        elif fmt == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_excel(path, sheet_name="answers", index=False, engine="openpyxl")
    except OSError as e:
        raise StorageError(f"cannot write {path}: {e.strerror or e}") from None
    return [path]
