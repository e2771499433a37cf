"""Party-name signals read from real PDFs made by the test (PyMuPDF text layer, docai's own loader)."""

from __future__ import annotations

from pathlib import Path

from docai.verify.fields import Leaf
from docai.verify.grounding import ground
from docai.verify.pageindex import PageIndex, index_page
from docai.verify.party import PARTY_FEATURES, party_signals


def _page(tmp_path: Path, lines: list[tuple[float, float, str, float]]) -> PageIndex:
    import pymupdf

    from docai.parsers.loader import load_document

    path = tmp_path / "doc.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for x, y, text, size in lines:
        page.insert_text((x, y), text, fontsize=size, fontname="helv")
    doc.save(path)
    doc.close()
    return index_page(load_document(path).load_page(1))


HEADER = [
    (60, 60, "Northwind Traders Ltd", 18),
    (60, 82, "1 Harbour Road, Leeds LS1 4AB", 9),
    (400, 60, "INVOICE", 14),
    (60, 180, "Bill to:", 9),
    (60, 196, "Contoso Retail", 9),
    (60, 210, "9 Market Street, York YO1 7HP", 9),
    (60, 400, "Description Qty Amount", 9),
    (60, 420, "Consulting days 5 3,000.00", 9),
    (60, 780, "accounts@northwindtraders.co.uk   www.northwindtraders.co.uk", 8),
]


def _signals(index: PageIndex, name: str, value: str, first: bool = True) -> dict[str, float]:
    leaf = Leaf(name, name, name, value, {"type": "string"}, "string")
    found = ground(leaf, index)
    assert found, f"{value!r} not found on the page"
    role = {"vendor": "issuer", "customer": "recipient"}.get(name)
    return party_signals(value, role, found[0], index, first, len(found))


def test_issuer_in_the_header_block(tmp_path: Path) -> None:
    index = _page(tmp_path, HEADER)
    s = _signals(index, "vendor", "Northwind Traders Ltd")
    assert set(s) == set(PARTY_FEATURES)
    assert s["p_header"] == 1.0 and s["p_largest"] == 1.0 and s["p_font"] > 0.5
    assert s["p_suffix"] == 1.0 and s["p_domain"] == 1.0 and s["p_whole_line"] == 1.0
    assert s["p_own_label"] == 0.0 and s["p_other_label"] == 0.0


def test_customer_read_as_vendor_is_told_apart(tmp_path: Path) -> None:
    index = _page(tmp_path, HEADER)
    as_vendor = _signals(index, "vendor", "Contoso Retail")
    assert as_vendor["p_other_label"] == 1.0 and as_vendor["p_own_label"] == 0.0
    assert as_vendor["p_header"] == 1.0  # y 196 of 842 is still the top quarter: the label decides
    assert as_vendor["p_largest"] == 0.0 and as_vendor["p_font"] == 0.0
    assert as_vendor["p_suffix"] == 0.0 and as_vendor["p_domain"] == 0.0
    as_customer = _signals(index, "customer", "Contoso Retail")
    assert as_customer["p_own_label"] == 1.0 and as_customer["p_other_label"] == 0.0


def test_fragment_of_a_line_and_a_later_page(tmp_path: Path) -> None:
    index = _page(tmp_path, [(60, 500, "This agreement is made between Acme Widgets Inc. and Beta LLC", 10)])
    s = _signals(index, "party", "Acme Widgets Inc.", first=False)
    assert s["p_whole_line"] < 0.5
    assert s["p_header"] == 0.0 and s["p_largest"] == 0.0
    assert s["p_suffix"] == 1.0


def test_name_not_on_the_page_keeps_only_its_own_form() -> None:
    s = party_signals("Globex GmbH", "issuer", None, None, True, 0)
    assert s["p_suffix"] == 1.0
    assert sum(s.values()) == 1.0


def test_text_form_flags_ocr_slips_only() -> None:
    from docai.verify.textform import odd_case, odd_chars

    assert odd_chars("MR O.1.¥. (JOHOR) SDN BHD") and not odd_chars("MR D.I.Y. (JOHOR) SDN BHD")
    assert odd_case("M pet. SmN mee") and not odd_case("Gerbang Alaf Restaurants Sdn Bhd")
    assert not odd_chars("北京有限公司") and not odd_case("北京有限公司")


def test_layout_signals_and_field_types(tmp_path: Path) -> None:
    from docai.verify.layout import keyed, largest_amount
    from docai.verify.roles import field_type

    index = _page(
        tmp_path,
        [
            (60, 60, "Invoice No: A-1017", 10),
            (60, 80, "Subtotal 90.00", 10),
            (60, 100, "Total 108.00", 10),
            (60, 120, "Paid by card ending 4417", 10),
        ],
    )
    name = "invoice_number"
    number = Leaf(name, name, name, "A-1017", {"type": "string"}, "string")
    assert keyed(ground(number, index)[0], index)
    total = Leaf("total", "total", "total", 108.0, {"type": "number"}, "number")
    assert not keyed(ground(total, index)[0], index)
    assert largest_amount(108.0, index) and not largest_amount(90.0, index)
    assert field_type(total, "") == "money" and field_type(number, "") == "identifier"
    currency = Leaf("currency", "currency", "currency", "EUR", {"type": "string"}, "string")
    assert field_type(currency, "") == "code"
    term = Leaf("term", "term", "term", "two years", {"type": "string"}, "string")
    assert field_type(term, "") == "duration" and field_type(term, "party") == "party"
