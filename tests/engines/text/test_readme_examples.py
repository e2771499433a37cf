"""The README's `docai ask` and `docai extract` examples, run as written on documents this test makes.

Each example line of README.md is parsed from the README itself, run through the CLI in a folder that
holds files of the names it uses, and its printed output is checked. A new example in the README fails
`test_every_readme_example_is_run` until a case here runs it. Examples for the `transformers` and
`openai` engines need model weights or a server that this machine has not (their engines are tested
elsewhere against a tiny model and a local server); they are listed, not run.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from docai.cli.main import main

try:
    from conftest_qa import multipage_pdf, prose, table_row
    from text_docs import INVOICE_ITEMS, draw_pdf, scan_of
except ImportError:  # the folder became a package
    from .conftest_qa import multipage_pdf, prose, table_row
    from .text_docs import INVOICE_ITEMS, draw_pdf, scan_of

README = Path(__file__).resolve().parents[3] / "README.md"
ENGINE_BOUND = re.compile(r"--engine\s+(?:transformers|openai)\b")


def readme_examples() -> list[str]:
    """`docai ask|extract` lines of the README's bash blocks, comments and line continuations joined."""
    out, block, pending = [], False, ""
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            block = line.strip() == "```bash"
            continue
        if not block:
            continue
        text = pending + line.split("  #")[0].strip()
        if text.endswith("\\"):
            pending = text[:-1] + " "
            continue
        pending = ""
        if re.match(r"docai (?:ask|extract)\b", text):
            out.append(" ".join(text.split()))
    return out


def run_example(example: str, folder: Path, monkeypatch, capsys) -> tuple[int, str]:
    """The example's own arguments through the CLI, in `folder`; (exit code, stdout)."""
    monkeypatch.chdir(folder)
    argv = shlex.split(example)[1:]
    code = main(argv)
    return code, capsys.readouterr().out


def _example(prefix: str) -> str:
    found = [e for e in readme_examples() if e.startswith(prefix) and not ENGINE_BOUND.search(e)]
    assert found, f"the README no longer has an example starting {prefix!r}"
    return found[0]


RUN_HERE = [
    "docai extract invoice.pdf --schema invoice",
    "docai extract scan.png --schema my_schema.json",
    "docai extract a.pdf b.pdf --fields",
    'docai ask report.pdf "What was Q4 revenue?"',
    'docai ask 2023.pdf 2024.pdf "How did net income change?"',
]


def test_every_readme_example_is_run() -> None:
    examples = readme_examples()
    assert len(examples) >= 5
    for e in examples:
        if ENGINE_BOUND.search(e):
            continue
        assert any(e.startswith(p) for p in RUN_HERE), f"README example not run by a test: {e}"


def quarterly_report(path: Path) -> Path:
    """Three pages; page 2 has a quarterly table (Q4 revenue 117.7), page 3 speaks of revenue in prose."""
    xs = (300, 360, 420, 480)
    pages = [
        [
            (60, 60, "Contoso Ltd Annual Report 2023"),
            *prose(100, ["Contoso makes industrial pumps.", "Revenue grew in every region this year."]),
        ],
        [
            (60, 60, "Quarterly results"),
            (60, 76, "(in millions of USD)"),
            *[(x, 100, q) for x, q in zip(xs, ["Q1", "Q2", "Q3", "Q4"], strict=True)],
            *table_row(120, "Revenue", ["101.2", "105.4", "110.9", "117.7"], xs),
            *table_row(136, "EBITDA", ["20.1", "21.0", "22.8", "25.3"], xs),
            *table_row(152, "Net income", ["10.2", "11.0", "11.9", "13.4"], xs),
        ],
        [
            (60, 60, "Outlook"),
            *prose(100, ["We expect revenue to keep growing next year.", "At year end we had 1,250 staff."]),
        ],
    ]
    return multipage_pdf(path, pages)


def yearly_report(path: Path, year: int, net_income: str, revenue: str) -> Path:
    lines = [
        (60, 60, f"Fabrikam Annual Report {year}"),
        *prose(100, [f"Net income was {net_income} in {year}.", f"Revenue reached {revenue}."]),
    ]
    return multipage_pdf(path, [lines])


def test_ask_q4_revenue_from_the_quarterly_table(tmp_path: Path, monkeypatch, capsys) -> None:
    quarterly_report(tmp_path / "report.pdf")
    code, out = run_example(
        _example('docai ask report.pdf "What was Q4 revenue?"'), tmp_path, monkeypatch, capsys
    )
    lines = out.splitlines()
    assert code == 0, out
    assert lines[0] == "$117.7 million", out
    cited = [ln for ln in lines[1:] if ln.lstrip().startswith("[")]
    assert cited and all(ln.lstrip().startswith("[p. 2]") for ln in cited), out
    assert "117.7" in cited[0]


def test_ask_how_net_income_changed_over_two_files(tmp_path: Path, monkeypatch, capsys) -> None:
    yearly_report(tmp_path / "2023.pdf", 2023, "EUR 41.9 million", "EUR 310.0 million")
    yearly_report(tmp_path / "2024.pdf", 2024, "EUR 45.3 million", "EUR 322.5 million")
    example = _example('docai ask 2023.pdf 2024.pdf "How did net income change?"')
    code, out = run_example(example, tmp_path, monkeypatch, capsys)
    assert code == 0, out
    first = out.splitlines()[0]
    assert first.startswith("+EUR 3.4 million (+8.1%)"), out
    assert "EUR 41.9 million" in first and "EUR 45.3 million" in first
    assert "[2023.pdf p. 1]" in out and "[2024.pdf p. 1]" in out


