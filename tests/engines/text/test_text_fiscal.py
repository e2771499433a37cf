"""Multi-year KPI tables: the value of the document's fiscal year, or of the year the schema names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docai.engines.text import TextEngine
from docai.options import Options
from docai.parsers import load_document

PROPS = {
    "fiscal_year": {"type": "integer", "title": "Fiscal year"},
    "revenue": {"type": "number", "title": "Revenue", "description": "Total revenue, net sales"},
    "net_income": {"type": "number", "title": "Net income"},
    "total_assets": {"type": "number", "title": "Total assets"},
}


def report(draw: Callable[..., Path], title_year: str) -> Path:
    return draw(
        "report.pdf",
        [
            (50, 60, "Aurora Print Works Ltd", 16),
            (50, 80, f"Annual Report {title_year}"),
            (50, 130, "Revenue by quarter (USD millions)"),
            (50, 150, "Quarter"),
            (300, 150, "Revenue"),
            (50, 166, "Q1"),
            (300, 166, "1,452.0"),
            (50, 220, "Key figures (USD millions)"),
            (300, 240, "2022"),
            (380, 240, "2023"),
            (460, 240, "2024"),
            (50, 256, "Total revenue"),
            (300, 256, "4,978.6"),
            (380, 256, "5,666.9"),
            (460, 256, "5,807.4"),
            (50, 272, "Net income"),
            (300, 272, "403.7"),
            (380, 272, "717.3"),
            (460, 272, "557.1"),
            (300, 320, "2024"),
            (50, 336, "Total assets"),
            (300, 336, "7,647.0"),
        ],
    )


def extract(path: Path, schema: dict) -> dict:
    with load_document(path) as doc:
        return TextEngine(Options()).extract(doc, schema).data


def test_latest_year_column_is_the_reports_year(draw: Callable[..., Path]) -> None:
    d = extract(report(draw, "2024"), {"type": "object", "properties": PROPS})
    assert d == {"fiscal_year": 2024, "revenue": 5807.4, "net_income": 557.1, "total_assets": 7647.0}


def test_year_named_by_schema_or_title_picks_that_column(draw: Callable[..., Path]) -> None:
    pdf = report(draw, "2024")
    schema = {"type": "object", "title": "KPIs for fiscal 2023", "properties": PROPS}
    d = extract(pdf, schema)
    assert (d["fiscal_year"], d["revenue"], d["net_income"]) == (2023, 5666.9, 717.3)
    assert d["total_assets"] is None  # the balance sheet is only given for 2024


def test_title_year_decides_over_latest_column(draw: Callable[..., Path], tmp_path: Path) -> None:
    d = extract(report(draw, "2023"), {"type": "object", "properties": PROPS})
    assert (d["fiscal_year"], d["revenue"], d["net_income"]) == (2023, 5666.9, 717.3)


def test_description_words_are_not_read_as_a_total(draw: Callable[..., Path]) -> None:
    """'Total revenue, net sales' holds the words of 'net total' but asks for revenue, not the amount due."""
    pdf = draw(
        "rev.pdf",
        [(50, 60, "Granite Engineering PLC", 16), (50, 100, "Revenue"), (300, 100, "517.8"),
         (50, 120, "Total assets"), (300, 120, "668.8")],
    )  # fmt: skip
    schema = {
        "type": "object",
        "properties": {"revenue": {"type": "number", "description": "Total revenue, net sales, turnover"}},
    }
    assert extract(pdf, schema)["revenue"] == 517.8


def test_a_tax_rate_is_not_the_tax_amount(draw: Callable[..., Path]) -> None:
    pdf = draw("tax.pdf", [(50, 60, "CEDAR SUPPLIES LTD"), (50, 100, "GST 6%"), (300, 100, "15.22")])
    assert extract(pdf, {"type": "object", "properties": {"tax": {"type": "number"}}})["tax"] == 15.22
