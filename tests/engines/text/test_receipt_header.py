"""Receipt headers anchored on the address: the shop's name is the line above it, the address runs from the
street line to the postcode (and state), registration numbers and contact lines around it are left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from text_docs import draw_pdf

from docai.engines.text import TextEngine
from docai.engines.text.receipt_header import is_reg_line
from docai.options import Options
from docai.parsers import load_document

SCHEMA = {"type": "object", "properties": {"company": {"type": "string"}, "address": {"type": "string"}}}


def _extract(tmp_path: Path, items: list[tuple]) -> dict:
    pdf = draw_pdf(tmp_path / "r.pdf", items, font="cour")
    with load_document(pdf) as doc:
        return TextEngine(Options(semantic=False)).extract(doc, SCHEMA).data


def test_name_is_the_line_above_the_address_not_a_customer_with_a_suffix_below(tmp_path: Path) -> None:
    """A logo's letters on top, the shop's name without a legal suffix, its registration number, then the
    address; the customer printed under the header carries 'SDN BHD' but is not the issuer."""
    items = [
        (150, 40, "Axo", 20),
        (150, 90, "PERNIAGAAN ZHENG HUI"),
        (150, 106, "JM0328956-V"),
        (150, 122, "NO.59 JALAN PERMAS 9/5"),
        (150, 138, "BANDAR BARU PERMAS JAYA"),
        (150, 154, "81750 JOHOR BAHRU"),
        (150, 170, "TEL: 07-386 7524 FAX: 07-386 3795"),
        (150, 200, "SIMPLIFIED TAX INVOICE"),
        (150, 230, "GOGIANT ENGINEERING (M) SDN BHD"),
        (60, 260, "Receipt CS00082562"),
    ]
    data = _extract(tmp_path, items)
    assert data["company"] == "PERNIAGAAN ZHENG HUI"
    assert data["address"] == "NO.59 JALAN PERMAS 9/5 BANDAR BARU PERMAS JAYA 81750 JOHOR BAHRU"


def test_address_runs_over_a_building_line_to_the_postcode_and_the_state(tmp_path: Path) -> None:
    """Lines between the street line and the postcode belong to the address even without street words; the
    name above has no house number so it stays out; after the postcode only the state continues it."""
    items = [
        (150, 40, "YHM Aeon Tebrau City"),
        (150, 56, "S117, Second Floor,"),
        (150, 72, "Aeon Tebrau City,"),
        (150, 88, "1, Jalan Desa Tebrau,"),
        (150, 104, "81100 Johor Bahru,"),
        (150, 120, "Johor."),
        (150, 136, "Thank you"),
        (150, 170, "002105827328"),
    ]
    data = _extract(tmp_path, items)
    assert data["company"] == "YHM Aeon Tebrau City"
    assert (
        data["address"]
        == "S117, Second Floor, Aeon Tebrau City, 1, Jalan Desa Tebrau, 81100 Johor Bahru, Johor."
    )


@pytest.mark.parametrize(("y", "size"), [(200, 30), (160, 44)])
def test_address_stops_at_a_gap_or_at_much_larger_print(tmp_path: Path, y: int, size: int) -> None:
    """A blank band under the address, or print three times its size (a logo or a slogan), ends it."""
    items = [
        (150, 40, "KEDAI BUKU MAJU SDN BHD", 12),
        (150, 60, "NO.53 JALAN SAGU 18,"),
        (150, 76, "TAMAN DAYA,"),
        (150, 92, "81100 JOHOR BAHRU,"),
        (150, 108, "JOHOR."),
        (150, y, "MALAYSIA BOLEH", size),
    ]
    data = _extract(tmp_path, items)
    assert data["address"] == "NO.53 JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR."


def test_no_name_read_above_the_address_gives_no_company(tmp_path: Path) -> None:
    """When OCR lost the name, the address's first line is not returned as the company."""
    items = [
        (150, 300, "(001451637-M)"),
        (150, 316, "NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI"),
        (150, 332, "SELANGOR DARUL EHSAN"),
        (150, 348, "TEL: 03-3271 9872"),
    ]
    data = _extract(tmp_path, items)
    assert data["company"] is None
    assert data["address"] == "NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI SELANGOR DARUL EHSAN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(123456-X)", True),
        ("JM0328956-V", True),
        ("(.3M0517726)", True),
        ("(001451 637-M)", True),
        ("Company No 002643278-A", True),
        ("81100 JOHOR BAHRU", False),
        ("NO.59 JALAN PERMAS 9/5", False),
        ("(TESCO PUTRA NILAI)", False),
        ("84600,PAGOH,JOHOR", False),
    ],
)
def test_registration_number_lines(text: str, expected: bool) -> None:
    assert is_reg_line(text) is expected


