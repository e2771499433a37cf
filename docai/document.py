"""The document model every part of docai passes around: a lazily loaded document and its pages.

Coordinates are PDF points (1/72 inch) in the page as displayed (rotation applied), origin top-left.
Image inputs use 72 dpi so that one pixel is one point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from PIL.Image import Image

BBox = tuple[float, float, float, float]
TextSource = Literal["layer", "ocr", "none"]
PageRecord = tuple[int, float, float, str, str]
"""(page_no, width, height, text source, text) of a page that was loaded, as a run record keeps it."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word with its box; `conf` is OCR confidence in 0..1 (None for a text layer)."""

    text: str
    bbox: BBox
    conf: float | None = None
    block: int = 0
    line: int = 0


def words_to_text(words: list[Word]) -> str:
    """Plain text of words: one line per (block, line) group, in the order given."""
    lines: list[str] = []
    current: list[str] = []
    key: tuple[int, int] | None = None
    for w in words:
        k = (w.block, w.line)
        if key is not None and k != key and current:
            lines.append(" ".join(current))
            current = []
        key = k
        current.append(w.text)
    if current:
        lines.append(" ".join(current))
    return "\n".join(lines)


@dataclass
class Page:
    """A page: size in points, words with boxes, and a lazy renderer."""

    page_no: int
    width: float
    height: float
    rotation: int
    words: list[Word]
    text_source: TextSource
    renderer: Callable[[float], Image] = field(repr=False, compare=False)
    sized_renderer: Callable[[list[tuple[int, int]]], list[Image]] | None = field(
        default=None, repr=False, compare=False
    )
    """Renders the page at exact (width, height) pixel sizes in one pass (parsers set it; used by
    docai.parsers.page_slices to cut LLaVA-UHD slices without resampling)."""
    orientation: int = 0
    """Clockwise degrees (0/90/180/270) OCR turned this page's image to read it upright; 0 for text
    layers. Boxes stay in the page as displayed; rotate a render by this much to show it upright."""

    @property
    def text(self) -> str:
        return words_to_text(self.words)

    def render(self, dpi: float | None = None, max_pixels: int | None = None) -> Image:
        """Render at `dpi`, or at the dpi whose pixel area is at most `max_pixels` (default 144 dpi)."""
        if dpi is None:
            dpi = dpi_for_pixels(self.width, self.height, max_pixels) if max_pixels else 144.0
        return self.renderer(dpi)


def dpi_for_pixels(width_pt: float, height_pt: float, max_pixels: int) -> float:
    """The dpi at which a page of this size has about `max_pixels` pixels."""
    area_in2 = (width_pt / 72.0) * (height_pt / 72.0)
    if area_in2 <= 0:
        return 72.0
    return (max_pixels / area_in2) ** 0.5


@dataclass
class Document:
    """A loaded document. Pages are built one at a time on request; nothing holds page images."""

    path: Path
    sha256: str
    size_bytes: int
    mime: str
    page_count: int
    page_numbers: list[int]
    encrypted: bool
    metadata: dict[str, str]
    load_page: Callable[[int], Page] = field(repr=False, compare=False)
    closer: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    loaded: dict[int, PageRecord] = field(default_factory=dict, repr=False, compare=False)
    """Every page built so far through `page` or `pages`, by page number (a copy made with
    `dataclasses.replace` shares it, so pages read through the copy count too)."""

    @property
    def name(self) -> str:
        return self.path.name

    def page(self, page_no: int) -> Page:
        page = self.load_page(page_no)
        if page_no not in self.loaded:
            self.loaded[page_no] = (page.page_no, page.width, page.height, page.text_source, page.text)
        return page

    def pages(self) -> Iterator[Page]:
        """The selected pages, in order, each built when reached."""
        for n in self.page_numbers:
            yield self.page(n)

    def close(self) -> None:
        if self.closer is not None:
            self.closer()
            self.closer = None

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
