"""Regenerate the bundled examples: `python examples/make_examples.py` (deterministic, seed fixed).

Writes examples/invoice.pdf, examples/annual_report.pdf, examples/expected.json and the values
table in examples/README.md, all from docai's synthetic generator.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 2024


def _save(doc: Any, path: Path) -> None:
    doc.set_metadata(
        {"producer": "docai examples", "creationDate": "D:20260101000000", "modDate": "D:20260101000000"}
    )
    doc.save(path, garbage=3, deflate=True, no_new_id=True)
    doc.close()


def make(out: Path = HERE) -> dict[str, Any]:
    """Write both PDFs into `out` and return their expected values and questions."""
    import pymupdf

    from docai.evals.synth.invoices import draw_invoice
    from docai.evals.synth.reports import draw_annual_report

    out.mkdir(parents=True, exist_ok=True)
    doc = pymupdf.open()
    invoice = draw_invoice(
        doc.new_page(width=595, height=842),
        random.Random(SEED),
        layout="label_value",
        currency=("USD", "$", "us"),
        font="helv",
        date_style="month_d_y",
        common_labels=True,
    )
    _save(doc, out / "invoice.pdf")
    doc = pymupdf.open()
    report = draw_annual_report(
        lambda: doc.new_page(width=595, height=842), random.Random(SEED), 2024, "Northwind Industries Inc."
    )
    pages = doc.page_count
    _save(doc, out / "annual_report.pdf")
    return {
        "invoice.pdf": {"schema": "invoice", "fields": invoice.fields, "questions": invoice.questions},
        "annual_report.pdf": {
            "schema": "financial_report",
            "pages": pages,
            "fields": report.fields,
            "questions": report.questions,
        },
    }


def _readme(expected: dict[str, Any]) -> str:
    inv, rep = expected["invoice.pdf"], expected["annual_report.pdf"]
    lines = [
        "# Bundled examples",
        "",
        "Synthetic documents made by docai's own generator (no third-party content), for `make demo` and",
        "quick trials. Regenerate them with `python examples/make_examples.py`; `expected.json` holds",
        "the exact values below.",
        "",
        "```",
        "docai extract examples/invoice.pdf --schema invoice",
        'docai ask examples/annual_report.pdf "What was total revenue in 2024?"',
        "```",
        "",
        "## invoice.pdf (1 page, schema `invoice`)",
        "",
        "| field | expected |",
        "|---|---|",
    ]
    for key, value in inv["fields"].items():
        if key != "items":
            lines.append(f"| {key} | {value} |")
    lines += ["", "Line items:", "", "| description | quantity | unit_price | amount |", "|---|---|---|---|"]
    for item in inv["fields"]["items"]:
        lines.append(
            f"| {item['description']} | {item['quantity']} | {item['unit_price']} | {item['amount']} |"
        )
    lines += [
        "",
        f"## annual_report.pdf ({rep['pages']} pages, schema `financial_report`, USD millions)",
        "",
        "| field | expected |",
        "|---|---|",
    ]
    for key, value in rep["fields"].items():
        lines.append(f"| {key} | {value} |")
    lines += ["", "Questions (answer, 1-based page):", "", "| question | answer | page |", "|---|---|---|"]
    for q in rep["questions"]:
        lines.append(f"| {q['question']} | {q['answer']} | {', '.join(map(str, q['pages']))} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    expected = make(HERE)
    (HERE / "expected.json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (HERE / "README.md").write_text(_readme(expected), encoding="utf-8")
    sys.stdout.write(f"wrote invoice.pdf, annual_report.pdf, expected.json, README.md in {HERE}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
