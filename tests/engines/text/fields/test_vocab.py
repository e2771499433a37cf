"""Vocabulary lives in tables that say what they were fitted on; general modules name no region's words."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from docai.engines.text import matching
from docai.engines.text.vocab import SYNONYM_TEXT, my_sg
from docai.engines.text.vocab.legal_forms import COMPANY_SUFFIX, HEADER_SUFFIX, SUFFIX_ONLY

TEXT = Path(matching.__file__).parent
TABLES = ["en", "zh", "fr_de_nl", "my_sg", "legal_forms", "agreements"]
GENERAL = ["heuristics.py", "receipts.py", "receipt_header.py", "matching.py", "line_items.py", "kv.py"]
GENERAL += [f"fields/{p.name}" for p in (TEXT / "fields").glob("*.py")]


@pytest.mark.parametrize("name", TABLES)
def test_every_table_says_what_it_was_fitted_on(name: str) -> None:
    module = importlib.import_module(f"docai.engines.text.vocab.{name}")
    assert "Fitted on:" in (module.__doc__ or ""), name


@pytest.mark.parametrize("path", GENERAL)
def test_general_modules_name_no_malaysian_words(path: str) -> None:
    code = [
        ln.split("#")[0]
        for ln in (TEXT / path).read_text(encoding="utf-8").splitlines()
        if not ln.lstrip().startswith(("#", '"""', "'"))
    ]
    regional = {w for w in my_sg.STREET_WORDS.split("|") if len(w) >= 4} | {"selangor", "johor", "jumlah"}
    found = {w for w in regional if re.fullmatch(r"[a-z]+", w)} & set(
        re.findall(r"[a-z]+", " ".join(code).lower())
    )
    assert not found, f"{path} names {sorted(found)}: put them in docai/engines/text/vocab/"


def test_label_tables_by_language_reach_the_matcher() -> None:
    assert list(SYNONYM_TEXT) == ["en", "zh", "fr", "de", "nl"]
    assert "totaal" in matching.SYNONYMS["nl"]["total"] and "价税合计" in matching.SYNONYMS["zh"]["total"]
    assert matching.tokens("Qté") == ("quantité",) or matching.tokens("Total TTC") == ("total", "including")


def test_legal_forms_one_table_two_uses() -> None:
    for name in ("ACME TRADING SDN BHD", "Foods Co.", "Muster GmbH", "北京华信科技有限公司", "Beta LLC"):
        assert COMPANY_SUFFIX.search(name) and HEADER_SUFFIX.search(name), name
    # receipts' short and misread forms end an address, but do not make a name line sure of itself
    for name in ("99 SPEED MART S/B", "KEDAI MAJU S0N BD", "ABC PLT"):
        assert HEADER_SUFFIX.search(name) and not COMPANY_SUFFIX.search(name), name
    assert not COMPANY_SUFFIX.search("Coast Road") and not HEADER_SUFFIX.search("12 Harbour Road")
    assert SUFFIX_ONLY.fullmatch("SDN. BHD.") and not SUFFIX_ONLY.fullmatch("ACME SDN BHD")
