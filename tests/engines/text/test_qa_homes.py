"""A formula's standard lines are read from the primary statement that reports them: not from a note or
a sentence that shares their words, not from a gross row, and by their other names ("cash from
operations"); multi-word company names ("Acme Widget Works'") do not hide the measure."""

from __future__ import annotations

from pathlib import Path

import pytest

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_amounts import parse_amount
from docai.engines.text.qa_homes import home_heading, label_fit
from docai.engines.text.qa_metrics import parse_metric
from docai.options import Options
from docai.parsers import load_document
from docai.values import parse_number

try:
    from conftest_qa import multipage_pdf, prose, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, prose, table_row

BM25_ONLY = Options(embeddings=False)
XS = (330, 410, 490)
YEARS = ["2023", "2022", "2021"]


def _header(title: str) -> list[tuple[float, float, str]]:
    return [
        (60, 60, title),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS, YEARS, strict=True)],
    ]


def _filing(tmp_path: Path) -> Path:
    notes = [
        (60, 60, "Note 4. Supplemental balance sheet information"),
        (60, 76, "(in millions)"),
        *[(x, 100, y) for x, y in zip(XS[:2], YEARS[:2], strict=True)],
        *table_row(120, "Finance leases: property, plant and equipment", ["218", "223"], XS),
        *table_row(136, "Net income tax payments", ["$ 41", "$ 37"], XS),
        *prose(
            180,
            [
                "Net income tax payments were $1,326 million in 2023.",
                "United States net sales were $650 million in 2023 and $610 million in 2022.",
            ],
        ),
    ]
    income = [
        *_header("Acme Widget Works Consolidated Statements of Operations"),
        *table_row(120, "Net sales", ["1,950", "1,580", "990"], XS),
        *table_row(136, "Total revenues", ["$ 2,000", "$ 1,600", "$ 1,000"], XS),
        *table_row(152, "Operating income", ["300", "240", "100"], XS),
        *table_row(168, "Other income/(loss), net", ["92", "12", "(4)"], XS),
        *table_row(184, "Net earnings", ["$ 210", "$ 150", "$ 60"], XS),
    ]
    balance = [
        *_header("Acme Widget Works Consolidated Balance Sheets"),
        *table_row(120, "Cash and cash equivalents", ["$ 150", "$ 130", "$ 90"], XS),
        *table_row(136, "Accounts receivable - net of allowances of $7 and $6", ["250", "230", "200"], XS),
        *table_row(152, "Total current assets", ["700", "640", "560"], XS),
        *table_row(168, "Property, plant and equipment", ["1,400", "1,300", "1,200"], XS),
        *table_row(184, "Less: accumulated depreciation", ["(600)", "(500)", "(420)"], XS),
        *table_row(200, "Property, plant and equipment - net", ["800", "800", "780"], XS),
        *table_row(216, "Total assets", ["$ 2,300", "$ 2,100", "$ 1,900"], XS),
        *table_row(232, "Total current liabilities", ["500", "480", "450"], XS),
    ]
    cash = [
        *_header("Acme Widget Works Consolidated Statements of Cash Flows"),
        *table_row(120, "Net earnings", ["$ 210", "$ 150", "$ 60"], XS),
        *table_row(136, "Net cash provided by operating activities", ["350", "260", "150"], XS),
        *table_row(152, "Purchases of property, plant and equipment", ["(120)", "(110)", "(90)"], XS),
        *table_row(168, "Dividends paid", ["(63)", "(45)", "(30)"], XS),
    ]
    return multipage_pdf(tmp_path / "acme_10k.pdf", [notes, income, balance, cash])


