"""The table that every finder returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from docai.document import BBox


@dataclass
class Table:
    """A table: `header` is the first row; `cell_boxes` has one row per header+rows (None: empty cell)."""

    page_no: int
    bbox: BBox
    header: list[str]
    rows: list[list[str]]
    cell_boxes: list[list[BBox | None]] = field(default_factory=list)

    @property
    def cells(self) -> list[list[str]]:
        return [self.header, *self.rows]

    @property
    def n_cols(self) -> int:
        return len(self.header)
