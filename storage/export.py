"""Export runs as tables: one row per document, plus an `items` table for arrays of objects.

Nested objects become dotted columns (`vendor.name`); arrays of scalars become one JSON cell; arrays of
objects (line items) go to a second table keyed by sha256 + run id, with the array's field path and the
row index. CSV/JSONL/Parquet write the second table next to the first (`out.items.csv`); XLSX writes a
second sheet named "items".
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from docai.errors import InputError, StorageError
from docai.storage.corrections import review_columns
from docai.storage.records import RunRecord

if TYPE_CHECKING:
    import pandas as pd

_log = logging.getLogger(__name__)

ExportFormat = Literal["csv", "jsonl", "parquet", "xlsx"]
FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet", "xlsx")
KEY_COLUMNS = ["file", "sha256", "run_id", "status"]
ITEM_KEY_COLUMNS = ["file", "sha256", "run_id", "field", "index"]


def _is_object_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _object_array_paths(data: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted paths (outside any array) whose value is a non-empty array of objects."""
    found: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            found |= _object_array_paths(value, path + ".")
        elif _is_object_array(value):
            found.add(path)
    return found


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def flatten(
    data: dict[str, Any], item_paths: set[str], prefix: str = ""
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """(dotted scalar columns, {array path: items}) for one object."""
    flat: dict[str, Any] = {}
    arrays: dict[str, list[Any]] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            sub, sub_arrays = flatten(value, item_paths, path + ".")
            flat.update(sub)
            arrays.update(sub_arrays)
        elif path in item_paths:
            arrays[path] = value if isinstance(value, list) else []
            if value is not None and not isinstance(value, list):
                flat[path] = _cell(value)  # not an array here; keep it visible
        else:
            flat[path] = _cell(value)
    return flat, arrays


def runs_to_frames(runs: list[RunRecord]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents table and the items table for these runs."""
    import pandas as pd

    datas = [(r, (r.extraction.data if r.extraction else {}) or {}) for r in runs]
    item_paths: set[str] = set()
    for _, data in datas:
        item_paths |= _object_array_paths(data)
    doc_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    for run, data in datas:
        flat, arrays = flatten(data, item_paths)
        reports = run.extraction.fields if run.extraction else {}
        review = " | ".join(run.extraction.review) if run.extraction else ""
        doc_rows.append(
            {"file": run.file_name, "sha256": run.sha256, "run_id": run.id, "status": run.status, **flat}
            | _confidence_columns(flat, reports, "")
            | {"review": review or None}
            | review_columns(run.field_states)
        )
        for path, items in sorted(arrays.items()):
            for i, item in enumerate(items):
                fields = flatten(item, set())[0] if isinstance(item, dict) else {"value": _cell(item)}
                fields |= _confidence_columns(fields, reports, f"{path}[{i}].")
                key = {
                    "file": run.file_name,
                    "sha256": run.sha256,
                    "run_id": run.id,
                    "field": path,
                    "index": i,
                }
                item_rows.append({**key, **fields} | review_columns(run.field_states, path, i))
    docs = pd.DataFrame(doc_rows, columns=_columns(doc_rows, KEY_COLUMNS))
    items = pd.DataFrame(item_rows, columns=_columns(item_rows, ITEM_KEY_COLUMNS))
    return _tidy(docs), _tidy(items)


def _confidence_columns(flat: dict[str, Any], reports: dict[str, Any], prefix: str) -> dict[str, Any]:
    """`confidence.<field>` per filled column, from the verification stage (failed checks lower it)."""
    out: dict[str, Any] = {}
    for col in flat:
        rep = reports.get(prefix + col) if col != "value" else reports.get(prefix.rstrip("."))
        if rep is not None and rep.confidence is not None:
            out[f"confidence.{col}"] = rep.confidence
    return out


def _columns(rows: list[dict[str, Any]], keys: list[str]) -> list[str]:
    cols = list(keys)
    for row in rows:
        cols += [c for c in row if c not in cols]
    return cols


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Columns that mix types (e.g. a number here, a string there) become strings, so Parquet works."""
    for col in df.columns:
        if df[col].dtype != object:
            continue
        kinds = {type(v) for v in df[col] if v is not None and v == v}
        if len(kinds) > 1 and not kinds <= {int, float}:
            df[col] = df[col].map(lambda v: None if v is None or v != v else str(v))
    return df


def items_path(path: Path) -> Path:
    """`out.csv` -> `out.items.csv`."""
    return path.with_name(f"{path.stem}.items{path.suffix}")


def export_runs(runs: list[RunRecord], fmt: str, path: Path) -> list[Path]:
    """Write runs to `path` in `fmt` (csv, jsonl, parquet, xlsx); returns the files written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    path = Path(path)
    docs, items = runs_to_frames(runs)
    written: list[Path] = [path]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            import pandas as pd

            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                docs.to_excel(writer, sheet_name="documents", index=False)
                items.to_excel(writer, sheet_name="items", index=False)
            return written
        targets = [(docs, path)]
        if not items.empty:
            targets.append((items, items_path(path)))
            written.append(items_path(path))
        for frame, target in targets:
            if fmt == "csv":
                frame.to_csv(target, index=False)
            elif fmt == "jsonl":
                frame.to_json(target, orient="records", lines=True, force_ascii=False)
            else:
                frame.to_parquet(target, index=False)
    except OSError as e:
        raise StorageError(f"cannot write {path}: {e.strerror or e}") from None
    _log.info("exported %d runs to %s", len(runs), ", ".join(map(str, written)))
    return written