def _ask(path: Path, question: str):
    with load_document(path) as doc:
        return answer_question([doc], question, BM25_ONLY, None)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # net earnings from the statement, not "Net income tax payments" (a note) nor "Other income, net"
        (
            "What is Acme Widget Works' FY2023 return on assets? ROA is defined as: FY2023 net income / "
            "(average total assets between FY2022 and FY2023). Answer in units of percents.",
            "9.5%",
        ),
        # net PP&E from the balance sheet, not the gross row nor a note's finance-lease line; total revenues
        (
            "What is Acme Widget Works's FY2023 fixed asset turnover ratio? Fixed asset turnover ratio is "
            "defined as: FY2023 revenue / (average PP&E between FY2022 and FY2023). Round to two decimals.",
            "2.50",
        ),
        # receivables under the year, not the allowance printed in the label
        (
            "What is Acme's FY2023 quick ratio? Quick ratio is defined as: (cash and cash equivalents + "
            "accounts receivable) / total current liabilities.",
            "0.80",
        ),
        # "cash from operations" is the statement's "Net cash provided by operating activities"
        (
            "What is Acme's FY2023 operating cash flow ratio? Operating cash flow ratio is defined as: "
            "cash from operations / total current liabilities. Round to two decimal places.",
            "0.70",
        ),
        (
            "What is the FY2023 dividend payout ratio (using total cash dividends paid and net income) "
            "for Acme?",
            "0.30",
        ),
        # one year's share of revenue is computed from the statements' lines
        (
            "What is Acme Widget Works' FY2023 capital expenditure as a % of revenue? Answer in percents.",
            "6.0%",
        ),
    ],
)
def test_formulas_read_the_statements(tmp_path: Path, question: str, expected: str) -> None:
    a = _ask(_filing(tmp_path), question)
    assert a.found and a.text.startswith(expected), a.text
    assert all(c.page_no != 1 for c in a.citations), [c.text for c in a.citations]


def test_amounts_after_a_company_name_of_several_words(tmp_path: Path) -> None:
    q = (
        "What is Acme Widget Works' FY2023 free cash flow in USD millions? Free cash flow is defined as "
        "cash from operations less capital expenditures."
    )
    aq = parse_amount(q)
    assert aq is not None and [p.measure for p in aq.term.parts] == [
        "cash from operations",
        "capital expenditures",
    ]
    a = _ask(_filing(tmp_path), q)
    assert a.found and parse_number(a.text.split(":")[0].replace(" million", "")) == 230, a.text
    nwc = _ask(
        _filing(tmp_path), "What is Lockheed Widget Works's FY2023 net working capital in USD millions?"
    )
    assert nwc.found and nwc.text.startswith("$200 million"), nwc.text


def test_a_share_of_one_year_is_a_metric() -> None:
    mq = parse_metric("What was Contoso Group's FY2023 research and development expense as a % of revenue?")
    assert (
        mq is not None
        and mq.years == [2023]
        and mq.numerator.measures == ["research and development expense"]
    )


def test_home_statements_and_label_fit() -> None:
    assert home_heading("net income") is not None and home_heading("PP&E") is None  # spelled out first
    assert home_heading("property, plant and equipment") is not None
    assert home_heading("restructuring charges") is None
    assert label_fit("Net earnings", "net income")[1] > label_fit("Other income/(loss), net", "net income")[1]
    assert label_fit("Total revenues", "revenue")[2] > label_fit("Net sales", "revenue")[2]
    assert label_fit("Cost of products", "net income")[0] < 1.0


def _statements_with_eps(tmp_path: Path) -> Path:
    income = [
        *_header("Contoso Inc. Consolidated Statements of Income"),
        (60, 86, "(in millions, except per share data)"),
        *table_row(120, "Revenues", ["$ 5,000", "$ 4,000", "$ 3,600"], XS),
        *table_row(136, "Selling, informational and administrative expenses", ["900", "800", "700"], XS),
        *table_row(
            152,
            "Net income attributable to Contoso Inc. common shareholders",
            ["$ 812", "$ 640", "$ 500"],
            XS,
        ),
        (60, 176, "Earnings per common share - basic:"),
        *table_row(
            192,
            "Net income attributable to Contoso Inc. common shareholders",
            ["$ 3.92", "$ 1.65", "$ 1.20"],
            XS,
        ),
        (60, 216, "Earnings per common share - diluted:"),
        *table_row(
            232,
            "Net income attributable to Contoso Inc. common shareholders",
            ["$ 3.85", "$ 1.60", "$ 1.18"],
            XS,
        ),
    ]
    notes = [
        (60, 60, "Note 9. Earnings per common share attributable to Contoso Inc. common shareholders"),
        *prose(
            100, ["Net income attributable to Contoso Inc. common shareholders rose by $172 million in 2023."]
        ),
    ]
    balance = [
        *_header("Contoso Inc. Consolidated Balance Sheets"),
        *table_row(120, "Land, buildings, and equipment", ["2,000", "1,600", "1,500"], XS),
        *table_row(136, "Total assets", ["$ 9,000", "$ 8,000", "$ 7,000"], XS),
    ]
    return multipage_pdf(tmp_path / "contoso_10k.pdf", [notes, income, balance])


