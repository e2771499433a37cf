"""The files of a batch: which files under a folder are documents, and the --out JSONL file.

Apart from `batch_runner` so that the review commands and the Ray executor find a batch's files
without importing the runner (which imports them back)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from docai.errors import InputError
from docai.file_result import FileResult

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

DOCUMENT_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif", ".bmp"}


def collect_files(folder: Path, glob: str | None) -> list[Path]:
    """Files under `folder` matching `glob` (default: every document by suffix), hidden ones skipped."""
    if not folder.exists():
        raise InputError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    files = []
    for p in sorted(folder.glob(glob or "**/*")):
        rel = p.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        if glob is None and p.suffix.lower() not in DOCUMENT_SUFFIXES:
            continue
        files.append(p)
    return files


class JsonlOut:
    """The --out file: one JSON line per file result, each (file, sha256) written once, across reruns and
    across batches writing the same file at once (an exclusive lock around each read-and-append)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: set[tuple[str, str | None]] = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._f = path.open("a+b")
        self._pos = 0
        with self._locked():
            self._repair()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if fcntl is None:
            yield
            return
        fcntl.flock(self._f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._f.fileno(), fcntl.LOCK_UN)

    @staticmethod
    def _key(line: bytes) -> tuple[str, str | None] | None:
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if not isinstance(obj, dict) or obj.get("status") is None:
            return None
        return (obj.get("file"), obj.get("sha256"))

    def _repair(self) -> None:
        """Drop lines cut short by a killed run and repeated lines, keeping the first of each file."""
        self._f.seek(0)
        kept: list[bytes] = []
        damaged = False
        for line in self._f.read().splitlines():
            key = self._key(line)
            if key is None or key in self.seen:
                damaged = True
                continue
            self.seen.add(key)
            kept.append(line)
        if damaged:
            self._f.truncate(0)
            self._f.write(b"".join(k + b"\n" for k in kept))
            self._f.flush()
        self._f.seek(0, os.SEEK_END)
        self._pos = self._f.tell()

    def _read_new(self) -> None:
        """Lines other processes appended since we last looked."""
        self._f.seek(self._pos)
        for line in self._f.read().splitlines():
            key = self._key(line)
            if key is not None:
                self.seen.add(key)
        self._pos = self._f.tell()

    def write(self, result: FileResult) -> None:
        key = (result.file, result.sha256)
        if key in self.seen:
            return
        line = json.dumps(result.to_json(), ensure_ascii=False, default=str).encode("utf-8") + b"\n"
        with self._locked():
            self._read_new()
            if key in self.seen:
                return
            self._f.seek(0, os.SEEK_END)
            if self._f.tell() > 0:
                self._f.seek(-1, os.SEEK_END)
                if self._f.read(1) != b"\n":  # a line left unfinished by a killed process
                    self._f.write(b"\n")
            self._f.write(line)
            self._f.flush()
            self._pos = self._f.tell()
            self.seen.add(key)

    def close(self) -> None:
        self._f.close()
