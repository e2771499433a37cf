"""Which lines of a table region become rows: captions and notes out, wrapped cells merged, labels kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docai.engines.text.tables import Table, find_tables
from docai.parsers import load_document


def _tables(path: Path) -> list[Table]:
    with load_document(path) as doc:
        return find_tables(doc.page(1))


def test_caption_and_source_note_stay_out(draw: Callable[..., Path]) -> None:
    path = draw(
        "caption.pdf",
        [
            (50, 60, "Table 2:"), (110, 60, "Population by region, 2010 and 2020"),
            (110, 74, "(in thousands)"),
            (50, 100, "Region"), (250, 100, "2010"), (350, 100, "2020"),
            (50, 116, "North"), (250, 116, "1,204"), (350, 116, "1,310"),
            (50, 132, "South"), (250, 132, "2,118"), (350, 132, "2,240"),
            (50, 148, "West"), (250, 148, "877"), (350, 148, "901"),
            (50, 166, "Source:"), (250, 166, "National statistics office"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.header == ["Region", "2010", "2020"]
    assert table.rows == [["North", "1,204", "1,310"], ["South", "2,118", "2,240"], ["West", "877", "901"]]


def test_group_header_under_caption_is_a_row(draw: Callable[..., Path]) -> None:
    """A line over the data columns under a caption heads them; it is no caption continuation."""
    path = draw(
        "group.pdf",
        [
            (50, 60, "Table 3.3: Frequency of use among pupils"),
            (250, 76, "Frequency of use in the past"),
            (50, 92, "Substance"), (160, 92, "Last month"), (260, 92, "Last year"), (360, 92, "Never"),
            (50, 108, "Cannabis"), (160, 108, "9.6%"), (260, 108, "4.0%"), (360, 108, "80.1%"),
            (50, 124, "Inhalants"), (160, 124, "2.7%"), (260, 124, "1.6%"), (360, 124, "91.6%"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert "Frequency of use in the past" in table.header
    assert "Table" not in " ".join(table.header)
    assert table.rows[0] == ["Substance", "Last month", "Last year", "Never"]
    assert table.rows[1] == ["Cannabis", "9.6%", "4.0%", "80.1%"]


def test_label_over_block_of_rows_is_its_own_row(draw: Callable[..., Path]) -> None:
    """Labels alone in the stub column head blocks of rows, right under the header and under a total."""
    path = draw(
        "blocks.pdf",
        [
            (50, 60, "Age"), (200, 60, "Cases"), (300, 60, "Rate"),
            (50, 76, "Women"),
            (50, 92, "45-54"), (200, 92, "19"), (300, 92, "10.4"),
            (50, 108, "total"), (200, 108, "301"), (300, 108, "63.4"),
            (50, 124, "Men"),
            (50, 140, "45-54"), (200, 140, "33"), (300, 140, "16.3"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.header == ["Age", "Cases", "Rate"]
    assert [r[0] for r in table.rows] == ["Women", "45-54", "total", "Men", "45-54"]
    assert table.rows[0] == ["Women", "", ""]


def test_label_on_two_lines_around_its_values(draw: Callable[..., Path]) -> None:
    """Values set between the two lines of their row label (vertically centred) make one row."""
    path = draw(
        "centred.pdf",
        [
            (50, 60, "Measure"), (250, 60, "1997"), (330, 60, "1998"),
            (50, 80, "Median income"), (250, 80, "49,497"), (330, 80, "51,295"),
            (50, 100, "Income inequality (Gini", 8),
            (250, 104, "0.0628", 8), (330, 104, "0.0636", 8),
            (50, 108, "index)", 8),
            (50, 124, "Mortality (years lost", 8),
            (250, 128, "7108.3", 8), (330, 128, "6960.6", 8),
            (50, 132, "before age 75)", 8),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.rows == [
        ["Median income", "49,497", "51,295"],
        ["Income inequality (Gini index)", "0.0628", "0.0636"],
        ["Mortality (years lost before age 75)", "7108.3", "6960.6"],
    ]


def test_text_table_rows_wrapped_in_every_column(draw: Callable[..., Path]) -> None:
    """In a table of terms and descriptions a line continues its row when its cells read on."""
    path = draw(
        "terms.pdf",
        [
            (50, 60, "Type"), (200, 60, "Description"),
            (50, 76, "Visual analog"), (200, 76, "A line of fixed length with words"),
            (50, 88, "scale (VAS)"), (200, 88, "anchored at each end of the line."),
            (50, 100, "Likert scale"), (200, 100, "An ordered set of discrete terms."),
            (50, 112, "Checklist"), (200, 112, "Checklists provide a simple choice."),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.header == ["Type", "Description"]
    assert table.rows == [
        ["Visual analog scale (VAS)", "A line of fixed length with words anchored at each end of the line."],
        ["Likert scale", "An ordered set of discrete terms."],
        ["Checklist", "Checklists provide a simple choice."],
    ]


def test_bulleted_text_above_a_table_stays_out(draw: Callable[..., Path]) -> None:
    path = draw(
        "bullets.pdf",
        [
            (50, 60, "•"), (70, 60, "higher correlation in the whole period for most countries"),
            (50, 74, "•"), (70, 74, "lower correlation in the crisis period than in the whole period"),
            (50, 100, "Period"), (200, 100, "Portugal"), (300, 100, "Greece"),
            (50, 116, "Q4 2009"), (200, 116, "0.17"), (300, 116, "0.70"),
            (50, 132, "Q1 2010"), (200, 132, "0.64"), (300, 132, "0.72"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.header == ["Period", "Portugal", "Greece"]
    assert len(table.rows) == 2


def test_labels_over_row_blocks_do_not_split_the_table(draw: Callable[..., Path]) -> None:
    """Three short lines in the stub column (a wrapped label's end, two block labels) inside one table."""
    path = draw(
        "labels.pdf",
        [
            (50, 60, "Group"), (200, 60, "Total"), (300, 60, "Share"),
            (50, 80, "American Indian/Alaska"), (200, 80, "707"), (300, 80, "7.2"),
            (50, 91, "Native"),
            (50, 107, "Sex, by race"),
            (50, 123, "Male"),
            (60, 139, "Hispanic"), (200, 139, "7,086"), (300, 139, "7.1"),
            (60, 155, "Black"), (200, 155, "5,545"), (300, 155, "9.9"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert [r[0] for r in table.rows] == [
        "American Indian/Alaska Native",
        "Sex, by race",
        "Male",
        "Hispanic",
        "Black",
    ]


def test_prose_between_two_tables_parts_them(draw: Callable[..., Path]) -> None:
    """Text running past a narrow table's right edge is prose, even when it is only two lines long."""
    rows = [("20-29", "0.2650"), ("30-39", "0.2046"), ("40-49", "0.1477")]
    items: list[tuple[float, float, str]] = [(50, 60, "Age Group"), (200, 60, "Proportion")]
    items += [(x, 76 + 16 * i, t) for i, (a, b) in enumerate(rows) for x, t in ((50, a), (210, b))]
    items += [
        (50, 140, "The following proportions should be used for the trends analysis across the"),
        (50, 154, "surveys."),
        (50, 178, "Age Group"), (200, 178, "Proportion"),
    ]  # fmt: skip
    items += [(x, 194 + 16 * i, t) for i, (a, b) in enumerate(rows) for x, t in ((50, a), (210, b))]
    tables = _tables(draw("two.pdf", items))
    assert [len(t.rows) for t in tables] == [3, 3]
    assert all(t.header == ["Age Group", "Proportion"] for t in tables)


def test_caption_with_hanging_indent_stays_out(draw: Callable[..., Path]) -> None:
    """A caption's second line under its text (not under 'Table 4:') is caption, not a group header."""
    path = draw(
        "hanging.pdf",
        [
            (50, 60, "Table 4:"), (110, 60, "Employment rates (15 to 64 years) in Finland and the EU,"),
            (110, 74, "1995 and 2005 (in %)"),
            (200, 96, "Finland"), (330, 96, "EU-15"),
            (170, 112, "Female"), (230, 112, "Male"), (300, 112, "Female"), (360, 112, "Male"),
            (50, 128, "1995"), (170, 128, "59.0"), (230, 128, "64.2"), (300, 128, "49.7"), (360, 128, "70.5"),
            (50, 144, "2005"), (170, 144, "66.5"), (230, 144, "70.3"), (300, 144, "57.4"), (360, 144, "72.9"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert "1995 and 2005" not in " ".join(table.header)
    assert [c for c in table.header if c] == ["Finland", "EU-15"]
    assert table.rows[0] == ["", "Female", "Male", "Female", "Male"]
    assert table.rows[1] == ["1995", "59.0", "64.2", "49.7", "70.5"]


def test_counts_with_shares_are_values(draw: Callable[..., Path]) -> None:
    path = draw(
        "shares.pdf",
        [
            (50, 60, "Faculty"), (200, 60, "Sample"), (300, 60, "Population"),
            (50, 76, "Sciences"), (200, 76, "63 (18.5%)"), (300, 76, "597 (16.4%)"),
            (50, 92, "Humanities"), (200, 92, "77 (22.6%)"), (300, 92, "755 (20.7%)"),
            (50, 108, "Total"), (200, 108, "340"), (300, 108, "3640"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.header == ["Faculty", "Sample", "Population"]
    assert table.rows[0] == ["Sciences", "63 (18.5%)", "597 (16.4%)"]
    assert len(table.rows) == 3


def test_header_grazing_the_next_column_does_not_span(draw: Callable[..., Path]) -> None:
    """A column header reaching into the column beside it (whose widest number is further down) is still
    one column's header, so the wrapped header line above it joins the same header row."""
    path = draw(
        "grazing.pdf",
        [
            (120, 60, "total"),
            (50, 72, "Group"), (120, 72, "units"), (200, 72, "(%)"), (236, 72, "Unadjusted OR"),
            (50, 90, "Male"), (120, 90, "61,206"), (200, 90, "(4.7)"), (262, 90, "1.1"),
            (50, 106, "Female"), (120, 106, "49,486"), (200, 106, "(1,105.9)"), (262, 106, "1.2"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.header == ["Group", "total units", "(%)", "Unadjusted OR"]
    assert table.rows == [["Male", "61,206", "(4.7)", "1.1"], ["Female", "49,486", "(1,105.9)", "1.2"]]


def test_group_header_over_the_gap_between_columns_adds_none(draw: Callable[..., Path]) -> None:
    xs = [150, 220, 290, 360, 430]
    items: list[tuple[float, float, str]] = [(394, 60, "Grade"), (50, 76, "Year")]
    items += [(x, 76, g) for x, g in zip(xs, ["7", "8", "9", "10", "11"], strict=True)]
    items += [(50, 92, "1996")] + [
        (x, 92, v) for x, v in zip(xs, ["3,464", "3,403", "3,801", "3,323", "2,930"], strict=True)
    ]
    items += [(50, 108, "1997")] + [
        (x, 108, v) for x, v in zip(xs, ["3,520", "3,415", "3,819", "3,376", "2,972"], strict=True)
    ]
    (table,) = _tables(draw("gapheader.pdf", items))
    assert table.n_cols == 6
    assert "Grade" in table.header
    assert table.rows[-1] == ["1997", "3,520", "3,415", "3,819", "3,376", "2,972"]


def test_table_beside_a_column_of_prose(draw: Callable[..., Path]) -> None:
    """On a page of two columns the prose column is cut off; the table beside it stands alone."""
    prose = [
        "larger colleges and universities enrolled most",
        "students in the fall of that year, with the",
        "share of the institutions that had enrollment",
        "levels of ten thousand or more growing again",
        "these institutions enrolled most of all students",
        "in addition to the students, colleges employ",
    ]
    items: list[tuple[float, float, str]] = [(50, 60 + 14 * i, t, 9) for i, t in enumerate(prose)]
    items += [
        (300, 60, "Age", 9), (380, 60, "Enrollment", 9), (460, 60, "%", 9),
        (300, 74, "14-17", 9), (380, 74, "231,000", 9), (460, 74, "1.3", 9),
        (300, 88, "18-19", 9), (380, 88, "3,769,000", 9), (460, 88, "21.2", 9),
        (300, 102, "20-21", 9), (380, 102, "3,648,000", 9), (460, 102, "20.5", 9),
        (300, 116, "22-24", 9), (380, 116, "3,193,000", 9), (460, 116, "18.0", 9),
    ]  # fmt: skip
    (table,) = _tables(draw("beside.pdf", items))
    assert table.header == ["Age", "Enrollment", "%"]
    assert table.rows[0] == ["14-17", "231,000", "1.3"]
    assert len(table.rows) == 4
    assert table.bbox[0] >= 299


def test_stub_wider_than_every_value_is_its_own_column(draw: Callable[..., Path]) -> None:
    """A stub of years a little wider than the many narrow numbers beside it is still a column."""
    xs = [130 + 40 * k for k in range(10)]
    items: list[tuple[float, float, str]] = [
        (x, 60, h) for x, h in zip(xs, ["F", "M", "T", "Y"] * 2 + ["F", "M"], strict=True)
    ]
    for i, year in enumerate(["1995", "2000", "2005"]):
        items += [(78, 76 + 16 * i, year)] + [(x, 76 + 16 * i, f"{k + i}.1") for k, x in enumerate(xs)]
    (table,) = _tables(draw("years.pdf", items))
    assert [r[0] for r in table.rows] == ["1995", "2000", "2005"]
    assert table.rows[0][1] == "0.1"
    assert table.n_cols == 11


def test_several_block_labels_between_header_and_data(draw: Callable[..., Path]) -> None:
    path = draw(
        "nested.pdf",
        [
            (50, 60, "Sample Group"), (250, 60, "Some"), (330, 60, "None"), (420, 60, "Total"),
            (50, 76, "All Randomly Assigned"),
            (70, 92, "3-Year-Old Cohort"),
            (90, 108, "Head Start Group"), (250, 108, "85.1%"), (330, 108, "14.9%"), (420, 108, "100%"),
            (90, 124, "Control Group"), (250, 124, "17.3%"), (330, 124, "82.7%"), (420, 124, "100%"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.header == ["Sample Group", "Some", "None", "Total"]
    assert [r[0] for r in table.rows] == [
        "All Randomly Assigned",
        "3-Year-Old Cohort",
        "Head Start Group",
        "Control Group",
    ]


def test_larger_header_line_is_a_row_above_the_smaller_one(draw: Callable[..., Path]) -> None:
    """A cell wraps in one type size: a larger line set tight above the column headers heads them."""
    path = draw(
        "sizes.pdf",
        [
            (50, 60, "Age groups", 14), (290, 60, "U.S. population", 14),
            (200, 72, "Proportion", 10), (290, 72, "Proportion", 10), (400, 72, "Total", 10),
            (200, 82, "(total)", 10), (290, 82, "(adults)", 10),
            (50, 98, "Under 1 year", 10), (210, 98, "0.0156", 10), (400, 98, "3,533,692", 10),
            (50, 112, "20 - 29 years", 10), (210, 112, "0.1803", 10), (300, 112, "0.2650", 10),
            (400, 112, "40,839,623", 10),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.header[0] == "Age groups" and "U.S. population" in table.header
    assert table.rows[0][1:] == ["Proportion (total)", "Proportion (adults)", "Total"]
    assert table.rows[1] == ["Under 1 year", "0.0156", "", "3,533,692"]


def test_short_centred_group_header_and_wrapped_stub_header(draw: Callable[..., Path]) -> None:
    """'Race' centred tight over the group headers heads them; 'Age / group / (yrs)' is one stub cell."""
    path = draw(
        "race.pdf",
        [
            (262, 60, "Race", 9),
            (50, 70, "Age", 9), (172, 70, "Asian/Pacific Islander", 9),
            (327, 70, "Black/African American", 9),
            (50, 79, "group", 9),
            (50, 88, "(yrs)", 9), (170, 88, "no.", 9), (240, 88, "Rate", 9), (330, 88, "no.", 9),
            (400, 88, "Rate", 9),
            (50, 104, "45-54", 9), (170, 104, "109", 9), (240, 104, "10.4", 9), (330, 104, "875", 9),
            (400, 104, "31.3", 9),
            (50, 116, "55-64", 9), (170, 116, "202", 9), (240, 116, "28.8", 9), (330, 116, "1,090", 9),
            (400, 116, "61.1", 9),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    cells = [table.header, *table.rows]
    assert "Race" in cells[0]
    assert any(r[0] == "Age group (yrs)" for r in cells)
    assert cells[-1] == ["55-64", "202", "28.8", "1,090", "61.1"]
    assert ["no.", "Rate", "no.", "Rate"] in [r[1:] for r in cells]


def test_values_set_closer_than_a_segment_gap_are_cells(draw: Callable[..., Path]) -> None:
    """Numbers only a little more than a word space apart are still separate columns."""
    rows = [("District", "1,144", "193.5", "221", "37.6"), ("New York", "39,385", "181.2", "6,398", "29.7")]
    xs = [50, 120, 154, 184, 214]
    items: list[tuple[float, float, str, int]] = [
        (x, 60, h, 9) for x, h in zip(xs, ["State", "no.", "Rate", "no.", "Rate"], strict=True)
    ]
    for i, row in enumerate(rows):
        items += [(x, 76 + 12 * i, t, 9) for x, t in zip(xs, row, strict=True)]
    (table,) = _tables(draw("close.pdf", items))
    assert table.header == ["State", "no.", "Rate", "no.", "Rate"]
    assert table.rows == [list(r) for r in rows]


def test_test_statistic_under_the_table_stays_out(draw: Callable[..., Path]) -> None:
    path = draw(
        "stat.pdf",
        [
            (50, 60, "Faculty"), (200, 60, "Sample"), (300, 60, "Population"),
            (50, 76, "Sciences"), (200, 76, "38"), (300, 76, "672"),
            (50, 92, "Humanities"), (200, 92, "18"), (300, 92, "413"),
            (50, 108, "Total"), (200, 108, "154"), (300, 108, "2714"),
            (50, 124, "chi2 = 6.671,"), (130, 124, "v = 3,"), (200, 124, "p = 0.083"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.rows[-1] == ["Total", "154", "2714"]
    assert table.bbox[3] < 116


def test_tables_side_by_side_are_parted(draw: Callable[..., Path]) -> None:
    """A header whose value columns repeat under new stub columns is two tables set side by side."""
    left = [("Under 1", "3,533,692"), ("1 year", "3,269,557"), ("2 years", "3,223,816")]
    right = [("40 years", "2,468,083"), ("41 years", "2,375,849"), ("42 years", "2,325,572")]
    items: list[tuple[float, float, str]] = [(50, 60, "Age"), (150, 60, "Population")]
    items += [(270, 60, "Age"), (370, 60, "Population")]
    for i, ((a, b), (c, d)) in enumerate(zip(left, right, strict=True)):
        items += [(50, 76 + 16 * i, a), (150, 76 + 16 * i, b), (270, 76 + 16 * i, c), (370, 76 + 16 * i, d)]
    tables = _tables(draw("side.pdf", items))
    assert [t.header for t in tables] == [["Age", "Population"], ["Age", "Population"]]
    assert tables[0].rows == [list(r) for r in left]
    assert tables[1].rows == [list(r) for r in right]
    assert tables[0].bbox[2] < 270 <= tables[1].bbox[0]


def test_header_repeated_over_neighbouring_columns_is_one_table(draw: Callable[..., Path]) -> None:
    path = draw(
        "repeat.pdf",
        [
            (150, 60, "Alternate"), (250, 60, "Alternate"), (350, 60, "Alternate"),
            (50, 76, "Content"), (150, 76, "Grade level"), (250, 76, "Grade level"), (350, 76, "Extended"),
            (50, 92, "Standard"), (150, 92, "Grade level"), (250, 92, "Modified"), (350, 92, "Alternate"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.n_cols == 4


def test_bullet_marks_set_apart_join_their_text(draw: Callable[..., Path]) -> None:
    path = draw(
        "bulletcol.pdf",
        [
            (50, 60, "Item Property"), (222, 60, "Reason for Change"),
            (50, 76, "Variability"), (200, 76, "·"), (222, 76, "All patients give the same answer."),
            (200, 88, "·"), (222, 88, "Most choose one response."),
            (50, 108, "Redundancy"), (200, 108, "·"), (222, 108, "Item duplicates another."),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.n_cols == 2
    assert table.rows == [
        ["Variability", "· All patients give the same answer. · Most choose one response."],
        ["Redundancy", "· Item duplicates another."],
    ]


def test_labels_at_different_indents_are_one_column(draw: Callable[..., Path]) -> None:
    """'Men' and 'Women' at one indent and 'Total' set further right never share a row: one column."""
    items: list[tuple[float, float, str]] = [(260, 60, "Agriculture"), (360, 60, "Services")]
    for i, (label, x, a, b) in enumerate(
        [("Men", 120, "11.0", "48.4"), ("Women", 120, "6.6", "77.4"), ("Total", 185, "8.9", "62.4")]
    ):
        items += [(x, 76 + 16 * i, label), (262, 76 + 16 * i, a), (362, 76 + 16 * i, b)]
    (table,) = _tables(draw("indent.pdf", items))
    assert table.n_cols == 3
    assert [r[0] for r in table.rows] == ["Men", "Women", "Total"]


def test_text_row_of_capitalised_cells_starts_a_row(draw: Callable[..., Path]) -> None:
    """In a table of text, a line whose cells all start with a capital begins a row; a line reading on
    in lower case continues the row above."""
    path = draw(
        "textrows.pdf",
        [
            (50, 60, "Property"), (150, 60, "Type"), (300, 60, "What is assessed"),
            (50, 76, "Reliability"), (150, 76, "Test-retest"), (300, 76, "Stability of scores over"),
            (150, 88, "reliability"), (300, 88, "time when stable"),
            (150, 100, "Internal consistency"), (300, 100, "Extent to which items"),
            (300, 112, "measure one concept"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.rows == [
        ["Reliability", "Test-retest reliability", "Stability of scores over time when stable"],
        ["", "Internal consistency", "Extent to which items measure one concept"],
    ]


def test_header_text_not_aligned_with_the_cell_below_is_a_row(draw: Callable[..., Path]) -> None:
    """'Male students' set off-centre over 'Population' shares no edge nor centre with the cell
    under it: it heads the columns, it is no wrapped line of 'Population'."""
    path = draw(
        "groupabove.pdf",
        [
            (268, 60, "Male students"),
            (50, 72, "Faculty cluster"), (190, 72, "Sample"), (300, 72, "Population"),
            (50, 88, "Sciences"), (190, 88, "38 (24.7%)"), (300, 88, "672 (24.8%)"),
            (50, 104, "Humanities"), (190, 104, "18 (11.7%)"), (300, 104, "413 (15.2%)"),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert "Male students" in table.header
    assert table.rows[0] == ["Faculty cluster", "Sample", "Population"]
    assert table.rows[1] == ["Sciences", "38 (24.7%)", "672 (24.8%)"]


def test_test_statistic_set_on_two_baselines_stays_out(draw: Callable[..., Path]) -> None:
    """The statistic's numbers a little below its symbols ('X =', 'p =') go with them."""
    path = draw(
        "stat2.pdf",
        [
            (50, 60, "Faculty"), (200, 60, "Sample"), (300, 60, "Population"),
            (50, 76, "Sciences"), (200, 76, "38"), (300, 76, "672"),
            (50, 92, "Total"), (200, 92, "154"), (300, 92, "2714"),
            (58, 112, "2 6.671,", 9), (120, 112, "3,", 9), (150, 112, "0.152", 9),
            (48, 105, "X =", 9), (104, 105, "v =", 9), (134, 105, "p =", 9),
        ],
    )  # fmt: skip
    (table,) = _tables(path)
    assert table.rows[-1] == ["Total", "154", "2714"]
    assert table.n_cols == 3
