"""Agreement rules: parties from the opening clause, governing law, term and effective date."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text import contracts
from docai.engines.text.engine import TextEngine
from docai.options import Options
from docai.parsers.loader import load_document

NDA_SCHEMA = {
    "type": "object",
    "properties": {
        "effective_date": {"type": ["string", "null"], "format": "date"},
        "jurisdiction": {"type": ["string", "null"], "description": "State whose law governs"},
        "party": {"type": "array", "items": {"type": "string"}},
        "term": {"type": ["string", "null"], "description": "Duration of the agreement"},
    },
}

OPENING = (
    "MUTUAL NONDISCLOSURE AGREEMENT BY AND BETWEEN NORTHWIND AND CONTOSO\n\n"
    "This Mutual Nondisclosure Agreement (this “Agreement”) is entered into as of the 4th day of "
    "September, 2012 by and between Northwind Traders, Inc., a Delaware corporation, located at 12 Main "
    "Street, Suite 400, Springfield, IL 62701 (“Northwind”), and Contoso Holdings, LLC, a Nevada limited "
    "liability company (together with its subsidiaries, “Contoso”) (each a “Party”). 1. Purpose. The "
    "parties wish to evaluate a possible transaction between them."
)
BODY = (
    "2. Non-Solicitation. During the Employee’s employment and for a period of one (1) year after the "
    "termination of such employment, no Party shall solicit or hire employees of the other.\n\n"
    "3. Term. This Agreement shall remain in full force and effect for a period of two (2) years from "
    "the Effective Date, and the obligations of confidentiality shall survive its expiration.\n\n"
    "4. Organization. Northwind is a corporation organized and existing under the laws of the State of "
    "Delaware.\n\n"
    "5. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of "
    "the State of New York, without regard to its conflict of laws principles."
)


def _nda(path: Path) -> Path:
    import pymupdf

    doc = pymupdf.open()
    for text in (OPENING, BODY):
        page = doc.new_page(width=612, height=792)
        page.insert_textbox(pymupdf.Rect(72, 72, 540, 720), text, fontsize=10.5, fontname="helv")
    doc.save(path)
    doc.close()
    return path


@pytest.fixture(scope="module")
def nda_result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    pdf = _nda(tmp_path_factory.mktemp("nda") / "nda.pdf")
    with load_document(pdf) as doc:
        result = TextEngine(Options(semantic=False)).extract(doc, NDA_SCHEMA)
    return {"data": result.data, "evidence": result.evidence}


def test_parties_come_from_the_opening_clause_not_the_title(nda_result: dict) -> None:
    assert nda_result["data"]["party"] == ["Northwind Traders Inc.", "Contoso Holdings LLC"]
    ev = nda_result["evidence"]["party[0]"]
    assert ev.page_no == 1 and ev.bbox is not None


def test_governing_law_is_the_chosen_law_not_the_state_of_incorporation(nda_result: dict) -> None:
    assert nda_result["data"]["jurisdiction"] == "New York"
    assert nda_result["evidence"]["jurisdiction"].page_no == 2


def test_term_is_the_agreements_duration_not_the_non_solicit_period(nda_result: dict) -> None:
    assert nda_result["data"]["term"] == "2 years"


def test_effective_date_from_day_of_month_wording(nda_result: dict) -> None:
    assert nda_result["data"]["effective_date"] == "2012-09-04"


@pytest.mark.parametrize(
    ("clause", "names"),
    [
        (
            "TESARO, Inc. (“TESARO”), located at 1000 Winter Street, Waltham, MA 02451, GlaxoSmithKline LLC, "
            "located at 1250 South Road, PA 19426 (“GSK”), and Ajinomoto Althea, Inc. (“ABPS”). TESARO may",
            ["TESARO Inc.", "GlaxoSmithKline LLC", "Ajinomoto Althea Inc."],
        ),
        (
            "uDate.com, Inc., a Delaware corporation, and Anthony Dunn (the “Employee”).",
            ["uDate.com Inc.", "Anthony Dunn"],
        ),
        (
            "3M Company (“Interested Party”), and Cogent, Inc., a Delaware corporation",
            ["3M Company", "Cogent Inc."],
        ),
        ("the Company and you, and the Company will", []),
        (
            "Joseph W. Kiley, III (“Executive”) and Bank of Hills. The parties agree",
            ["Joseph W. Kiley III", "Bank of Hills"],
        ),
    ],
)
def test_parties_in_lists_and_descriptions(clause: str, names: list[str]) -> None:
    assert contracts.parties_in(clause) == names


def test_no_sentence_no_value(tmp_path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_textbox(
        pymupdf.Rect(72, 72, 500, 700), "Meeting notes. We discussed the budget for next year."
    )
    doc.save(tmp_path / "notes.pdf")
    with load_document(tmp_path / "notes.pdf") as d:
        data = TextEngine(Options(semantic=False)).extract(d, NDA_SCHEMA).data
    assert data == {"effective_date": None, "jurisdiction": None, "party": [], "term": None}
