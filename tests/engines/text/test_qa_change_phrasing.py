"""'By how much did Acme increase its revenue ...': the measure named after the verb and "its"."""

from __future__ import annotations

from pathlib import Path

from docai.engines.text.qa import answer_question
from docai.engines.text.qa_arith import parse_arith
from docai.options import Options
from docai.parsers import load_document

try:
    from conftest_qa import multipage_pdf, table_row
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, table_row

XS = (330, 410)


def test_parse_measure_after_its() -> None:
    aq = parse_arith("By how much did Acme increase its net sales from FY2022 to FY2023?")
    assert aq is not None and (aq.op, aq.metric, aq.years) == ("change", "net sales", [2022, 2023])
    aq = parse_arith("By how much did Acme increase its credit facility on May 26, 2023?")
    assert aq is not None and aq.metric == "credit facility"
    assert parse_arith("How did net income change?").metric == "net income"  # type: ignore[union-attr]


def test_change_answered_with_both_values(tmp_path: Path) -> None:
    page = [
        (60, 60, "Consolidated Statements of Income"),
        (60, 76, "(in millions)"),
        (330, 100, "2023"),
        (410, 100, "2022"),
        *table_row(120, "Net sales", ["$ 2,400", "$ 2,000"], XS),
        *table_row(136, "Net income", ["$ 300", "$ 250"], XS),
    ]
    pdf = multipage_pdf(tmp_path / "acme.pdf", [page])
    with load_document(pdf) as doc:
        a = answer_question(
            [doc],
            "By how much did Acme increase its net sales from FY2022 to FY2023?",
            Options(embeddings=False),
            None,
        )
    assert a.text.startswith("+$400 million (+20.0%)"), a.text
    assert {c.page_no for c in a.citations} == {1} and len(a.citations) == 2  # each value its own box
