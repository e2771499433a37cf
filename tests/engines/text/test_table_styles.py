"""Tables in varied styles on pages the tests draw (ruled, unruled, a spanning group header, numeric
columns, prose and captions around): read with the layout model and alone by word alignment."""

from __future__ import annotations

import random
from pathlib import Path

import pymupdf
import pytest
from table_pdfs import WRAPPED, grid_matches, random_spec, table_pdf, wrapped_ruled_pdf

from docai.document import Word
from docai.engines.text.table_layout import PageRegions, RuledTable, page_regions
from docai.engines.text.table_ruled import cut_share, stacks_values
from docai.engines.text.table_vote import overlap_share, voted_tables
from docai.engines.text.tables import aligned_tables, find_tables
from docai.parsers import load_document

STYLES = [(ruled, group) for ruled in (False, True) for group in (False, True)]


@pytest.mark.parametrize(("ruled", "group"), STYLES)
@pytest.mark.parametrize("seed", [1])
@pytest.mark.parametrize("with_model", [True, False])
def test_styles_read_whole(tmp_path: Path, ruled: bool, group: bool, seed: int, with_model: bool) -> None:
    rng = random.Random(seed * 10 + 2 * ruled + group)
    specs = [random_spec(rng, ruled, group) for _ in range(2)]
    path = table_pdf(tmp_path / "t.pdf", specs)
    with load_document(path) as doc:
        tables = find_tables(doc.page(1), path if with_model else None)
    # two tables, captions and prose left out, every cell in its row and column
    assert len(tables) == 2
    for table, spec in zip(tables, specs, strict=True):
        assert grid_matches(table.cells, spec), table.cells


def test_layout_model_finds_the_drawn_tables(tmp_path: Path) -> None:
    rng = random.Random(7)
    path = table_pdf(tmp_path / "t.pdf", [random_spec(rng, False, False), random_spec(rng, True, False)])
    regions = page_regions(path, 1)
    assert regions is not None and len(regions.layout) == 2
    # only the second table is drawn with rulings
    assert len(regions.ruled) == 1 and overlap_share(regions.ruled[0].bbox, regions.layout[1]) > 0.8


def _grid_words(x0: float, y0: float, rows: list[list[str]]) -> list[Word]:
    return [
        Word(text, (x0 + 90 * k, y0 + 14 * r, x0 + 90 * k + 6 * len(text), y0 + 14 * r + 9))
        for r, row in enumerate(rows)
        for k, text in enumerate(row)
    ]


ROWS = [["Item", "2023", "2024"], ["Sales", "10.5", "12.0"], ["Costs", "4.0", "4.5"], ["Net", "6.5", "7.5"]]


def test_alignment_only_table_needs_a_second_finder() -> None:
    words = _grid_words(50, 100, ROWS)
    aligned = aligned_tables(words)
    assert len(aligned) == 1
    box = aligned[0].bbox
    # neither the model nor rulings see it: dropped (a wrong table costs more than a missed one)
    assert voted_tables(words, 1, PageRegions([], []), aligned, aligned_tables) == []
    # drawn with rulings: two finders agree, kept
    kept = voted_tables(words, 1, PageRegions([], [RuledTable(box, [])]), aligned, aligned_tables)
    assert [t.cells for t in kept] == [ROWS]


def test_layout_region_is_read_from_its_own_words() -> None:
    # a paragraph line set tight under the table, outside the model's region, stays out of it
    words = [
        *_grid_words(50, 100, ROWS),
        Word("Notes", (50, 158, 80, 167)),
        Word("follow", (340, 158, 376, 167)),
    ]
    region = (48.0, 98.0, 300.0, 150.0)
    tables = voted_tables(words, 1, PageRegions([region], []), aligned_tables(words), aligned_tables)
    assert [t.cells for t in tables] == [ROWS]
    assert tables[0].bbox[3] < 158


def test_region_without_columns_is_one_cell() -> None:
    words = [Word("Figures", (50, 100, 90, 109)), Word("withheld", (94, 100, 140, 109))]
    tables = voted_tables(words, 1, PageRegions([(45.0, 95.0, 150.0, 115.0)], []), [], aligned_tables)
    assert [t.cells for t in tables] == [[["Figures withheld"]]]


def test_rulings_join_wrapped_cells(tmp_path: Path) -> None:
    path = wrapped_ruled_pdf(tmp_path / "w.pdf")
    with load_document(path) as doc:
        page = doc.page(1)
        with_model = find_tables(page, path)
        alone = find_tables(page)
    assert [t.cells for t in with_model] == [WRAPPED]
    # word alignment alone cannot tell a wrapped cell from two rows here: the rulings settle it
    assert [t.cells for t in alone] != [WRAPPED]


def test_stacked_values_are_rows_the_rulings_miss() -> None:
    lines = [[Word("1,530", (100, 10, 120, 18))], [Word("1,253", (100, 22, 120, 30))]]
    assert stacks_values(lines)
    assert not stacks_values([[Word("Training", (100, 10, 130, 18))], [Word("for", (100, 22, 110, 30))]])


def test_rotated_or_unreadable_pages_fall_back_to_alignment(tmp_path: Path) -> None:
    rng = random.Random(5)
    spec = random_spec(rng, False, False)
    path = table_pdf(tmp_path / "t.pdf", [spec])
    doc = pymupdf.open(path)
    doc[0].set_rotation(90)
    doc.save(tmp_path / "r.pdf")
    doc.close()
    assert page_regions(tmp_path / "r.pdf", 1) is None
    assert page_regions(tmp_path / "missing.pdf", 1) is None  # a warning, no exception
    with load_document(path) as d:
        # a wrong path for the model still leaves word alignment
        tables = find_tables(d.page(1), tmp_path / "missing.pdf")
    assert len(tables) == 1 and grid_matches(tables[0].cells, spec)


def test_a_grid_through_the_words_is_no_cell_grid() -> None:
    words = _grid_words(50, 100, ROWS)
    cells = [
        [(48.0, 98.0 + 14 * r, 138.0, 112.0 + 14 * r), (138.0, 98.0 + 14 * r, 320.0, 112.0 + 14 * r)]
        for r in range(4)
    ]
    clean = RuledTable((48.0, 98.0, 320.0, 154.0), cells)
    assert cut_share(clean, words) == 0.0
    # a boundary set through the year columns' words (x = 150 crosses '2023' at 140..164)
    through = [[(48.0, c[1], 150.0, c[3]), (150.0, c[1], 320.0, c[3])] for c, _ in cells]
    assert cut_share(RuledTable((48.0, 98.0, 320.0, 154.0), through), words) > 0.2
