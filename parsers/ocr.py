"""Tesseract OCR, run as a subprocess: orientation detection, words with boxes and confidences.

Coordinates: `ocr_page` takes the page image *as displayed* (what `Page.render` gives) and returns word
boxes in points of that displayed page, origin top-left, like text-layer words. When OSD finds the
content sideways or upside down, Tesseract reads an upright copy and each box is mapped back, so a
word of a sideways scan has a tall, narrow box where its ink is on the displayed page; the text itself
reads normally.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docai.document import BBox, Word
from docai.errors import EngineError, EngineUnavailable, InputError
from docai.parsers import ocr_cache
from docai.parsers.ocr_fixes import fix_words
from docai.parsers.ocr_merge import REREAD_BELOW, SAUVOLA, merge_lines
from docai.parsers.ocr_script import SCRIPT_LANGS, script_language  # noqa: F401 (re-exported)
from docai.parsers.tesseract_bin import installed_languages, tesseract_exe

if TYPE_CHECKING:
    from PIL.Image import Image

_log = logging.getLogger(__name__)

OSD_MIN_CONFIDENCE = 2.0
"""Below this Tesseract orientation confidence the page is taken as upright."""
OSD_MAX_SIDE = 2200
"""OSD only needs to see the letter shapes: bigger images are shrunk first (saves ~half its time)."""

OCR_TIMEOUT_S = 300
CONFIDENT_WORDS = 5
CONFIDENT_MEAN = 0.70
"""A first reading with at least CONFIDENT_WORDS words at CONFIDENT_MEAN mean confidence skips OSD
(sideways and upside-down pages read at about 0.2 here; upright print at about 0.95)."""
_THREAD_ENV = {"OMP_THREAD_LIMIT": "1"}
PSM = 3
"""Tesseract page segmentation mode for pages: 3 is its fully automatic layout analysis."""
STRIP_PSM = 6
STRIP_RATIO = 1.7
"""A page, or the inked part of a page, at least STRIP_RATIO times as tall as wide (a till receipt, also
when scanned on an A4 flatbed; taller than A4's 1.41 and US Legal's 1.65) is one column of text, read
with STRIP_PSM (one uniform block) instead of PSM: Tesseract's automatic layout can drop a flush-right
column of amounts in a thin monospace font entirely. SROIE field accuracy, text engine (`docai eval
sroie`): receipts 60-99 (tuning, `--data` on those 40) 48.8% -> 59.4%; receipts 0-59 (held out,
`--limit 60`) 50.0% -> 52.5% (total 55 -> 65%, date 72 -> 82%, but address 22 -> 15% and company
52 -> 48%: psm 6 can drop a line in a larger type). On synthetic A4 invoices psm 6 everywhere was worse
(83.1% -> 81.9%) and synthetic annual reports lost words (recall 0.86 -> 0.77), so it is kept to strips;
psm 4 (one column, variable sizes) scored as psm 3 on the tuning receipts."""
_INK_LEVEL = 128
_INK_SIDE = 600


def ink_ratio(image: Image) -> float | None:
    """Height over width of the inked part of a page (dark pixels, 1st to 99th percentile each way, so
    that specks and stamps at the edges do not count); None for a page with hardly any ink."""
    import numpy as np

    grey = image if image.mode == "L" else image.convert("L")
    f = max(1, round(max(grey.size) / _INK_SIDE))
    ink = np.asarray(grey.reduce(f) if f > 1 else grey) < _INK_LEVEL
    cols = np.cumsum(np.count_nonzero(ink, axis=0))
    rows = np.cumsum(np.count_nonzero(ink, axis=1))
    total = int(cols[-1])
    if total < 50:
        return None

    def span(cum: np.ndarray) -> float:  # 1st to 99th percentile of the ink along one axis
        lo, hi = np.searchsorted(cum, [0.01 * total, 0.99 * total])
        return float(hi - lo + 1)

    return span(rows) / span(cols)


def psm_for(image: Image) -> int:
    """Tesseract page segmentation mode for this page image (see STRIP_RATIO)."""
    w, h = image.size
    if w <= 0:
        return PSM
    ratio = max(h / w, ink_ratio(image) or 0.0)
    return STRIP_PSM if ratio >= STRIP_RATIO else PSM


@dataclass
class OcrResult:
    """Words in displayed-page points, and the clockwise rotation (0/90/180/270) that made the content
    upright before reading."""

    words: list[Word]
    orientation: int = 0


def _tesseract_env() -> dict[str, str]:
    # OpenMP inside Tesseract thrashes on small machines (1.8 s vs 11.7 s a page on 2 cores); the
    # limit goes into the child's own environment, so it holds whatever the parent process has set.
    return dict(os.environ, **_THREAD_ENV)


def _exe() -> str:
    return tesseract_exe()


def _pixels(image: Image) -> bytes:
    """The image as a binary PGM (8-bit grey) for Tesseract.

    Grey because Tesseract thresholds grey anyway and reads an RGB page about 1.5x slower; PGM because
    writing it is a copy (pytesseract's PNG encoding cost as much as the OCR itself)."""
    grey = image if image.mode == "L" else image.convert("L")
    buf = io.BytesIO()
    grey.save(buf, format="PPM")
    return buf.getvalue()


def run_tesseract(image: Image, args: list[str], timeout: float = OCR_TIMEOUT_S) -> str:
    """Tesseract's stdout for `image`, with `args` after `IMAGE stdout`.

    The pixels go through a temporary PGM file, not stdin: Tesseract reads stdin slowly (55 ms more on
    a 2 MP page, a sixth of the OCR). EngineUnavailable without the binary, EngineError when it fails
    or runs past `timeout`."""
    exe = _exe()
    pixels = _pixels(image)
    folder = ocr_cache.cache_dir()
    key = ocr_cache.cache_key(exe, pixels, args) if folder else ""
    if folder and (hit := ocr_cache.load(folder, key)) is not None:
        return hit
    fd, name = tempfile.mkstemp(prefix="docai-ocr-", suffix=".pgm")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pixels)
        del pixels
        proc = subprocess.run(
            [exe, name, "stdout", *args],
            capture_output=True,
            timeout=timeout,
            env=_tesseract_env(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise EngineError(f"tesseract took over {timeout:g} s on one page") from None
    except OSError as e:
        raise EngineUnavailable(f"tesseract cannot be run: {e}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise EngineError(f"tesseract failed ({' '.join(args)}): {err[-200:] or proc.returncode}")
    out = proc.stdout.decode("utf-8", "replace")
    if folder:
        ocr_cache.store(folder, key, out)
    return out


def check_lang(lang: str) -> str:
    """`lang` (like `eng+chi_sim`) if every part is installed, else InputError naming what is missing."""
    parts = [p for p in re.split(r"[+,\s]+", lang or "") if p]
    if not parts:
        raise InputError("OCR language is empty (use e.g. eng or eng+chi_sim)")
    have = installed_languages()
    missing = [p for p in parts if p not in have]
    if missing:
        raise InputError(
            f"tesseract has no language {'+'.join(missing)} (installed: {', '.join(sorted(have - {'osd'}))})"
        )
    return "+".join(parts)


TRY_CJK_BELOW = 0.65
GUESS_GAIN = 0.15
"""A page read below TRY_CJK_BELOW confidence whose script OSD does not name as one with an installed
pack is read again with the installed CJK pack, and that reading is kept only if it is GUESS_GAIN more
confident. OSD's script is not to be trusted on scans: it called four synthetic Chinese invoice scans
'Latin' (script confidence 0.9 to 2.1). Measured here: those pages read at 0.51 to 0.55 under `eng`
and at 0.89 to 0.90 with `eng+chi_sim`; faded Latin receipts (SROIE) gain 0.03 to 0.05 from the
extra pack, so they keep their English reading."""


def unknown_script_pack(lang: str) -> str | None:
    """The CJK pack to try on a weak page of doubtful script (None if one is in `lang` already or none
    is installed)."""
    return script_language("Han", lang)


def detect_osd(image: Image) -> tuple[int, str | None]:
    """Clockwise rotation (0, 90, 180, 270) that makes the page upright, and the script OSD saw.

    The rotation is 0 whenever OSD cannot tell (too little text, low confidence, any Tesseract failure).
    """
    img = image
    longest = max(img.size)
    if longest > OSD_MAX_SIDE:
        f = OSD_MAX_SIDE / longest
        img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))))
    try:
        out = run_tesseract(img, ["--psm", "0"])
    except EngineUnavailable:
        raise
    except EngineError as e:  # "Too few characters", missing osd pack: treat as upright
        _log.debug("OSD failed, taking the page as upright: %s", str(e)[:120])
        return 0, None
    found = dict(re.findall(r"^(Rotate|Orientation confidence|Script):\s*(\S+)\s*$", out, re.MULTILINE))
    script = found.get("Script")
    try:
        rotate = int(found.get("Rotate", "0")) % 360
        conf = float(found.get("Orientation confidence", "0"))
    except ValueError:
        return 0, script
    if rotate not in (90, 180, 270) or conf < OSD_MIN_CONFIDENCE:
        return 0, script
    _log.info("OSD: content needs %d degrees clockwise (confidence %.1f)", rotate, conf)
    return rotate, script