def test_one_line_of_one_year_from_its_statement(tmp_path: Path) -> None:
    """A plain value question about a standard line: the statement's row, not its per-share twin."""
    path = _statements_with_eps(tmp_path)
    a = _ask(
        path,
        "What is Contoso's FY2023 net income attributable to Contoso Inc. common shareholders "
        "in USD millions?",
    )
    assert a.found and a.text == "$812 million", a.text
    assert [c.page_no for c in a.citations] == [2]


def test_other_captions_of_a_line(tmp_path: Path) -> None:
    path = _statements_with_eps(tmp_path)
    fat = _ask(
        path,
        "What is Contoso's FY2023 fixed asset turnover ratio? Fixed asset turnover ratio is defined as: "
        "FY2023 revenue / (average PP&E between FY2022 and FY2023).",
    )
    assert fat.text.startswith("2.78"), (
        fat.text
    )  # 5,000 / mean(1,600, 2,000): "Land, buildings, and equipment"
    sga = _ask(
        path, "What was selling, informational and administrative expenses as a % of revenue in FY2023?"
    )
    assert sga.text.startswith("18.0%"), sga.text
    growth = _ask(path, "What is the change in Contoso's total revenues from FY2022 to FY2023 in percents?")
    assert "+25.0%" in growth.text, growth.text


def test_an_average_share_over_a_stated_range() -> None:
    mq = parse_metric(
        "What is the FY2018 - FY2020 3 year average of capex as a % of revenue for Acme? Answer in percents."
    )
    assert mq is not None and mq.numerator.measures == ["capex"] and mq.years == [2018, 2019, 2020]


def test_a_per_share_block_is_not_the_line() -> None:
    """The per-share block ranked first repeats the line's name with $3.92: the amount row is read."""
    from docai.engines.text.passages import Passage
    from docai.engines.text.qa_homes import statement_row
    from docai.engines.text.retrieval import Hit

    def table(text: str) -> Passage:
        heading = "Contoso Inc. Consolidated Statements of Income"
        return Passage(
            "d", "d.pdf", 2, text, (0, 0, 1, 1), [], "table", heading,
            columns=[(2023, 330.0), (2022, 410.0)], unit="millions",
        )  # fmt: skip

    eps = table(
        "Earnings per common share - basic:\nNet income attributable to Contoso shareholders $ 3.92 $ 1.65"
    )
    amounts = table("Revenues $ 5,000 $ 4,000\nNet income attributable to Contoso shareholders $ 812 $ 640")
    hits = [Hit(p, 1.0, 1.0, None, 1.0) for p in (eps, amounts)]
    c = statement_row("net income attributable to Contoso shareholders", hits, 2023, "q")
    assert c is not None and c.text == "$812 million", c


def _operations_filing(tmp_path: Path) -> Path:
    income = [
        *_header("STATEMENTS OF OPERATIONS"),
        *table_row(120, "Total revenues", ["$ 4,000", "$ 3,000", "$ 2,000"], XS),
        *table_row(136, "Earnings from operations", ["600", "450", "300"], XS),
        *table_row(152, "Income from operating investments, net", ["111", "90", "80"], XS),
        *table_row(168, "Net earnings", ["420", "300", "200"], XS),
    ]
    balance = [
        *_header("BALANCE SHEETS"),
        *table_row(120, "Accounts receivable, net of allowance of $65 and $63", ["900", "700", "650"], XS),
        *table_row(136, "Merchandise inventories", ["1,000", "800", "700"], XS),
        *table_row(152, "Total current liabilities", ["1,200", "1,000", "900"], XS),
    ]
    cash = [
        *_header("STATEMENTS OF CASH FLOWS"),
        *table_row(120, "Depreciation and amortization", ["200", "150", "100"], XS),
    ]
    costs = [  # a segment note printing costs without its unit line
        (60, 60, "Merchandise costs by segment"),
        *[(x, 100, y) for x, y in zip(XS[:2], YEARS[:2], strict=True)],
        *table_row(120, "Merchandise costs", ["2,700", "2,100"], XS),
    ]
    return multipage_pdf(tmp_path / "ops_10k.pdf", [income, balance, cash, costs])