def test_scraps_beside_the_header_lines_are_left_out(tmp_path: Path) -> None:
    """OCR reads bits of a logo as short words left of the name and the address; they are not part of them."""
    items = [
        (40, 40, "Bee"),
        (200, 40, "PAGOH REST AND SERVICE AREA"),
        (40, 56, "fe ae"),
        (200, 56, "LOT R1, KWS REHAT & RAWAT PAGOH,"),
        (200, 72, "84600 PAGOH, JOHOR"),
        (200, 88, "TEL: 06-974 3111"),
    ]
    data = _extract(tmp_path, items)
    assert data["company"] == "PAGOH REST AND SERVICE AREA"
    assert data["address"] == "LOT R1, KWS REHAT & RAWAT PAGOH, 84600 PAGOH, JOHOR"


def test_house_number_line_and_the_town_after_a_postcode_at_the_line_end(tmp_path: Path) -> None:
    """'NO 43-45-47G,' is a house number, not a date; a postcode ending its line has the town on the next."""
    items = [
        (150, 40, "FUYI MINI MARKET"),
        (150, 56, "BR NO.: 0195932-X"),
        (150, 72, "NO 43-45-47G,"),
        (150, 88, "TAMAN SEJATI, IJOK 45600"),
        (150, 104, "BESTARI JAYA"),
        (150, 120, "SELANGOR"),
        (150, 136, "03-3279 1851"),
    ]
    data = _extract(tmp_path, items)
    assert data["company"] == "FUYI MINI MARKET"
    assert data["address"] == "NO 43-45-47G, TAMAN SEJATI, IJOK 45600 BESTARI JAYA SELANGOR"


def test_name_over_three_lines_and_a_name_ending_in_its_number(tmp_path: Path) -> None:
    """A line starting with the legal form ('ENTERPRISE (SETIA') continues the name above it."""
    items = [
        (150, 40, "AIK HUAT HARDWARE"),
        (150, 56, "ENTERPRISE (SETIA"),
        (150, 72, "ALAM) SDN BHD"),
        (150, 88, "822737-X"),
        (150, 104, "NO. 17-G, JALAN SETIA INDAH"),
        (150, 120, "40170 SHAH ALAM"),
    ]
    data = _extract(tmp_path, items)
    assert data["company"] == "AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD"


def test_name_with_its_registration_number_on_the_same_line(tmp_path: Path) -> None:
    items = [
        (150, 40, "99 SPEED MART S/B (519537-X)"),
        (150, 56, "LOT P.T. 2811, JALAN ANGSA,"),
        (150, 72, "TAMAN BERKELEY"),
        (150, 88, "41150 KLANG, SELANGOR"),
        (150, 104, "GST ID. NO : 000181747712"),
    ]
    data = _extract(tmp_path, items)
    assert data["company"] == "99 SPEED MART S/B"
    assert data["address"] == "LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR"


def test_address_without_street_words_starts_at_a_house_number_and_comma(tmp_path: Path) -> None:
    items = [
        (150, 40, "THREE STOOGES"),
        (150, 56, "109, SS21/1A,"),
        (150, 72, "DAMANSARA UTAMA"),
        (150, 88, "GST ID : 001661886464"),
    ]
    data = _extract(tmp_path, items)
    assert data["address"] == "109, SS21/1A, DAMANSARA UTAMA"
    assert data["company"] == "THREE STOOGES"


def test_six_digit_postcode_line_ends_the_address(tmp_path: Path) -> None:
    """Singapore and China write six-digit postcodes: '049315 SINGAPORE' is the address's last line, not a
    registration number."""
    items = [
        (150, 40, "LAKESIDE ENGINEERING CO."),
        (150, 56, "67 ELM AVENUE"),
        (150, 72, "049315 SINGAPORE"),
        (60, 100, "DATE: 21/07/2024 17:29"),
        (60, 116, "RECEIPT NO: 18871"),
    ]
    data = _extract(tmp_path, items)
    assert data["address"].replace(",", "") == "67 ELM AVENUE 049315 SINGAPORE", data
    assert data["company"] == "LAKESIDE ENGINEERING CO.", data
