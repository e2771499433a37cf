"""Rival values read once per page (issue 13): a shared index answers as a fresh one does."""

from __future__ import annotations

from docai.document import Page, Word
from docai.verify.pageindex import index_page
from docai.verify.rivals import duration, rival_dates, rival_durations

LINES = [
    "Effective as of March 1, 2015 between the parties.",
    "The term is two (2) years; notice within ninety (90) days.",
    "Signed on June 5, 2016 and filed 01/02/2016.",
    "Nothing else here.",
]


def _page() -> Page:
    words = []
    for li, text in enumerate(LINES):
        x = 50.0
        for t in text.split():
            words.append(Word(t, (x, 100.0 + 20 * li, x + 6 * len(t), 110.0 + 20 * li), None, 0, li))
            x += 6 * len(t) + 6
    return Page(1, 595, 842, 0, words, "layer", lambda dpi: None)


def test_a_shared_index_reads_rival_dates_as_a_fresh_one() -> None:
    shared = index_page(_page())
    asks = [
        ("2015-03-01", set()),
        ("2015-03-01", {"2016-06-05", "2016-02-01", "2016-01-02"}),
        ("2016-06-05", {"2015-03-01"}),
        ("2016-06-05", {"2015-03-01", "2016-02-01", "2016-01-02"}),
        ("2019-01-01", set()),
    ]
    answers = [rival_dates(iso, shared, held) for iso, held in asks]
    assert answers == [rival_dates(iso, index_page(_page()), held) for iso, held in asks]
    assert answers[0] and not answers[1] and answers[2] and not answers[3]


def test_a_shared_index_reads_rival_durations_as_a_fresh_one() -> None:
    shared = index_page(_page())
    asks = [(2, "year"), (90, "day"), (3, "month")]
    answers = [rival_durations(v, shared) for v in asks]
    assert answers == [rival_durations(v, index_page(_page())) for v in asks] == [True, True, True]
    one = index_page(
        Page(
            1,
            595,
            842,
            0,
            [Word("two", (0, 0, 9, 9), None, 0, 0), Word("years", (10, 0, 30, 9), None, 0, 0)],
            "layer",
            lambda dpi: None,
        )
    )
    assert not rival_durations((2, "year"), one) and rival_durations((3, "year"), one)


def test_a_value_without_a_unit_is_no_length_of_time() -> None:
    assert duration("ninety (90) Days") == (90, "day") and duration("twenty-four MONTHS") == (24, "month")
    assert duration("ninety (90)") is None and duration("Acme Holdings 90") is None