def test_operating_income_by_another_caption(tmp_path: Path) -> None:
    """ "Earnings from operations" is operating income; "Income from operating investments" is not."""
    a = _ask(
        _operations_filing(tmp_path),
        "What is the FY2023 unadjusted EBITDA % margin? Calculate unadjusted EBITDA using operating income "
        "and depreciation and amortization from the cash flow statement.",
    )
    assert a.text.startswith("20.0%"), a.text  # (600 + 200) / 4,000


def test_values_by_their_place_in_the_row(tmp_path: Path) -> None:
    """The allowance printed in the label is not the receivable of the first column."""
    a = _ask(
        _operations_filing(tmp_path),
        "What is the FY2023 quick ratio? Quick ratio is defined as: accounts receivable / total current "
        "liabilities.",
    )
    assert a.text.startswith("0.75"), a.text  # 900 / 1,200


def test_values_in_two_scales_give_no_ratio(tmp_path: Path) -> None:
    """Merchandise costs only in a table without a unit line: no ratio of a bare 2,700 to millions."""
    a = _ask(
        _operations_filing(tmp_path),
        "What is the FY2023 inventory turnover ratio? Inventory turnover ratio is defined as: FY2023 "
        "merchandise costs / (average merchandise inventories between FY2022 and FY2023).",
    )
    assert not any(n.startswith("computed") for n in a.notes), a.text


def test_a_change_between_a_range_of_years(tmp_path: Path) -> None:
    a = _ask(
        _filing(tmp_path),
        "What is the FY2022 - FY2023 change in Acme Widget Works' total assets in USD millions?",
    )
    assert a.text.startswith("+$200 million"), a.text  # 2,300 - 2,100, both from the balance sheet


def test_the_mdas_statement_data_with_percent_columns_is_not_the_statement(tmp_path: Path) -> None:
    """MD&A's "Consolidated Statements of Operations Data" prints a percent beside each amount: the
    year's value is read from the statement itself, not by place among "6,489 100 7,500 100"."""
    mdna = [
        (60, 60, "Consolidated Statements of Operations Data The following table sets forth our results"),
        *[(x, 100, y) for x, y in zip((330, 450), YEARS[:2], strict=True)],
        *table_row(120, "Total net revenues", ["6,489", "100", "7,500", "100"], (330, 380, 450, 500)),
    ]
    statement = [
        *_header("Consolidated Statements of Operations"),
        *table_row(120, "Total net revenues", ["6,489", "7,500", "7,017"], XS),
    ]
    path = multipage_pdf(tmp_path / "mdna.pdf", [mdna, statement])
    a = _ask(path, "What is the change in revenue from FY2022 to FY2023 in percents?")
    assert "-13.5%" in a.text, a.text


def test_statement_rows_by_place_only_one_value_per_column() -> None:
    from docai.engines.text.passages import Passage
    from docai.engines.text.qa_homes import statement_row
    from docai.engines.text.retrieval import Hit

    def table(text: str, heading: str) -> Passage:
        return Passage(
            "d", "d.pdf", 2, text, (0, 0, 1, 1), [], "table", heading,
            columns=[(2023, 330.0), (2022, 450.0)], unit="millions",
        )  # fmt: skip

    mdna = table("Total net revenues 6,489 100 7,500 100", "Consolidated Statements of Operations Data")
    statement = table("Total net revenues 6,489 7,500", "Consolidated Statements of Operations")
    for year, want in ((2023, "6,489 million"), (2022, "7,500 million")):
        c = statement_row(
            "revenue", [Hit(mdna, 1.0, 1.0, None, 1.0), Hit(statement, 0.5, 0.5, None, 1.0)], year, "q"
        )
        assert c is not None and c.text == want and c.passage is statement, c


def test_a_change_asked_in_percents_is_a_growth() -> None:
    from docai.engines.text.qa_arith import parse_arith

    aq = parse_arith("What is the change in Contoso's total revenues from FY2022 to FY2023 in percents?")
    assert aq is not None and aq.op == "growth" and aq.metric == "total revenues"
