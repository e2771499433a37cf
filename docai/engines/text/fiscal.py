"""Multi-year figure tables (KPI highlights, statements with 2022 | 2023 | 2024 columns).

A row's values are tied to the year printed at the head of their column, so a field asks for the value of
one year: the year the schema names, else the document's own fiscal year (its title or 'fiscal year
ended ...' line), else the latest year in the columns.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from docai import values
from docai.engines.text.kv import Candidate
from docai.engines.text.layout import Line, Run, union

_log = logging.getLogger(__name__)

_YEAR_CELL = re.compile(r"(?:FY\s?|fiscal\s+(?:year\s+)?)?'?((?:19|20)\d{2})(?:\s?[A-Z]?)?", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DOC_YEAR = [
    re.compile(
        r"(?:fiscal|financial)\s+year\s+(?:ended|ending)?[^\n\d]{0,30}?(?:\d{1,2},?\s+)?((?:19|20)\d{2})",
        re.I,
    ),
    re.compile(r"\bannual\s+report\s+((?:19|20)\d{2})\b", re.I),
    re.compile(r"\b((?:19|20)\d{2})\s+annual\s+report\b", re.I),
    re.compile(r"\bFY\s?((?:19|20)\d{2})\b"),
    re.compile(r"\byear\s+ended\s+[A-Za-z]+\s+\d{1,2},?\s+((?:19|20)\d{2})\b", re.I),
]
MAX_HEADER_GAP = 12  # lines between a year header and the rows it heads


def _year_of(seg: Run) -> int | None:
    m = _YEAR_CELL.fullmatch(seg.text.strip())
    return int(m.group(1)) if m else None


def header_years(line: Line) -> list[tuple[int, Run]] | None:
    """The years of a column-header line ('2022 | 2023 | 2024', 'FY2024'), or None if it is not one."""
    found: list[tuple[int, Run]] = []
    for seg in line.segments:
        y = _year_of(seg)
        if y is None:
            if found or re.search(r"\d", seg.text):
                return None
            continue  # a leading caption cell ('USD millions') may stand before the years
        found.append((y, seg))
    return found or None


def _column_of(seg: Run, header: list[tuple[int, Run]]) -> int | None:
    """The header year above `seg`: most overlap, else the nearest right edge (figures align right)."""
    best, best_d = None, 1e9
    for year, h in header:
        ov = min(seg.bbox[2], h.bbox[2]) - max(seg.bbox[0], h.bbox[0])
        d = -ov if ov > 0 else abs(seg.bbox[2] - h.bbox[2])
        if d < best_d:
            best, best_d = year, d
    width = max(h.bbox[2] - h.bbox[0] for _, h in header)
    return best if best_d < 3 * width else None


def year_pairs(lines: Sequence[Line]) -> list[Candidate]:
    """A candidate per figure of each row under a year header, its `year` set to that column's year."""
    out: list[Candidate] = []
    header: list[tuple[int, Run]] | None = None
    since = 0
    for ln in lines:
        years = header_years(ln)
        if years is not None:
            header, since = years, 0
            continue
        since += 1
        if header is None or since > MAX_HEADER_GAP or len(ln.segments) < 2:
            continue
        label = ln.segments[0]
        if not re.search(r"[^\W\d_]", label.text):
            continue
        for seg in ln.segments[1:]:
            if values.parse_number(seg.text) is None:
                continue
            year = _column_of(seg, header)
            if year is None:
                continue
            confs = [w.conf for w in seg.words if w.conf is not None]
            out.append(
                Candidate(
                    label.text.strip(" :："), seg.text, ln.page_no, union(w.bbox for w in seg.words),
                    "column",
                    sum(confs) / len(confs) if confs else None, ln.index, tuple(seg.words), year,
                )
            )  # fmt: skip
    return out


def schema_year(schema: dict[str, Any]) -> int | None:
    """A year the schema's own title or descriptions name ('KPIs for fiscal 2023')."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k in ("title", "description"):
                if isinstance(node.get(k), str):
                    texts.append(node[k])
            for v in node.values():
                if isinstance(v, (dict, list)):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    years = {int(m) for t in texts for m in _YEAR.findall(t)}
    return max(years) if len(years) == 1 else None


def document_year(page_texts: Iterable[str], column_years: Iterable[int]) -> int | None:
    """The document's fiscal year: from its title pages, else the latest year heading a figure column."""
    for text in list(page_texts)[:3]:
        for rx in _DOC_YEAR:
            m = rx.search(text)
            if m:
                return int(m.group(1))
    years = list(column_years)
    return max(years) if years else None