def detect_orientation(image: Image) -> int:
    """Clockwise rotation that makes the page upright (see detect_osd)."""
    return detect_osd(image)[0]


def rotate_clockwise(image: Image, degrees: int) -> Image:
    from PIL import Image as PILImage

    ops = {
        90: PILImage.Transpose.ROTATE_270,
        180: PILImage.Transpose.ROTATE_180,
        270: PILImage.Transpose.ROTATE_90,
    }
    return image.transpose(ops[degrees]) if degrees in ops else image


def unrotate_box(box: BBox, degrees: int, width: float, height: float) -> BBox:
    """Map a box from the upright image (the displayed image turned `degrees` clockwise) back to the
    displayed image of size `width` x `height` (same units as the box)."""
    x0, y0, x1, y1 = box
    if degrees == 90:
        xs, ys = (y0, y1), (height - x1, height - x0)
    elif degrees == 180:
        xs, ys = (width - x1, width - x0), (height - y1, height - y0)
    elif degrees == 270:
        xs, ys = (width - y1, width - y0), (x0, x1)
    else:
        return box
    return (min(xs), min(ys), max(xs), max(ys))


def ocr_args(lang: str, dpi: float | None = None, psm: int = PSM, config: tuple[str, ...] = ()) -> list[str]:
    """Tesseract arguments for a word reading (TSV out). `dpi` is the image's true resolution when
    known: without it Tesseract guesses from the text height, and its size filters follow the guess.
    `config`: more arguments before the output name, like `("-c", "thresholding_method=2")`."""
    args = ["-l", lang, "--psm", str(psm)]
    if dpi and dpi >= 30:
        args += ["--dpi", str(round(dpi))]
    return [*args, *config, "tsv"]