def test_ask_change_the_other_way_round_and_as_json(tmp_path: Path, monkeypatch, capsys) -> None:
    """Files given newest first are still compared oldest to newest (by the year in their names)."""
    yearly_report(tmp_path / "2023.pdf", 2023, "$52.0 million", "$400.0 million")
    yearly_report(tmp_path / "2024.pdf", 2024, "$39.0 million", "$380.0 million")
    monkeypatch.chdir(tmp_path)
    code = main(["ask", "2024.pdf", "2023.pdf", "How did net income change?", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["answer"].startswith("-$13.0 million (-25.0%)"), out["answer"]
    assert [c["document"] for c in out["citations"]] == ["2023.pdf", "2024.pdf"]
    assert "52.0" in out["reasoning"] and "39.0" in out["reasoning"]


def test_extract_invoice_with_the_bundled_schema(tmp_path: Path, monkeypatch, capsys) -> None:
    draw_pdf(tmp_path / "invoice.pdf", INVOICE_ITEMS)
    code, out = run_example(
        _example("docai extract invoice.pdf --schema invoice"), tmp_path, monkeypatch, capsys
    )
    result = json.loads(out)
    assert result["file"].endswith("invoice.pdf")
    assert result["data"]["invoice_number"] == "INV-2024-001"
    assert result["data"]["total"] == 41.25
    assert result["evidence"]["total"]["page_no"] == 1
    assert code == (0 if result["status"] == "ok" else 1)


def test_extract_scan_with_a_schema_file_and_two_languages(tmp_path: Path, monkeypatch, capsys) -> None:
    pdf = draw_pdf(tmp_path / "scan_source.pdf", INVOICE_ITEMS)
    scan_of(pdf, tmp_path / "scan.png", dpi=200)
    schema = {
        "type": "object",
        "properties": {"invoice_number": {"type": "string"}, "total": {"type": "number"}},
        "required": ["invoice_number", "total"],
    }
    (tmp_path / "my_schema.json").write_text(json.dumps(schema), encoding="utf-8")
    code, out = run_example(
        _example("docai extract scan.png --schema my_schema.json"), tmp_path, monkeypatch, capsys
    )
    result = json.loads(out)
    assert result["data"] == {"invoice_number": "INV-2024-001", "total": 41.25}, result
    assert code == (0 if result["status"] == "ok" else 1)


def test_extract_two_files_with_fields(tmp_path: Path, monkeypatch, capsys) -> None:
    draw_pdf(tmp_path / "a.pdf", INVOICE_ITEMS)
    other = [
        (t[0], t[1], t[2].replace("INV-2024-001", "INV-2024-002").replace("$41.25", "$52.00"), *t[3:])
        for t in INVOICE_ITEMS
    ]
    draw_pdf(tmp_path / "b.pdf", other)  # type: ignore[arg-type]
    code, out = run_example(_example("docai extract a.pdf b.pdf --fields"), tmp_path, monkeypatch, capsys)
    results = json.loads(out)  # several files: one JSON array
    assert [Path(r["file"]).name for r in results] == ["a.pdf", "b.pdf"]
    assert [r["data"]["invoice_number"] for r in results] == ["INV-2024-001", "INV-2024-002"]
    assert [r["data"]["total"] for r in results] == [41.25, 52.0]
    assert results[0]["data"]["issue_date"] == "2024-03-14"
    items = results[0]["data"]["items"]
    assert [(i["description"], i["amount"]) for i in items] == [
        ("Widget A", 20.0),
        ("Gadget B", 5.5),
        ("Cable set", 12.0),
    ]
    assert code in (0, 1)


def test_python_library_example(tmp_path: Path, monkeypatch) -> None:
    """README's Python block: `docai.ask(["report.pdf"], "What was Q4 revenue?")`."""
    import docai

    quarterly_report(tmp_path / "report.pdf")
    monkeypatch.chdir(tmp_path)
    answer = docai.ask(["report.pdf"], "What was Q4 revenue?").answer
    assert answer.text == "$117.7 million"
    assert [(Path(c.document or "").name, c.page_no) for c in answer.citations] == [("report.pdf", 2)]


def readme_transcripts() -> list[tuple[str, list[str]]]:
    """(command, printed lines) of the README's ```text blocks that show a `$ docai ...` run."""
    out: list[tuple[str, list[str]]] = []
    block: list[str] | None = None
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.strip() == "```text":
            block = []
        elif line.startswith("```") and block is not None:
            if block and block[0].startswith("$ docai "):
                out.append((block[0][2:], block[1:]))
            block = None
        elif block is not None:
            block.append(line)
    return out


def test_readme_transcript_is_what_the_cli_prints(tmp_path: Path, monkeypatch, capsys) -> None:
    shown = [
        t for t in readme_transcripts() if t[0].startswith('docai ask report.pdf "What was Q4 revenue?"')
    ]
    assert shown, "the README lost its ask transcript"
    command, printed = shown[0]
    quarterly_report(tmp_path / "report.pdf")
    code, out = run_example(command, tmp_path, monkeypatch, capsys)
    assert code == 0
    assert out.splitlines() == printed
