"""Where the Tesseract binary is and which language packs it has.

Kept apart from `ocr` so that `ocr_script` can ask for the installed packs without importing `ocr`
back (the two would otherwise import each other)."""

from __future__ import annotations

import functools
import shutil
import subprocess

from docai.errors import EngineUnavailable


def tesseract_exe() -> str:
    """The path of the `tesseract` binary, or EngineUnavailable saying how to install it."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise EngineUnavailable("tesseract is not installed (Debian: apt-get install tesseract-ocr)")
    return exe


@functools.lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Tesseract's installed language packs (asked of the binary directly: importing pytesseract
    pulls in pandas, which a born-digital PDF never needs)."""
    exe = tesseract_exe()
    try:
        proc = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise EngineUnavailable(f"cannot list tesseract languages: {e}") from None
    lines = (proc.stdout or "").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.lower().startswith("list of"))
