"""Export of nested results to CSV, JSONL, Parquet and XLSX, read back with pandas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from storage_helpers import INVOICE_SCHEMA, fake_sha, make_extraction

from docai.errors import InputError
from docai.storage.export import export_runs, items_path


def _fill(db: Any) -> list[Any]:
    sid, _ = db.save_schema(INVOICE_SCHEMA, "invoice")
    totals = {1: 100.0, 2: 30.5, 3: 7.0}
    for n, total in totals.items():
        doc = db.upsert_document(fake_sha(n), f"inv{n}.pdf", 10, "application/pdf", 1)
        ext = make_extraction(total, n_items=n)
        if n == 3:
            ext.data["vendor"] = None  # a null object must not break the columns
            ext.data["items"] = []
        db.finish_run(db.start_run(doc, sid, "text", None, {}, "k"), ext, 1.0)
    return db.runs_for_schema("invoice")


def _read(fmt: str, path: Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    if fmt == "xlsx":
        sheets = pd.read_excel(path, sheet_name=None)
        return sheets["documents"], sheets["items"]
    reader = {"csv": pd.read_csv, "parquet": pd.read_parquet}.get(fmt)
    if reader is None:

        def reader(p: Path) -> pd.DataFrame:
            return pd.read_json(p, lines=True)

    items = items_path(path)
    return reader(path), (reader(items) if items.exists() else None)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_export_nested_results_round_trip(db: Any, tmp_path: Path, fmt: str) -> None:
    runs = _fill(db)
    out = tmp_path / f"invoices.{fmt}"
    written = export_runs(runs, fmt, out)
    assert written == ([out] if fmt == "xlsx" else [out, tmp_path / f"invoices.items.{fmt}"])
    docs, items = _read(fmt, out)
    assert items is not None
    assert list(docs.columns[:4]) == ["file", "sha256", "run_id", "status"]
    assert {"invoice_number", "total", "vendor.name", "vendor.city", "tags"} <= set(docs.columns)
    assert "items" not in docs.columns  # arrays of objects live in the items table
    by_file = docs.set_index("file")
    expected = {r.file_name: r.extraction.data for r in runs}
    assert set(by_file.index) == set(expected)
    for name, data in expected.items():
        row = by_file.loc[name]
        assert row["total"] == pytest.approx(data["total"])
        assert row["invoice_number"] == data["invoice_number"]
        assert row["sha256"] == next(r.sha256 for r in runs if r.file_name == name)
        assert json.loads(row["tags"]) == data["tags"]  # arrays of scalars: one JSON cell
        if data["vendor"]:
            assert row["vendor.name"] == "ACME 有限公司" and row["vendor.city"] == "Berlin"
        else:
            assert pd.isna(row["vendor.name"])
    assert list(items.columns[:5]) == ["file", "sha256", "run_id", "field", "index"]
    assert set(items["field"]) == {"items"}
    got = sorted(zip(items["file"], items["index"], items["description"], items["amount"], strict=True))
    want = sorted(
        (name, i, it["description"], it["amount"])
        for name, data in expected.items()
        for i, it in enumerate(data["items"])
    )
    assert [g[:3] for g in got] == [w[:3] for w in want]
    assert [g[3] for g in got] == pytest.approx([w[3] for w in want])
    run_ids = dict(zip(docs["file"], docs["run_id"], strict=True))
    assert all(run_ids[f] == r for f, r in zip(items["file"], items["run_id"], strict=True))


def test_export_mixed_types_and_no_items(tmp_path: Path, db: Any) -> None:
    sid, _ = db.save_schema({"type": "object", "properties": {"v": {}}}, "loose")
    for n, value in enumerate(["12", 12, None, {"deep": {"er": 1}}]):
        doc = db.upsert_document(fake_sha(n), f"f{n}.pdf", 1, "application/pdf", 1)
        ext = make_extraction(1)
        ext.data = {"v": value}
        db.finish_run(db.start_run(doc, sid, "text", None, {}, "k"), ext, 0.1)
    runs = db.runs_for_schema("loose")
    written = export_runs(runs, "parquet", tmp_path / "loose.parquet")
    assert written == [tmp_path / "loose.parquet"]  # no arrays of objects: no items file
    docs = pd.read_parquet(written[0])
    assert sorted(str(v) for v in docs["v"].dropna()) == ["12", "12"]
    assert list(docs["v.deep.er"].dropna()) == [1]
    with pytest.raises(InputError, match="unknown export format"):
        export_runs(runs, "xml", tmp_path / "x.xml")
