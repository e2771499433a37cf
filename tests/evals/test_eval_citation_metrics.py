"""Citation precision and the held-out halves: the measures issue 17's targets are stated in."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from docai.errors import InputError
from docai.evals.datasets import Dataset, Question
from docai.evals.metrics import passage_holds_answer


def test_passage_holds_numeric_answer_at_any_scale() -> None:
    assert passage_holds_answer("Total revenue $ 1,234 $ 1,100", "$1,234 million", True)
    assert passage_holds_answer("revenue of $1.234 billion", "$1,234 million", True)
    assert not passage_holds_answer("Net income $ 211 $ 190", "$1,234 million", True)


def test_passage_holds_text_answer_ignoring_case_and_punctuation() -> None:
    assert passage_holds_answer("Our head office moved to Amsterdam, Netherlands.", "amsterdam", False)
    assert not passage_holds_answer("Our head office moved to Rotterdam.", "Amsterdam", False)
    assert not passage_holds_answer("anything", "", False)


def test_part_splits_questions_by_crc32_of_their_id(tmp_path: Path) -> None:
    doc = tmp_path / "a.pdf"
    qs = [Question(doc, f"q{i}?", "1", [1], True, f"id_{i}") for i in range(20)]
    ds = Dataset(name="x", root=tmp_path, questions=qs)
    even, odd = ds.part("even"), ds.part("odd")
    assert len(even.questions) + len(odd.questions) == 20
    assert all(zlib.crc32(q.id.encode()) % 2 == 0 for q in even.questions)
    assert all(zlib.crc32(q.id.encode()) % 2 == 1 for q in odd.questions)
    assert ds.part(None) is ds
    with pytest.raises(InputError):
        ds.part("third")
