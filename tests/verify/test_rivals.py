"""Rival values on a value's page (docai.verify.rivals), read from real PDFs made by the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.document import Page
from docai.results import Evidence, Extraction
from docai.verify import Pages, verify
from docai.verify.confidence import Signals, features, kind_of_features
from docai.verify.fields import Leaf
from docai.verify.pageindex import PageIndex, index_page
from docai.verify.rivals import duration, rival_dates, rival_durations
from docai.verify.roles import field_type

AGREEMENT = [
    "MUTUAL NONDISCLOSURE AGREEMENT",
    "This Agreement is made and entered into as of March 1, 2015 by and between",
    "Acme Corporation and Globex Inc.",
    "This Agreement shall remain in force for a period of two (2) years.",
    "Notice must be given within ninety (90) days of any disclosure.",
    "Signed on June 5, 2016.",
]


def _load(tmp_path: Path, lines: list[str]) -> Page:
    import pymupdf

    from docai.parsers.loader import load_document

    path = tmp_path / "nda.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i, text in enumerate(lines):
        page.insert_text((50, 80 + 20 * i), text, fontsize=10, fontname="helv")
    doc.save(path)
    doc.close()
    return load_document(path).load_page(1)


def _index(tmp_path: Path, lines: list[str]) -> PageIndex:
    return index_page(_load(tmp_path, lines))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 years", (3, "year")),
        ("three (3) years", (3, "year")),
        ("twenty-four months", (24, "month")),
        ("90 calendar days", (90, "day")),
        ("Acme Inc.", None),
        ("New York", None),
        ("2 years from the Effective Date of this Agreement", None),
        ("2 years or 3 months", None),
    ],
)
def test_duration_reads_one_length_of_time(text: str, expected: tuple[int, str] | None) -> None:
    assert duration(text) == expected


def test_other_periods_on_the_page_are_rivals(tmp_path: Path) -> None:
    index = _index(tmp_path, AGREEMENT)
    assert rival_durations((2, "year"), index)  # ninety (90) days is printed too
    alone = _index(tmp_path, AGREEMENT[:4])
    assert not rival_durations((2, "year"), alone)
    assert rival_durations((3, "year"), alone)  # the page prints two years, not three


def test_other_dates_are_rivals_unless_another_field_holds_them(tmp_path: Path) -> None:
    index = _index(tmp_path, AGREEMENT)
    assert rival_dates("2015-03-01", index, set())
    assert not rival_dates("2015-03-01", index, {"2016-06-05"})
    assert not rival_dates("2015-03-01", _index(tmp_path, AGREEMENT[:5]), set())


def test_a_term_is_a_duration_field_with_its_own_model_inputs() -> None:
    leaf = Leaf("term", "term", "term", "2 years", {"type": "string"}, "string")
    assert field_type(leaf, "") == "duration"
    f = features(Signals(kind="string", grounded=True, ftype="duration", rivals=True))
    assert kind_of_features(f) == "duration" and f["rivals"] == 1.0
    place = Leaf("jurisdiction", "jurisdiction", "jurisdiction", "New York", {"type": "string"}, "string")
    assert field_type(place, "") == "text"


SCHEMA = {
    "type": "object",
    "properties": {
        "effective_date": {"type": "string", "format": "date"},
        "term": {"type": "string"},
        "signed": {"type": "string", "format": "date"},
    },
}


def test_the_stage_records_rivals_and_weighs_them(tmp_path: Path) -> None:
    page = _load(tmp_path, AGREEMENT)
    pages = Pages(lambda n: page, [1])

    def run(data: dict[str, str]) -> dict[str, Signals]:
        ev = {k: Evidence(1, None, "", 0.6) for k in data}
        trace: dict[str, Signals] = {}
        verify(Extraction(data=dict(data), evidence=ev, status="ok"), pages, SCHEMA, trace=trace)
        return trace

    lone = run({"effective_date": "2015-03-01", "term": "2 years"})
    assert lone["effective_date"].rivals  # the signature date is printed on the same page
    assert lone["term"].rivals and lone["term"].ftype == "duration"
    both = run({"effective_date": "2015-03-01", "signed": "2016-06-05"})
    assert not both["effective_date"].rivals and not both["signed"].rivals


def test_a_short_word_in_another_script_is_text_not_a_code() -> None:
    """'数据线' (a data cable) in a line item is a description; 'EUR' or 'USD' are codes."""
    row = Leaf("items[1].description", "items", "description", "数据线", {"type": "string"}, "string")
    code = Leaf("unit", "unit", "unit", "EUR", {"type": "string"}, "string")
    assert field_type(row, "") == "text" and field_type(code, "") == "code"


def test_an_amount_beside_a_length_of_time_is_not_a_duration() -> None:
    from docai.verify.rivals import duration

    assert duration("99.00 due in thirty days") is None
    assert duration("three (3) years") == (3, "year")


def test_outside_eval_a_date_among_rivals_is_held_at_its_cap(tmp_path: Path) -> None:
    """Production runs (no trace) look for rivals too, so the cap the eval measured is the one applied."""
    from docai.verify import calibration

    page = _load(tmp_path, AGREEMENT)
    pages = Pages(lambda n: page, [1])

    def run(data: dict[str, str]) -> dict[str, float | None]:
        ev = {k: Evidence(1, None, "", 0.9) for k in data}
        out = verify(Extraction(data=dict(data), evidence=ev, status="ok"), pages, SCHEMA)
        return {k: r.confidence for k, r in out.fields.items()}

    cap = calibration.FAILED_CHECK_CAPS["rivals"]
    lone = run({"effective_date": "2015-03-01"})  # the signature date, June 5, 2016, is a rival
    both = run({"effective_date": "2015-03-01", "signed": "2016-06-05"})
    assert lone["effective_date"] is not None and lone["effective_date"] <= cap
    assert both["effective_date"] is not None and both["effective_date"] > cap
