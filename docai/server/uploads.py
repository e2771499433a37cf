"""Uploaded files kept on disk by their SHA-256, written in chunks so an oversized one stops early."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from docai.server.errors import ApiError

CHUNK = 1024 * 1024
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


class Readable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


class UploadStore:
    """`root/ab/abcdef….pdf`: the same bytes are stored once, whatever name they came under."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    async def save(self, source: Readable, filename: str, limit_bytes: int) -> tuple[Path, str]:
        """Store `source`; returns (path, sha256). ApiError 413 past `limit_bytes`."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := await source.read(CHUNK):
                    size += len(chunk)
                    if size > limit_bytes:
                        raise ApiError(
                            413, f"{filename}: larger than the {limit_bytes / 1024 / 1024:g} MB upload limit"
                        )
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise ApiError(400, f"{filename}: the upload is empty")
            sha = digest.hexdigest()
            suffix = Path(filename).suffix.lower()
            target = self.path_for(sha, suffix if _SAFE_SUFFIX.match(suffix) else "")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                os.unlink(tmp)
                os.utime(target)  # uploaded again: its retention starts over
            else:
                os.replace(tmp, target)
            return target, sha
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def delete_older_than(self, cutoff: float, keep: set[Path], keep_shas: set[str]) -> int:
        """Delete stored uploads (`root/ab/<sha256>.ext`, and temp files a crash left) last written
        before `cutoff` (a timestamp), except the paths in `keep` and the documents in `keep_shas`.
        Anything else under the root (the web app's own uploads) is left alone."""
        removed = 0
        for path in [*self.root.glob(".upload-*"), *self.root.glob("[0-9a-f][0-9a-f]/*")]:
            sha = path.name.split(".")[0]
            ours = path.name.startswith(".upload-") or (
                re.fullmatch(r"[0-9a-f]{64}", sha) is not None and path.parent.name == sha[:2]
            )
            if not ours or not path.is_file() or path in keep or sha in keep_shas:
                continue
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue  # gone already, or not ours to delete
        return removed

    def path_for(self, sha: str, suffix: str = "") -> Path:
        return self.root / sha[:2] / f"{sha}{suffix}"

    def find(self, sha: str) -> Path | None:
        """The stored file with this SHA-256, whatever its suffix."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            return None
        folder = self.root / sha[:2]
        if not folder.is_dir():
            return None
        return next((p for p in folder.iterdir() if p.name.split(".")[0] == sha), None)
