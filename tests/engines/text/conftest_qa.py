"""Helpers for the QA tests: multi-page PDFs drawn with PyMuPDF and a dict-backed BlobCache."""

from __future__ import annotations

from pathlib import Path

Line = tuple[float, float, str]


def multipage_pdf(path: Path, pages: list[list[Line]], size: tuple[float, float] = (595, 842)) -> Path:
    """A born-digital PDF; lines with CJK characters use PyMuPDF's built-in 'china-s' font."""
    import pymupdf

    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=size[0], height=size[1])
        for x, y, text in lines:
            cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
            page.insert_text((x, y), text, fontsize=10, fontname="china-s" if cjk else "helv")
    doc.save(path)
    doc.close()
    return path


def prose(y0: float, sentences: list[str], x: float = 60, width_chars: int = 90) -> list[Line]:
    """Sentences wrapped into lines about 14 pt apart, starting at baseline y0."""
    words = " ".join(sentences).split()
    lines: list[Line] = []
    current: list[str] = []
    y = y0
    for w in words:
        if current and len(" ".join([*current, w])) > width_chars:
            lines.append((x, y, " ".join(current)))
            current, y = [], y + 14
        current.append(w)
    if current:
        lines.append((x, y, " ".join(current)))
    return lines


def table_row(y: float, label: str, cells: list[str], xs: tuple[float, ...] = (400, 490)) -> list[Line]:
    """A label at the left and right-aligned-ish cells at the given x positions."""
    return [(60, y, label)] + [(x, y, c) for x, c in zip(xs, cells, strict=False)]


def annual_report_pages() -> list[list[Line]]:
    """Five pages of a small annual report; the answers sit on known pages."""
    p1 = [
        (60, 60, "Northwind Traders Annual Report 2023"),
        *prose(
            100,
            [
                "Northwind Traders sells specialty foods to restaurants across Europe.",
                "This report covers the fiscal year ended December 31, 2023.",
                "Our strategy focuses on sustainable sourcing and efficient logistics.",
            ],
        ),
    ]
    p2 = [
        (60, 60, "Consolidated Statements of Income"),
        (60, 76, "(in millions)"),
        (400, 100, "2023"),
        (490, 100, "2022"),
        *table_row(120, "Product sales", ["$ 980", "$ 905"]),
        *table_row(136, "Service revenue", ["254", "195"]),
        *table_row(152, "Total revenue", ["$ 1,234", "$ 1,100"]),
        *table_row(168, "Cost of sales", ["(702)", "(655)"]),
        *table_row(184, "Operating income", ["318", "287"]),
        *table_row(200, "Net income", ["$ 211", "$ 190"]),
    ]
    p3 = [
        (60, 60, "Our People"),
        *prose(
            100,
            [
                "At the end of the year we had 4,250 full-time employees in eleven countries.",
                "Employee engagement reached a record level in our annual survey.",
                "We opened a training academy for warehouse staff in Rotterdam.",
            ],
        ),
    ]
    p4 = [
        (60, 60, "Corporate Information"),
        *prose(
            100,
            [
                "Northwind Traders was founded on March 3, 1998 in Lyon by two chefs.",
                "The headquarters moved to Amsterdam after the merger with a Dutch distributor.",
                "The shares are listed on Euronext under the ticker NWT.",
            ],
        ),
    ]
    p5 = [
        (60, 60, "Subsequent Events"),
        *prose(
            100,
            [
                "In February 2024 Northwind sold its bakery division to Contoso Foods.",
                "Northwind received cash proceeds of $13.2 million; the sale gave a gain of $4.7 million.",
            ],
        ),
    ]
    return [p1, p2, p3, p4, p5]


class DictCache:
    """A BlobCache in a dict that counts reads and writes of QA indexes (`data`, `gets`, `puts`);
    the answers kept beside them (qa_answer_cache) go to `answers`, counted apart."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.answers: dict[str, bytes] = {}
        self.gets = 0
        self.puts = 0
        self.answer_gets = 0
        self.answer_puts = 0

    @staticmethod
    def _is_answer(key: str) -> bool:
        return key.startswith("textqa-answer/")

    def get(self, key: str) -> bytes | None:
        if self._is_answer(key):
            self.answer_gets += 1
            return self.answers.get(key)
        self.gets += 1
        return self.data.get(key)

    def put(self, key: str, value: bytes) -> None:
        if self._is_answer(key):
            self.answer_puts += 1
            self.answers[key] = value
            return
        self.puts += 1
        self.data[key] = value
