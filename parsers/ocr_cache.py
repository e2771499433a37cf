"""An on-disk cache of Tesseract output, for repeated runs over the same scans (evals, re-extraction
with another schema).

Off unless `DOCAI_OCR_CACHE` names a folder. The key is the SHA-256 of the exact pixels Tesseract
reads, its arguments and its version line, so a change to any of them misses instead of returning a
stale reading. Entries are plain text files written atomically; a damaged or unreadable cache is
ignored (the page is read again), never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import subprocess
import tempfile
from pathlib import Path

_log = logging.getLogger(__name__)

ENV = "DOCAI_OCR_CACHE"


def cache_dir() -> Path | None:
    """The cache folder from the environment, or None when caching is off."""
    value = os.environ.get(ENV, "").strip()
    return Path(value).expanduser() if value else None


@functools.lru_cache(maxsize=4)
def _version(exe: str) -> str:
    try:
        proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    out = (proc.stdout or proc.stderr or "").strip().splitlines()
    return out[0] if out else "unknown"


def cache_key(exe: str, pixels: bytes, args: list[str]) -> str:
    h = hashlib.sha256()
    h.update(_version(exe).encode())
    h.update(b"\0")
    h.update("\0".join(args).encode())
    h.update(b"\0")
    h.update(pixels)
    return h.hexdigest()


def load(folder: Path, key: str) -> str | None:
    try:
        return (folder / key[:2] / f"{key}.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def store(folder: Path, key: str, text: str) -> None:
    target = folder / key[:2] / f"{key}.txt"
    tmp = ""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as e:
        _log.debug("OCR cache not written (%s)", e)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
