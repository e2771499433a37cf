"""Character confusions of worn print are undone only where the context says so."""

from __future__ import annotations

import pytest

from docai.document import Word
from docai.parsers.ocr_fixes import UNSURE, fix_text, fix_words


@pytest.mark.parametrize(
    ("text", "conf", "want"),
    [
        ("JIAWE|", 0.90, "JIAWEI"),  # a pipe after capitals is an I
        ("RES!DENCE", 0.90, "RESIDENCE"),  # a bang between capitals is an I
        ("DAMA!", 0.40, "DAMAI"),  # a trailing bang of an unsure word is an I
        ("§6100", 0.50, "56100"),  # a section sign glued to digits is a 5
        ("SX-§75-1", 0.80, "SX-575-1"),
    ],
)
def test_confusions_in_context_are_fixed(text: str, conf: float, want: str) -> None:
    assert fix_text(text, conf) == want


@pytest.mark.parametrize(
    ("text", "conf"),
    [
        ("YOU!", 0.95),  # a confident exclamation mark stays
        ("Hello!", 0.30),  # small letters: ordinary text
        ("Y|N", 0.50),  # too few capitals to tell a column rule from a letter
        ("|GST", 0.50),  # a rule before a word is a table border
        ("§ 5", 0.90),  # a real section sign is set apart
        ("TOTAL", 0.99),
    ],
)
def test_look_alikes_out_of_context_stay(text: str, conf: float) -> None:
    assert fix_text(text, conf) == text


def test_fix_words_keeps_boxes_and_lines_and_reuses_an_untouched_list() -> None:
    clean = [Word("TOTAL", (0, 0, 10, 5), 0.9, 1, 1)]
    assert fix_words(clean) is clean
    worn = [*clean, Word("BES!", (12, 0, 20, 5), UNSURE - 0.1, 1, 1)]
    fixed = fix_words(worn)
    assert [w.text for w in fixed] == ["TOTAL", "BESI"]
    assert fixed[1].bbox == worn[1].bbox and (fixed[1].block, fixed[1].line) == (1, 1)
    assert worn[1].text == "BES!"  # the input is not changed