def parse_tsv(tsv: str, scale: float) -> list[Word]:
    """Words of Tesseract's TSV output, boxes divided by `scale` (pixels per point)."""
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        try:
            conf = float(cols[10])
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
            x, y, w, h = (int(v) for v in cols[6:10])
        except ValueError:
            continue
        if not text or conf < 0:
            continue
        box = (x / scale, y / scale, (x + w) / scale, (y + h) / scale)
        words.append(Word(text, box, round(conf / 100.0, 4), block * 1000 + par, line))
    return words


def ocr_words(
    image: Image,
    scale: float,
    lang: str = "eng",
    dpi: float | None = None,
    psm: int = PSM,
    config: tuple[str, ...] = (),
) -> list[Word]:
    """OCR `image` as it is; boxes are divided by `scale` (pixels per point) to land in page points."""
    return parse_tsv(run_tesseract(image, ocr_args(lang, dpi, psm, config)), scale)


def mean_confidence(words: list[Word]) -> float:
    """Mean OCR confidence over words, weighted by their length (0 for no words)."""
    total = sum(len(w.text) for w in words)
    return sum((w.conf or 0.0) * len(w.text) for w in words) / total if total else 0.0


def ocr_page(
    image: Image,
    scale: float,
    lang: str = "eng",
    osd: bool = True,
    dpi: float | None = None,
    psm: int | None = None,
    reread: bool = True,
    detect_script: bool = True,
) -> OcrResult:
    """Words of a displayed page image at `scale` pixels per point, in displayed-page points.

    Tesseract reads the page as shown first. Only when that reading is weak (few words or low
    confidence) and `osd` is on does OSD look for a turned page and for a script that `lang` cannot read
    (a Chinese page under `eng` is read again with `eng+chi_sim` where that pack is installed); the
    re-reading is kept if it is more confident. Upright scans in the given language, the usual case, so
    pay for one Tesseract pass instead of two. `detect_script` off keeps `lang` as given (OSD then only
    looks for turned pages).
    With `reread`, a reading still below `ocr_merge.REREAD_BELOW` confidence (faded receipts, not clean
    scans) is read once more with Sauvola binarisation and the two are merged line by line; an empty
    first reading (faint grey print that one global threshold turns all white) gives way to it.
    Words then get `ocr_fixes.fix_words` (I read as ! or | in capitals, 5 as §).
    `dpi` is the image's true resolution when known (see `ocr_args`); `psm` defaults by the page's shape
    (`psm_for`), and the upright re-reading of a turned page gets the mode of its upright shape.
    """
    image = image if image.mode == "L" else image.convert("L")  # once, not once per pass
    page_psm = psm or psm_for(image)
    words = ocr_words(image, scale, lang, dpi, page_psm)
    upright, read_lang, degrees = image, lang, 0
    if osd and (len(words) < CONFIDENT_WORDS or mean_confidence(words) < CONFIDENT_MEAN):
        turn, script = detect_osd(image)
        extra = script_language(script, lang) if detect_script else None
        guessed = False
        if detect_script and not extra and mean_confidence(words) < TRY_CJK_BELOW:
            extra, guessed = unknown_script_pack(lang), True
        if turn or extra:
            other = rotate_clockwise(image, turn) if turn else image
            other_lang = f"{lang}+{extra}" if extra else lang
            other_psm = psm or psm_for(other)
            if extra:
                seen = f"said {script}, doubtful on a weak page" if guessed else f"saw {script} script"
                _log.info("OSD %s: reading the page again with %s", seen, other_lang)
            again = ocr_words(other, scale, other_lang, dpi, other_psm)
            gain = mean_confidence(again) - mean_confidence(words)
            if gain > (GUESS_GAIN if guessed else 0.0):
                words, upright, read_lang, degrees, page_psm = again, other, other_lang, turn, other_psm
    if reread and mean_confidence(words) < REREAD_BELOW:
        second = ocr_words(upright, scale, read_lang, dpi, page_psm, SAUVOLA)
        words = merge_lines(words, second) if words else second
    words = fix_words(words)
    if not degrees:
        return OcrResult(words, 0)
    w_pt, h_pt = image.width / scale, image.height / scale
    mapped = [Word(w.text, unrotate_box(w.bbox, degrees, w_pt, h_pt), w.conf, w.block, w.line) for w in words]
    return OcrResult(mapped, degrees)
