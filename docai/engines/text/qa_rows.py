"""Statement rows cut off from their table: a line of amounts read under the columns of the table it sits in.

A financial statement is often split into several passages: the rows that form a grid become table
passages with their header years, and a row whose long label or indent broke the grid comes out as a
"text" passage ("Depreciation and amortization of property, equipment and intangibles 62,283 54,028
48,374"), with no columns, so a question for one year cannot say which amount is that year's and the
page's "(in thousands)" is not applied. Here such a line adopts the columns of a table passage on the
same page, under the same heading, when each of its amounts sits under one of that table's year
columns. Only the question answerers see the result: the stored index is left as it was built.
"""

from __future__ import annotations

import dataclasses

from docai.engines.text.passages import Passage
from docai.engines.text.qa_values import span_bbox, values_in_line
from docai.engines.text.retrieval import DocIndex

COLUMN_TOLERANCE = 30.0
"""How far (points) an amount's centre may sit from its column's header centre."""


def _line_spans(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _aligned(p: Passage, line_start: int, line: str, columns: list[tuple[int, float]]) -> bool | None:
    """Whether the line's amounts fall one under each column (None: the line has no amounts)."""
    matches = values_in_line(line, "number")
    if not matches:
        return None
    if len(matches) != len(columns):
        return False
    xs = []
    for m in matches:
        box = span_bbox(p, line_start + m.start("num"), line_start + m.end("num"))
        xs.append((box[0] + box[2]) / 2)
    wanted = sorted(x for _, x in columns)
    return all(abs(x - w) <= COLUMN_TOLERANCE for x, w in zip(sorted(xs), wanted, strict=True))


def row_columns(p: Passage, table: Passage) -> bool:
    """Whether every line of `p` with amounts has them under `table`'s year columns (at least one does)."""
    if len(table.columns) < 2:
        return False
    seen = False
    for start, line in _line_spans(p.text):
        fit = _aligned(p, start, line, table.columns)
        if fit is False:
            return False
        seen = seen or bool(fit)
    return seen


def _host(p: Passage, tables: list[Passage]) -> Passage | None:
    """The table of the same page and heading whose columns the line's amounts sit under, the one
    nearest above it first."""
    same = [t for t in tables if t.context == p.context]
    above = sorted((t for t in same if t.bbox[1] <= p.bbox[1]), key=lambda t: -t.bbox[1])
    below = sorted((t for t in same if t.bbox[1] > p.bbox[1]), key=lambda t: t.bbox[1])
    for t in above + below:
        if row_columns(p, t):
            return t
    return None


def adopt_table_rows(passages: list[Passage]) -> list[Passage]:
    """`passages` with each cut-off statement row turned into a row of its table (same objects otherwise)."""
    tables: dict[tuple[str, int], list[Passage]] = {}
    for p in passages:
        if p.kind == "table" and len(p.columns) >= 2:
            tables.setdefault((p.doc_id, p.page_no), []).append(p)
    out = []
    for p in passages:
        page_tables = tables.get((p.doc_id, p.page_no))
        host = _host(p, page_tables) if p.kind == "text" and page_tables else None
        if host is None:
            out.append(p)
            continue
        out.append(
            dataclasses.replace(
                p,
                kind="table",
                columns=list(host.columns),
                periods=list(host.periods),
                unit=p.unit or host.unit,
                currency=p.currency or host.currency,
            )
        )
    return out


def with_table_rows(ix: DocIndex) -> DocIndex:
    """A view of `ix` whose cut-off rows are repaired; its arrays are shared, and vectors grown on the
    view are the index's own (the caller saves the index, not the view)."""
    return dataclasses.replace(ix, passages=adopt_table_rows(ix.passages))
