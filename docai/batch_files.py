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
    """The --out file: one JSON line per file, the newest result of each, across reruns and across
    batches writing the same file at once (an exclusive lock around each read-and-write).

    A file's line is replaced when a later run of it comes (`--retry-failed`, `--force`, a changed
    file); the same run seen again (a resume, a concurrent batch served from the cache) is not
    written twice."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[str, int | None] = {}  # file -> the run id of its line
        path.parent.mkdir(parents=True, exist_ok=True)
        self._f = path.open("a+b")
        self._pos = 0
        self._tail = b""
        with self._locked():
            self._load(rewrite_if_damaged=True)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if fcntl is None:
            yield
            return
        while True:
            fcntl.flock(self._f.fileno(), fcntl.LOCK_EX)
            if self._still_the_file():
                break
            fcntl.flock(self._f.fileno(), fcntl.LOCK_UN)  # another batch replaced it: lock the new one
            self._f.close()
            self._f = self.path.open("a+b")
        try:
            yield
        finally:
            fcntl.flock(self._f.fileno(), fcntl.LOCK_UN)

    def _still_the_file(self) -> bool:
        """Our open file is the one at `path` (a rewrite by another batch puts a new file there)."""
        try:
            return os.stat(self.path).st_ino == os.fstat(self._f.fileno()).st_ino
        except FileNotFoundError:
            return False

    @staticmethod
    def _entry(line: bytes) -> tuple[str, int | None] | None:
        """(file, run id) of a result line, None for a damaged one."""
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if not isinstance(obj, dict) or obj.get("status") is None or not isinstance(obj.get("file"), str):
            return None
        return obj["file"], obj.get("run_id")

    def _load(self, rewrite_if_damaged: bool) -> dict[str, bytes]:
        """Read every line: the newest of each file is kept; lines cut short by a killed run and older
        lines of a file are dropped (and the file rewritten without them when asked)."""
        self._f.seek(0)
        newest: dict[str, tuple[int | None, bytes]] = {}
        damaged = False
        for line in self._f.read().splitlines():
            entry = self._entry(line)
            if entry is None or entry[0] in newest:
                damaged = True
            if entry is not None:
                newest.pop(entry[0], None)  # re-inserted last: lines keep the order they were written
                newest[entry[0]] = (entry[1], line)
        if damaged and rewrite_if_damaged:
            self._rewrite([line for _, line in newest.values()])
        self.seen = {f: run_id for f, (run_id, _) in newest.items()}
        self._mark_end()
        return {f: line for f, (_, line) in newest.items()}

    def _rewrite(self, lines: list[bytes]) -> None:
        """Write `lines` to a new file and put it in place with `os.replace`, so that a process killed
        meanwhile leaves the old file whole, never a cut one. The new file is locked before it
        appears; the old one's lock goes with its closing, and a batch waiting on it then finds the
        file replaced (`_locked`) and takes the new one's lock."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        new = tmp.open("w+b")
        try:
            if fcntl is not None:
                fcntl.flock(new.fileno(), fcntl.LOCK_EX)
            new.write(b"".join(k + b"\n" for k in lines))
            new.flush()
            os.fsync(new.fileno())
            if fcntl is None:  # without flock only one process writes; Windows replaces closed files
                self._f.close()
            os.replace(tmp, self.path)
        except BaseException:
            new.close()
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        self._f.close()
        self._f = new

    def _mark_end(self) -> None:
        self._f.seek(0, os.SEEK_END)
        self._pos = self._f.tell()
        self._f.seek(max(0, self._pos - 64))
        self._tail = self._f.read(64)

    def _read_new(self) -> None:
        """Lines other processes appended since we last looked; everything again when one of them
        rewrote the file (the bytes before where we stopped are no longer the ones we saw)."""
        self._f.seek(max(0, self._pos - len(self._tail)))
        if self._f.read(len(self._tail)) != self._tail:
            self._load(rewrite_if_damaged=False)
            return
        self._f.seek(self._pos)
        for line in self._f.read().splitlines():
            entry = self._entry(line)
            if entry is not None:
                self.seen[entry[0]] = entry[1]
        self._mark_end()

    def _current(self, result: FileResult) -> bool:
        """The file's line is already this run's."""
        return (
            result.file in self.seen and result.run_id is not None and self.seen[result.file] == result.run_id
        )

    def write(self, result: FileResult) -> None:
        if self._current(result):
            return
        line = json.dumps(result.to_json(), ensure_ascii=False, default=str).encode("utf-8")
        with self._locked():
            self._read_new()
            if self._current(result):
                return
            if result.file in self.seen:  # a newer run of a file already written: replace its line
                lines = self._load(rewrite_if_damaged=False)
                lines.pop(result.file, None)
                self._rewrite([*lines.values(), line])
            else:
                self._append(line)
            self.seen[result.file] = result.run_id
            self._mark_end()

    def _append(self, line: bytes) -> None:
        self._f.seek(0, os.SEEK_END)
        if self._f.tell() > 0:
            self._f.seek(-1, os.SEEK_END)
            if self._f.read(1) != b"\n":  # a line left unfinished by a killed process
                self._f.write(b"\n")
        self._f.write(line + b"\n")
        self._f.flush()

    def close(self) -> None:
        self._f.close()
