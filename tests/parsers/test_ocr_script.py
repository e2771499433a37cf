"""A page in a script the OCR language cannot read is read again with the pack for that script."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.errors import InputError
from docai.options import Options
from docai.parsers import load_document
from docai.parsers.ocr import installed_languages, ocr_page, script_language
from docai.parsers.ocr_script import split_auto

pytestmark = pytest.mark.skipif(
    "chi_sim" not in installed_languages(), reason="tesseract-ocr-chi-sim missing"
)

LINES = [
    "发票号码: FP-20240315",
    "开票日期: 2024年3月15日",
    "购买方: 北京星辰科技有限公司",
    "价税合计: ¥14,464.00",
]


def _chinese_page(tmp_path: Path):
    import pymupdf
    from PIL import Image

    doc = pymupdf.open()
    page = doc.new_page()
    for i, text in enumerate(LINES):
        page.insert_text((72, 100 + 30 * i), text, fontname="china-s", fontsize=14)
    path = tmp_path / "zh.png"
    page.get_pixmap(dpi=200).save(path)
    doc.close()
    return Image.open(path)


def test_chinese_page_under_eng_is_read_with_chi_sim(tmp_path: Path) -> None:
    result = ocr_page(_chinese_page(tmp_path), 200 / 72, "eng")
    text = "".join(w.text for w in result.words)
    # chi_sim often drops a line's first character; the rest of each line must be there
    assert "票号码" in text and "北京星辰科技" in text and "税合计" in text and "14,464.00" in text


def test_script_language_only_adds_what_is_missing() -> None:
    assert script_language("Han", "eng") == "chi_sim"
    assert script_language("Han", "eng+chi_sim") is None
    assert script_language("Latin", "eng") is None
    assert script_language(None, "eng") is None


def test_scripts_sharing_han_glyphs_fall_back_to_any_installed_cjk_pack() -> None:
    # OSD often names a Chinese page "Japanese"; without jpn, chi_sim reads its Han characters.
    installed = frozenset({"eng", "chi_sim", "osd"})
    assert script_language("Japanese", "eng", installed) == "chi_sim"
    assert script_language("Japanese", "eng", frozenset({"eng", "jpn", "chi_sim"})) == "jpn"
    assert script_language("Han", "eng", frozenset({"eng", "chi_tra"})) == "chi_tra"
    # a language that already reads the glyphs gets nothing added, and nothing installed adds nothing
    assert script_language("Japanese", "eng+chi_sim", installed) is None
    assert script_language("Cyrillic", "eng", installed) is None


def test_split_auto_keeps_named_languages_and_defaults_to_eng() -> None:
    assert split_auto("auto") == ("eng", True)
    assert split_auto("eng+auto") == ("eng", True)
    assert split_auto("deu+auto") == ("deu", True)
    assert split_auto("eng") == ("eng", False)
    assert split_auto("eng+chi_sim") == ("eng+chi_sim", False)


def test_default_language_detects_the_script_but_a_named_one_is_kept(tmp_path: Path) -> None:
    # the same Chinese scan: default options read it with chi_sim added, an explicit `eng` stays eng
    _chinese_page(tmp_path)
    path = tmp_path / "zh.png"
    auto = load_document(path, Options())
    text = "".join(w.text for w in auto.page(1).words)
    assert Options().lang == "auto" and "北京星辰科技" in text
    named = load_document(path, Options(lang="eng"))
    assert not any("\u4e00" <= ch <= "\u9fff" for w in named.page(1).words for ch in w.text)
    with pytest.raises(InputError, match="no language"):
        load_document(path, Options(lang="klingon+auto"))


def test_weak_page_of_unnamed_script_tries_the_cjk_pack(tmp_path: Path, monkeypatch) -> None:
    """OSD can call a Chinese scan 'Latin' (seen on synthetic scanned invoices); here OSD's answer is
    replaced by that and the first reading by a weak one, while the re-reading with chi_sim is real
    Tesseract."""
    from docai.parsers import ocr

    if "chi_sim" not in installed_languages():
        pytest.skip("chi_sim not installed")
    monkeypatch.setattr(ocr, "detect_osd", lambda image: (0, "Latin"))
    real = ocr.ocr_words

    def weak_english_first(image, scale, lang="eng", *args, **kwargs):
        words = real(image, scale, lang, *args, **kwargs)
        if lang == "eng":
            return [ocr.Word(w.text, w.bbox, 0.3, w.block, w.line) for w in words]
        return words

    monkeypatch.setattr(ocr, "ocr_words", weak_english_first)
    result = ocr.ocr_page(_chinese_page(tmp_path), 200 / 72, "eng", reread=False)
    text = "".join(w.text for w in result.words)
    assert "北京星辰科技" in text and "税合计" in text, text[:200]


def test_unsure_cjk_guess_needs_a_clear_gain(tmp_path: Path, monkeypatch) -> None:
    """The same weak page keeps its first reading when the CJK re-reading is not clearly better."""
    from docai.parsers import ocr

    if "chi_sim" not in installed_languages():
        pytest.skip("chi_sim not installed")
    monkeypatch.setattr(ocr, "detect_osd", lambda image: (0, None))
    real = ocr.ocr_words

    def first_nearly_as_good(image, scale, lang="eng", *args, **kwargs):
        words = real(image, scale, lang, *args, **kwargs)
        if lang == "eng":  # just under the CJK reading's confidence
            return [ocr.Word("LATIN", w.bbox, 0.6, w.block, w.line) for w in words]
        return [ocr.Word(w.text, w.bbox, 0.7, w.block, w.line) for w in words]

    monkeypatch.setattr(ocr, "ocr_words", first_nearly_as_good)
    result = ocr.ocr_page(_chinese_page(tmp_path), 200 / 72, "eng", reread=False)
    assert {w.text for w in result.words} == {"LATIN"}
