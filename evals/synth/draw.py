"""Drawing helpers over a PyMuPDF page: text with alignment, boxes, rulings, simple tables.

Base-14 fonts (helv, tiro, cour) only encode Latin-1, so any string with other characters (€, CJK)
is drawn with PyMuPDF's built-in CJK font `china-s`, which holds them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

_log = logging.getLogger(__name__)

CJK_FONT = "china-s"


@lru_cache(maxsize=8)
def _font(name: str) -> Any:
    import pymupdf

    return pymupdf.Font(name)


def font_for(text: str, font: str) -> str:
    """`font` when it can show `text`, else the CJK font."""
    try:
        text.encode("latin-1")
        return font
    except UnicodeEncodeError:
        return CJK_FONT


def split_runs(text: str, font: str) -> list[tuple[str, str]]:
    """`text` cut into (part, font) runs: Latin-1 parts in `font`, the rest in the CJK font."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        name = font_for(ch, font)
        if runs and runs[-1][1] == name:
            runs[-1] = (runs[-1][0] + ch, name)
        else:
            runs.append((ch, name))
    return runs


def text_width(text: str, font: str, size: float) -> float:
    return sum(_font(name).text_length(part, fontsize=size) for part, name in split_runs(text, font))


@dataclass
class Canvas:
    """One page plus a default font; `y` is a cursor for flowing content downwards."""

    page: Any
    font: str = "helv"
    size: float = 10.0
    margin: float = 50.0
    y: float = 60.0
    bold: dict[str, str] = field(default_factory=lambda: {"helv": "hebo", "tiro": "tibo", "cour": "cobo"})

    @property
    def width(self) -> float:
        return float(self.page.rect.width)

    @property
    def height(self) -> float:
        return float(self.page.rect.height)

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        size: float | None = None,
        align: str = "left",
        bold: bool = False,
        font: str | None = None,
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> float:
        """Draw `s` with its baseline at y; x is the left, right or centre edge per `align`. Returns width."""
        size = size or self.size
        base = font or self.font
        if bold:
            base = self.bold.get(base, base)
        runs = split_runs(s, base)
        w = sum(_font(name).text_length(part, fontsize=size) for part, name in runs)
        if align == "right":
            x -= w
        elif align == "center":
            x -= w / 2
        for part, name in runs:
            self.page.insert_text((x, y), part, fontname=name, fontsize=size, color=color)
            x += _font(name).text_length(part, fontsize=size)
        return w

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.6) -> None:
        self.page.draw_line((x0, y0), (x1, y1), color=(0, 0, 0), width=width)

    def box(
        self, x0: float, y0: float, x1: float, y1: float, fill: tuple[float, float, float] | None = None
    ) -> None:
        import pymupdf

        self.page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=(0, 0, 0), fill=fill, width=0.6)

    def paragraph(
        self, s: str, *, size: float | None = None, width: float | None = None, leading: float = 1.4
    ) -> None:
        """Word-wrapped text from the cursor down, at the left margin."""
        size = size or self.size
        width = width or (self.width - 2 * self.margin)
        words, line = s.split(), ""
        for w in words:
            trial = f"{line} {w}".strip()
            if text_width(trial, self.font, size) > width and line:
                self.text(self.margin, self.y, line, size=size)
                self.y += size * leading
                line = w
            else:
                line = trial
        if line:
            self.text(self.margin, self.y, line, size=size)
            self.y += size * leading

    def table(
        self,
        x: float,
        columns: list[tuple[str, float, str]],
        rows: list[list[str]],
        *,
        rulings: bool = True,
        size: float | None = None,
        row_h: float | None = None,
        header_fill: tuple[float, float, float] | None = (0.9, 0.9, 0.9),
    ) -> float:
        """A table from the cursor: columns are (header, width, align). Moves the cursor below it."""
        size = size or self.size
        row_h = row_h or size * 1.9
        total_w = sum(w for _, w, _ in columns)
        top = self.y
        all_rows = [[c[0] for c in columns], *rows]
        for r, row in enumerate(all_rows):
            y0 = top + r * row_h
            if r == 0 and rulings and header_fill:
                self.box(x, y0, x + total_w, y0 + row_h, fill=header_fill)
            cx = x
            for (_, w, align), cell in zip(columns, row, strict=False):
                tx = cx + 4 if align == "left" else cx + w - 4 if align == "right" else cx + w / 2
                self.text(tx, y0 + row_h * 0.68, cell, size=size, align=align, bold=r == 0)
                cx += w
            if rulings:
                self.line(x, y0 + row_h, x + total_w, y0 + row_h)
            elif r == 0:
                self.line(x, y0 + row_h, x + total_w, y0 + row_h, width=0.8)
        bottom = top + len(all_rows) * row_h
        if rulings:
            self.line(x, top, x + total_w, top)
            cx = x
            for _, w, _ in columns:
                self.line(cx, top, cx, bottom)
                cx += w
            self.line(cx, top, cx, bottom)
        self.y = bottom + size * 1.5
        return bottom
