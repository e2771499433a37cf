"""The Review tab's page: render it with every field's box, and turn a click or a dragged box on the
image into the words under it (their text becomes the value, the box the evidence).

Clicks arrive in pixels of the image shown; boxes are kept in page points, as all evidence is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docai.document import BBox, Word
from docai.results import Evidence
from docai.review_values import word_at, words_in_box, words_text
from docai.webui.evidence import boxes_on_page, draw_boxes, first_evidence_page

if TYPE_CHECKING:
    from PIL.Image import Image

_log = logging.getLogger(__name__)

REVIEW_DPI = 110.0


@dataclass
class RenderedPage:
    image: Image | None
    page_no: int
    page_count: int
    page_size: tuple[float, float]
    note: str


@dataclass
class Picked:
    """Words taken from the page: their text and the box that becomes the field's evidence."""

    text: str
    page_no: int
    bbox: BBox

    def evidence(self) -> Evidence:
        return Evidence(page_no=self.page_no, bbox=self.bbox, text=self.text, confidence=1.0)


def _load(path: str | Path, ocr: str = "auto") -> Any:
    from docai.options import Options
    from docai.parsers import load_document

    return load_document(path, Options(ocr=ocr))  # type: ignore[arg-type]


def render_page(
    path: str | None,
    evidence: Mapping[str, Evidence],
    page_no: int | None,
    selected: str | None,
    states: Mapping[str, str] | None = None,
) -> RenderedPage:
    """The page (default: the selected field's) with every field's box, labelled with its review state
    where a person confirmed it or it needs one; never raises for a bad file."""
    from docai.errors import DocaiError

    if path is None or not Path(path).is_file():
        return RenderedPage(None, 1, 1, (1.0, 1.0), "The document file is not stored here: no page to show.")
    target = page_no or first_evidence_page(evidence, selected)
    try:
        with _load(path, "never") as doc:
            target = min(max(target, 1), doc.page_count)
            page = doc.page(target)
            image = page.render(dpi=REVIEW_DPI)
            size, count = (page.width, page.height), doc.page_count
    except DocaiError as e:
        return RenderedPage(None, 1, 1, (1.0, 1.0), f"Cannot show the page: {e}")
    labels = {k: _label(k, (states or {}).get(k)) for k in evidence}
    boxes = [(labels[k], bbox) for k, bbox in boxes_on_page(evidence, target)]
    note = (
        f"Page {target} of {count}: {len(boxes)} field box(es). Click a word or drag a box to take its text."
    )
    chosen = labels.get(selected) if selected else None
    return RenderedPage(draw_boxes(image, size, boxes, chosen), target, count, size, note)


_STATE_MARKS = {"corrected": "corrected", "accepted": "ok", "needs_review": "check"}


def _label(path: str, state: str | None) -> str:
    mark = _STATE_MARKS.get(state or "")
    return f"{path} ({mark})" if mark else path


def page_words(path: str, page_no: int) -> tuple[list[Word], tuple[float, float]]:
    """The page's words (text layer, else OCR) and its size in points; kept for the next click."""
    p = Path(path)
    return _page_words(str(p), page_no, p.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _page_words(path: str, page_no: int, _mtime: int) -> tuple[list[Word], tuple[float, float]]:
    with _load(path) as doc:
        page = doc.page(min(max(page_no, 1), doc.page_count))
        return list(page.words), (page.width, page.height)


def to_points(
    xy: tuple[float, float], image_size: tuple[int, int], page_size: tuple[float, float]
) -> tuple[float, float]:
    """Image pixels -> page points."""
    return xy[0] * page_size[0] / image_size[0], xy[1] * page_size[1] / image_size[1]


def pick_word(path: str, page_no: int, xy: tuple[float, float], image_size: tuple[int, int]) -> Picked | None:
    """The word under a click (image pixels); None when the click is on no word."""
    words, size = page_words(path, page_no)
    x, y = to_points(xy, image_size, size)
    word = word_at(words, x, y)
    return Picked(word.text, page_no, word.bbox) if word is not None else None


def pick_box(path: str, page_no: int, box_px: BBox, image_size: tuple[int, int]) -> Picked | None:
    """The words inside a dragged box (image pixels); the box itself is the evidence."""
    words, size = page_words(path, page_no)
    x0, y0 = to_points((box_px[0], box_px[1]), image_size, size)
    x1, y1 = to_points((box_px[2], box_px[3]), image_size, size)
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    inside = words_in_box(words, box)
    if not inside:
        return None
    return Picked(words_text(inside), page_no, box)


def parse_box(text: str | None) -> BBox | None:
    """'x0,y0,x1,y1' (from the page's drag script) -> a box; None when malformed."""
    try:
        parts = [float(p) for p in (text or "").split(",")]
    except ValueError:
        return None
    return (parts[0], parts[1], parts[2], parts[3]) if len(parts) == 4 else None
