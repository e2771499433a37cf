"""Tables from word alignment, line items mapped by header, arithmetic cross-checks."""

from __future__ import annotations

from pathlib import Path

from test_text_extract import run, text_in
from text_docs import INVOICE_ITEMS, INVOICE_SCHEMA, draw_pdf

from docai.engines.text.tables import find_tables
from docai.parsers import load_document


def test_find_tables_grid(invoice_pdf: Path) -> None:
    with load_document(invoice_pdf) as doc:
        tables = find_tables(doc.page(1))
    items = tables[0]
    assert items.header == ["Description", "Qty", "Unit Price", "Amount"]
    assert items.rows == [
        ["Widget A", "2", "10.00", "20.00"],
        ["Gadget B", "1", "5.50", "5.50"],
        ["Cable set", "3", "4.00", "12.00"],
    ]
    assert items.cells[0] == items.header and len(items.cell_boxes) == 4
    assert "Gadget" in text_in(invoice_pdf, items.cell_boxes[2][0])
    # the totals block is a second, two-column table; prose is none
    assert [len(t.header) for t in tables] == [4, 2]


def test_wrapped_cells_and_prose(draw) -> None:
    path = draw(
        "wrap.pdf",
        [
            (50, 60, "This paragraph is ordinary prose that runs across the page and is not a table at all."),
            (50, 74, "It continues on a second line with more words, still ordinary running text here."),
            (50, 120, "Item"), (300, 120, "Price"),
            (50, 136, "Extended warranty for"), (300, 136, "49.00"),
            (50, 148, "three years"),
            (50, 164, "Delivery"), (300, 164, "15.00"),
        ],
    )  # fmt: skip
    with load_document(path) as doc:
        tables = find_tables(doc.page(1))
    assert len(tables) == 1
    assert tables[0].rows == [["Extended warranty for three years", "49.00"], ["Delivery", "15.00"]]


def test_line_items_with_evidence_and_cross_checks(invoice_pdf: Path) -> None:
    r = run(invoice_pdf, INVOICE_SCHEMA)
    items = r.data["items"]
    assert [i["description"] for i in items] == ["Widget A", "Gadget B", "Cable set"]
    assert items[2] == {"description": "Cable set", "quantity": 3, "unit_price": 4.0, "amount": 12.0}
    assert "12.00" in text_in(invoice_pdf, r.evidence["items[2].amount"].bbox)
    assert not any("not" in n and "x" in n for n in r.notes)


def test_inconsistent_totals_lower_confidence(tmp_path: Path) -> None:
    good = draw_pdf(tmp_path / "good.pdf", INVOICE_ITEMS)
    bad_items = [(x, y, "$45.00" if t == "$41.25" else t, *rest) for x, y, t, *rest in INVOICE_ITEMS]
    bad = draw_pdf(tmp_path / "bad.pdf", bad_items)
    schema = {"type": "object", "properties": {k: {"type": "number"} for k in ("subtotal", "tax", "total")}}
    rg, rb = run(good, schema), run(bad, schema)
    assert rb.data["total"] == 45.0
    assert rb.evidence["total"].confidence < rg.evidence["total"].confidence
    assert any("total" in n for n in rb.notes) and not rg.notes


def test_stacked_header_group_header_and_caption(draw) -> None:
    path = draw(
        "stacked.pdf",
        [
            (50, 60, "Table 1: Market size by country"),
            (290, 96, "Population and density figures"),
            (200, 112, "GNP per"), (300, 112, "People"), (400, 112, "Density"),
            (50, 124, "Country"), (200, 124, "capita"), (300, 124, "1995 (mn)"), (400, 124, "per km2"),
            (50, 142, "Germany"), (200, 142, "27.5"), (300, 142, "81.9"), (400, 142, "229"),
            (50, 156, "France"), (200, 156, "25.0"), (300, 156, "58.1"), (400, 156, "106"),
            (50, 170, "Spain"), (200, 170, "13.6"), (300, 170, "39.3"), (400, 170, "78"),
        ],
    )  # fmt: skip
    with load_document(path) as doc:
        tables = find_tables(doc.page(1))
    assert len(tables) == 1
    cells = tables[0].cells
    # the group header is a row of its own, kept whole; the two header lines are one row
    assert [c for c in cells[0] if c] == ["Population and density figures"] and cells[0][0] == ""
    assert cells[1] == ["Country", "GNP per capita", "People 1995 (mn)", "Density per km2"]
    assert cells[2:] == [
        ["Germany", "27.5", "81.9", "229"], ["France", "25.0", "58.1", "106"], ["Spain", "13.6", "39.3", "78"]
    ]  # fmt: skip
    assert not any("Table 1" in c for row in cells for c in row)


def test_term_description_table_is_kept_two_column_prose_is_not(draw) -> None:
    left = "Prose set in two columns runs on with many words per line here"
    right = "and the second column of the page is just as long and wordy"
    more = "varies a lot from one school to another school in the same state"
    prose = [(50, 60 + 14 * i, left, 9) for i in range(4)] + [(320, 60 + 14 * i, right, 9) for i in range(4)]
    terms = [
        (50, 200, "Tuition"), (160, 200, f"The cost of taking a course {more}", 8),
        (50, 216, "Room and board"), (160, 216, f"The cost of lodging and food {more}", 8),
        (50, 232, "Books"), (160, 232, f"Textbooks and supplies {more}", 8),
    ]  # fmt: skip
    path = draw("terms.pdf", prose + terms)
    with load_document(path) as doc:
        tables = find_tables(doc.page(1))
    assert len(tables) == 1
    assert [r[0] for r in tables[0].cells] == ["Tuition", "Room and board", "Books"]
    assert tables[0].cells[1][1].startswith("The cost of lodging")


def test_group_headers_do_not_merge_the_value_columns_under_them(draw) -> None:
    rows = [
        ("Austria", "109", "0.9", "93", "1.1"),
        ("Germany", "123", "0.8", "290", "0.7"),
        ("Spain", "36", "-", "40", "0"),
    ]
    xs = (50, 200, 240, 300, 340)
    items = [(205, 100, "FY 2023"), (305, 100, "FY 2024")]
    items += [(x, 114, t) for x, t in zip(xs, ("Country", "n", "%", "n", "%"), strict=True)]
    items += [(x, 130 + 14 * i, t) for i, r in enumerate(rows) for x, t in zip(xs, r, strict=True)]
    with load_document(draw("groups.pdf", items)) as doc:
        tables = find_tables(doc.page(1))
    assert len(tables) == 1 and tables[0].n_cols == 5
    assert tables[0].cells[-3:] == [list(r) for r in rows]
    assert tables[0].cells[-4] == ["Country", "n", "%", "n", "%"]
