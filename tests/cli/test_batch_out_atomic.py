"""`--out` is rewritten (a newer run of a file replaces its line, a damaged file is repaired) by writing
a new file and moving it into place: a process killed in the middle leaves the old file whole, and a
batch writing the same file meanwhile goes on with the new one. Real files, real flock."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from docai.batch_files import JsonlOut
from docai.file_result import FileResult


def _ok(file: str, run_id: int) -> FileResult:
    return FileResult(file, "a" * 64, run_id, "ok", {"total": run_id}, {}, "text", None, 0.1)


def _rows(path: Path) -> list[tuple[str, int]]:
    return [(r["file"], r["run_id"]) for r in map(json.loads, path.read_text().splitlines())]


def test_a_rewrite_replaces_the_file_and_leaves_the_old_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    w = JsonlOut(out)
    w.write(_ok("a.pdf", 1))
    w.write(_ok("b.pdf", 2))
    before = out.read_bytes()
    with out.open("rb") as reader:  # opened before the rewrite: what a crash mid-way would leave
        w.write(_ok("a.pdf", 3))  # a newer run of a.pdf: the file is rewritten
        assert reader.read() == before  # the old file was not truncated in place
    w.close()
    assert _rows(out) == [("b.pdf", 2), ("a.pdf", 3)]
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left


def test_a_rewrite_that_fails_before_the_move_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    w = JsonlOut(out)
    w.write(_ok("a.pdf", 1))
    w.write(_ok("b.pdf", 2))
    before = out.read_bytes()

    def killed(src: object, dst: object) -> None:
        raise KeyboardInterrupt  # stopped after writing the new file, before moving it in place

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        w.write(_ok("a.pdf", 3))
    monkeypatch.undo()
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    w.close()


def test_a_writer_holding_the_replaced_file_moves_to_the_new_one(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    a, b = JsonlOut(out), JsonlOut(out)  # two batches on one --out, both opened the first file
    a.write(_ok("x.pdf", 1))
    a.write(_ok("x.pdf", 2))  # a rewrites: out.jsonl is a new file now
    b.write(_ok("y.pdf", 3))  # b appends to the new file, not to the replaced one
    a.write(_ok("z.pdf", 4))
    a.close()
    b.close()
    assert _rows(out) == [("x.pdf", 2), ("y.pdf", 3), ("z.pdf", 4)]
