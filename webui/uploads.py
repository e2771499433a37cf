"""Uploaded files: copied under docai's data dir with names docai chooses, and zips unpacked safely.

The uploader's file name is never used as a path: a stored upload is `<sha256>.<ext>` where the
extension comes from the file's bytes. The original name is kept only as a display label.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from docai.errors import InputError
from docai.parsers import detect_mime, file_sha256

_log = logging.getLogger(__name__)

DEFAULT_MAX_MB = 50.0
MAX_ZIP_MEMBERS = 500
DOCUMENT_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif", ".bmp")

_UNSAFE = re.compile(r"[^\w\-. ]+")
_EXT_BY_MIME = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tiff",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
}


@dataclass(frozen=True)
class StoredUpload:
    """An upload kept under the data dir.

    `path` is the canonical copy (`uploads/<sha256><ext>`); `named_path` is a link to it at
    `uploads/<sha256>/<sanitised name>` so runs stored in the database show a human file name;
    `name` is the uploader's name as a display label only.
    """

    path: Path
    named_path: Path
    name: str
    sha256: str
    size_bytes: int


def data_dir() -> Path:
    """docai.storage's data dir: `$DOCAI_HOME`, else beside the SQLite file of `$DOCAI_DB`, else the
    platform's user data dir."""
    from docai.storage.connection import data_dir as storage_data_dir

    return storage_data_dir()


def uploads_dir() -> Path:
    path = data_dir() / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_upload_bytes() -> int:
    """Per-file limit: `$DOCAI_UI_MAX_UPLOAD_MB` (default 50 MB)."""
    raw = os.environ.get("DOCAI_UI_MAX_UPLOAD_MB")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        raise InputError(f"DOCAI_UI_MAX_UPLOAD_MB must be a number, not {raw!r}") from None
    return int(mb * 1024 * 1024)


def display_name(original: str | os.PathLike[str]) -> str:
    """The last component of an uploader-given name, stripped of anything path-like."""
    name = PurePosixPath(str(original).replace("\\", "/")).name
    return name.strip() or "upload"


def safe_file_name(name: str, extension: str) -> str:
    """`name` reduced to letters, digits, CJK, `._- `, at most 100 characters, ending in `extension`."""
    stem = PurePosixPath(display_name(name)).stem
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "document"
    return stem[:100] + extension


def store_upload(
    source: str | os.PathLike[str], name: str | None = None, max_bytes: int | None = None
) -> StoredUpload:
    """Copy `source` to uploads/<sha256><ext>. Raises InputError when it is missing, empty or too big.

    Files that are not documents are still stored (as `.bin`) so the service can report them per file.
    """
    src = Path(source)
    label = display_name(name or src.name)
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    try:
        size = src.stat().st_size
    except OSError:
        raise InputError(f"{label}: the upload could not be read") from None
    if size == 0:
        raise InputError(f"{label}: the file is empty")
    if size > limit:
        raise InputError(
            f"{label}: {size / 1048576:.1f} MB is over the {limit / 1048576:.0f} MB limit per file"
        )
    sha = file_sha256(src)
    dest = uploads_dir() / f"{sha}{_EXT_BY_MIME.get(detect_mime(src), '.bin')}"
    if not dest.exists():
        tmp = dest.with_suffix(dest.suffix + ".part")
        shutil.copyfile(src, tmp)
        tmp.replace(dest)
        _log.info("stored upload %s as %s", label, dest.name)
    named = dest.parent / sha / safe_file_name(label, dest.suffix)
    if not named.exists():
        named.parent.mkdir(exist_ok=True)
        try:
            os.link(dest, named)
        except OSError:
            shutil.copyfile(dest, named)
    return StoredUpload(dest, named, label, sha, size)


def find_stored(sha256: str) -> Path | None:
    """The stored upload with this hash, if docai kept one."""
    folder = data_dir() / "uploads"
    if not folder.is_dir() or not sha256:
        return None
    for candidate in folder.glob(f"{sha256}.*"):
        if not candidate.name.endswith(".part"):
            return candidate
    return None


def unpack_zip(
    archive: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    max_total_bytes: int | None = None,
    refused: list[str] | None = None,
) -> list[Path]:
    """Extract the documents of a zip into `dest`, flattening folders.

    Members with absolute paths or `..` are refused (never written), as are links; only document
    suffixes are kept; the uncompressed total is capped (zip bombs) and so is the member count.
    Each refused or skipped member is told in `refused` (one line naming the zip and the entry).
    """
    told = refused if refused is not None else []
    label = display_name(archive)
    limit = max_upload_bytes() * 4 if max_total_bytes is None else max_total_bytes
    target = Path(dest)
    target.mkdir(parents=True, exist_ok=True)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise InputError(f"{display_name(archive)}: not a readable zip file") from None
    out: list[Path] = []
    total = 0
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise InputError(f"zip has {len(members)} files; the limit is {MAX_ZIP_MEMBERS}")
        for member in members:
            raw = member.filename.replace("\\", "/")
            parts = PurePosixPath(raw).parts
            if raw.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                _log.warning("zip member %r refused: unsafe path", member.filename)
                told.append(f"{label}: entry {member.filename!r} refused: unsafe path (outside the archive)")
                continue
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                _log.warning("zip member %r refused: symbolic link", member.filename)
                told.append(f"{label}: entry {member.filename!r} refused: a symbolic link")
                continue
            if not raw.lower().endswith(DOCUMENT_SUFFIXES) or parts[-1].startswith("."):
                told.append(f"{label}: entry {member.filename!r} skipped: not a PDF or an image")
                continue
            total += member.file_size
            if total > limit:
                raise InputError(f"zip contents exceed {limit / 1048576:.0f} MB uncompressed")
            name = f"{len(out):04d}_{display_name(parts[-1])}"
            path = target / name
            written = 0
            with zf.open(member) as src, path.open("wb") as dst:
                for chunk in iter(lambda src=src: src.read(1 << 20), b""):
                    written += len(chunk)
                    if written > member.file_size or total - member.file_size + written > limit:
                        raise InputError("zip member is larger than its header says; refused")
                    dst.write(chunk)
            out.append(path)
    return out
