"""Which Tesseract language pack reads a page's script, when the OCR language given cannot.

Tesseract's OSD names a script per page (Latin, Han, Japanese, Cyrillic, ...). Scripts that share
glyphs share packs: Chinese text is Han characters and Japanese text is mostly Han characters too
(kanji), so OSD often calls a Chinese page "Japanese" (3 of the 4 Chinese synthetic invoices of seeds
1, 7 and 11) and a Japanese page "Han". Each script therefore names its packs in order of preference,
and the first installed one is used.
"""

from __future__ import annotations

import logging
import re

from docai.errors import EngineUnavailable
from docai.parsers.tesseract_bin import installed_languages

_log = logging.getLogger(__name__)

_CJK = ("chi_sim", "chi_tra", "jpn")
SCRIPT_PACKS: dict[str, tuple[str, ...]] = {
    "Han": _CJK,
    "Japanese": ("jpn", "chi_sim", "chi_tra"),
    "Hangul": ("kor",),
    "Cyrillic": ("rus", "ukr", "bul", "srp"),
    "Arabic": ("ara", "fas", "urd"),
    "Greek": ("ell",),
    "Hebrew": ("heb",),
    "Devanagari": ("hin", "mar", "nep"),
    "Thai": ("tha",),
}
SCRIPT_LANGS = {script: packs[0] for script, packs in SCRIPT_PACKS.items()}
"""The first-choice pack of each script (kept for callers that want one name)."""


def script_language(script: str | None, lang: str, installed: frozenset[str] | None = None) -> str | None:
    """The installed pack to add to `lang` for a page in `script`, or None when `lang` already reads
    that script (any of its packs) or no pack for it is installed."""
    packs = SCRIPT_PACKS.get(script or "", ())
    have = set(lang.split("+"))
    if not packs or have.intersection(packs):
        return None
    if installed is None:
        try:
            installed = installed_languages()
        except EngineUnavailable:
            return None
    return next((p for p in packs if p in installed), None)


AUTO = "auto"
"""In an OCR language (`auto`, `eng+auto`), asks for script detection on top of the languages named."""
AUTO_BASE = "eng"
"""What `auto` alone reads with before any script is detected."""


def split_auto(lang: str) -> tuple[str, bool]:
    """(`lang` without `auto`, whether `auto` was in it). A language the user names without `auto` is
    taken as given: no pack is added to it. `auto` alone means AUTO_BASE plus detection."""
    parts = [p for p in re.split(r"[+,\s]+", lang or "") if p]
    detect = any(p.lower() == AUTO for p in parts)
    rest = [p for p in parts if p.lower() != AUTO]
    if not detect:
        return lang, False
    return "+".join(rest) or AUTO_BASE, True
