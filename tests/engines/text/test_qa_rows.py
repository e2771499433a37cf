"""A statement row cut off from its table as a "text" passage reads the columns of the table it sits in."""

from __future__ import annotations

from docai.engines.text.passages import Passage
from docai.engines.text.qa_find import QuestionKind, find_value
from docai.engines.text.qa_rows import adopt_table_rows
from docai.engines.text.retrieval import Hit

COLUMNS = [(2015, 420.0), (2014, 490.0), (2013, 560.0)]
HEADING = "CONSOLIDATED STATEMENTS OF CASH FLOWS (in thousands)"


def _passage(text: str, y: float, kind: str, xs: dict[str, float] | None = None, **kw) -> Passage:
    """Words laid out left to right from x=40, except those `xs` places (amounts under their columns)."""
    boxes, x = [], 40.0
    for word in text.split():
        if xs and word in xs:
            centre = xs[word]
            boxes.append((centre - 15, y, centre + 15, y + 9))
        else:
            boxes.append((x, y, x + 6 * len(word), y + 9))
            x += 6 * len(word) + 4
    bbox = (min(b[0] for b in boxes), y, max(b[2] for b in boxes), y + 9)
    return Passage("d", "f.pdf", 3, text, bbox, boxes, kind=kind, context=HEADING, unit="thousands", **kw)


def _page(amount_xs: dict[str, float]) -> list[Passage]:
    table = _passage(
        "Net income 122,641 266,799 112,403",
        100,
        "table",
        {"122,641": 420, "266,799": 490, "112,403": 560},
        columns=COLUMNS,
    )
    row = _passage(
        "Depreciation and amortization of property, equipment and intangibles 62,283 54,028 48,374",
        120,
        "text",
        amount_xs,
    )
    prose = _passage("See accompanying notes to consolidated financial statements.", 140, "text")
    return [table, row, prose]


ALIGNED = {"62,283": 421, "54,028": 489, "48,374": 562}


def test_a_row_under_the_tables_columns_becomes_a_row_of_it() -> None:
    table, row, prose = _page(ALIGNED)
    out = adopt_table_rows([table, row, prose])
    assert out[0] is table and out[2] is prose  # others untouched
    assert out[1].kind == "table" and out[1].columns == COLUMNS and out[1].text == row.text


def test_amounts_off_the_columns_stay_text() -> None:
    table, row, prose = _page({"62,283": 300, "54,028": 340, "48,374": 380})
    assert adopt_table_rows([table, row, prose])[1] is row


def test_a_row_of_another_heading_stays_text() -> None:
    table, row, prose = _page(ALIGNED)
    row.context = "NOTES TO CONSOLIDATED FINANCIAL STATEMENTS"
    assert adopt_table_rows([table, row, prose])[1] is row


def test_the_adopted_row_gives_the_asked_years_amount_with_its_scale() -> None:
    table, row, _prose = adopt_table_rows(_page(ALIGNED))
    terms = {"depreciation": 2.0, "amortization": 2.0}
    hits = [Hit(passage=p, score=1.0, bm25=1.0, dense=None, coverage=1.0, terms=terms) for p in (row, table)]
    c = find_value(
        hits, QuestionKind("number", [2014], [], "What was depreciation and amortization in 2014?")
    )
    assert c is not None and c.text == "54,028 thousand"
