"""The eval runner and CLI over a generic dataset, with a deterministic engine that answers from a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evalfakes import FAKE_ANSWERS, FAKE_DATA

from docai.cli.main import main
from docai.evals.datasets import load_dataset
from docai.evals.report import compare_reports
from docai.evals.runner import run_eval
from docai.options import Options


def _queue_predictions() -> None:
    FAKE_DATA["inv0.pdf"] = {
        "invoice_number": "a-1",
        "date": "3 Mar 2024",
        "total": "$10.50",
        "items": [{"name": "pen", "amount": "10.50"}],
    }
    FAKE_DATA["inv1.pdf"] = {"invoice_number": "B-2", "date": "25/12/2023", "total": "98.00", "items": []}
    # inv2.pdf: nothing queued -> the engine fails that document


def test_run_eval_scores_fields_and_documents(fake_engine, generic_dataset: Path) -> None:
    _queue_predictions()
    FAKE_ANSWERS["What is the total?"] = ("The total is $10.50", 1)
    FAKE_ANSWERS["Who issued it?"] = ("Beta Ltd", 1)
    ds = load_dataset(str(generic_dataset))
    assert len(ds.docs) == 3 and len(ds.questions) == 2
    report = run_eval(ds, Options(engine="fake"))
    ex = report["extraction"]
    assert ex["documents"] == 3 and ex["pages"] == 6
    f = ex["fields"]
    assert (f["total"]["tp"], f["total"]["fp"], f["total"]["fn"]) == (1, 1, 2)
    assert f["date"]["accuracy"] == 1.0  # inv2 has no date and got none: counted right
    assert f["total"]["accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert f["items[].name"]["tp"] == 1 and f["items[].name"]["fn"] == 1
    docs = {r["doc"]: r for r in ex["per_document"]}
    assert docs["inv0.pdf"]["wrong"] == []
    assert [w["field"] for w in docs["inv1.pdf"]["wrong"]] == ["total"]
    assert docs["inv2.pdf"]["status"] == "failed"
    assert ex["overall"]["documents_exact"] == pytest.approx(1 / 3, abs=1e-3)
    assert ex["overall"]["failed"] == 1
    qa = report["qa"]
    assert qa["numeric_accuracy"] == 1.0
    assert qa["accuracy"] == 0.5
    assert qa["hit@1"] == 0.5


def test_limit_keeps_first_documents(fake_engine, generic_dataset: Path) -> None:
    _queue_predictions()
    report = run_eval(load_dataset(str(generic_dataset)), Options(engine="fake"), limit=1)
    assert report["extraction"]["documents"] == 1
    assert fake_engine.calls == ["inv0.pdf"]


def test_cli_shortcut_report_and_compare(fake_engine, generic_dataset: Path, tmp_path: Path, capsys) -> None:
    _queue_predictions()
    a = tmp_path / "a.json"
    assert main(["eval", str(generic_dataset), "--engine", "fake", "--out", str(a)]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "worst" in out and "inv1.pdf" in out
    FAKE_DATA["inv1.pdf"]["total"] = "99"
    b = tmp_path / "b.json"
    assert main(["eval", "run", str(generic_dataset), "--engine", "fake", "--out", str(b), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["extraction"]["overall"]["documents_exact"] == pytest.approx(
        2 / 3, abs=1e-3
    )
    cmp = compare_reports(json.loads(a.read_text()), json.loads(b.read_text()))
    assert [row[0] for row in cmp["better"]] == ["inv1.pdf"] and cmp["worse"] == []
    assert cmp["fields"]["total"]["f1"][2] > 0
    assert main(["eval", "compare", str(a), str(b)]) == 0
    assert "1 better" in capsys.readouterr().out


def test_cli_errors_are_one_line(fake_engine, tmp_path: Path, capsys) -> None:
    assert main(["eval", str(tmp_path / "nope")]) == 3
    err = capsys.readouterr().err
    assert err.startswith("docai: error: unknown dataset") and err.count("\n") == 1
    assert main(["eval", "sroie", "--data", str(tmp_path / "missing")]) == 3
    assert "docai eval fetch sroie" in capsys.readouterr().err
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "gt.jsonl").write_text("{not json\n")
    assert main(["eval", str(tmp_path / "bad"), "--engine", "fake"]) == 3
    assert "gt.jsonl:1" in capsys.readouterr().err
    assert main(["eval", "compare", str(tmp_path / "x.json"), str(tmp_path / "y.json")]) == 3


def test_fetch_and_list_download_nothing(capsys) -> None:
    assert main(["eval", "fetch", "kleister"]) == 0
    out = capsys.readouterr().out
    assert "github.com/applicaai/kleister-nda" in out and "downloads nothing" in out
    assert main(["eval", "fetch", "nosuch"]) == 3
    assert main(["eval", "list"]) == 0
    assert "financebench" in capsys.readouterr().out


def test_scored_fields_ignore_unannotated_ones(fake_engine, generic_dataset: Path) -> None:
    from docai.evals.datasets import Dataset, DocTruth

    doc = generic_dataset / "inv1.pdf"
    FAKE_DATA["inv1.pdf"] = {"invoice_number": "B-2", "total": "98.00", "date": "2023-12-25"}
    truth = {"invoice_number": "B-2"}
    both = Dataset(name="x", root=generic_dataset, docs=[DocTruth(doc, truth, id="all")])
    listed = Dataset(
        name="x", root=generic_dataset, docs=[DocTruth(doc, truth, id="listed", scored=["invoice_number"])]
    )
    all_fields = run_eval(both, Options(engine="fake"))["extraction"]["overall"]
    only_listed = run_eval(listed, Options(engine="fake"))["extraction"]["overall"]
    assert all_fields["fp"] == 2 and all_fields["precision"] == pytest.approx(1 / 3, abs=1e-3)
    assert (only_listed["tp"], only_listed["fp"], only_listed["fn"]) == (1, 0, 0)


def test_printed_spellings_score_perfectly_on_synthetic_data(fake_engine, tmp_path: Path) -> None:
    """An engine that returns exactly what is printed (dates, 1.234,56 amounts, Chinese) scores 100%."""
    from docai.evals.synth import generate

    root = generate("invoice", 6, tmp_path / "inv", seed=9, zh_ratio=0.4)
    for line in (root / "gt.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        FAKE_DATA[rec["doc"]] = {**rec["fields"], **rec["shown"]}
    ex = run_eval(load_dataset(str(root)), Options(engine="fake"))["extraction"]
    assert ex["overall"]["f1"] == 1.0 and ex["overall"]["documents_exact"] == 1.0
    assert ex["fields"]["issue_date"]["tp"] == 6 and ex["fields"]["items[].amount"]["tp"] > 6


def test_an_engine_bug_on_one_document_is_recorded_and_the_eval_goes_on(
    fake_engine, generic_dataset: Path
) -> None:
    _queue_predictions()
    FAKE_DATA["inv1.pdf"] = "crash"
    ex = run_eval(load_dataset(str(generic_dataset)), Options(engine="fake"))["extraction"]
    docs = {r["doc"]: r for r in ex["per_document"]}
    assert docs["inv1.pdf"]["status"] == "failed"
    assert docs["inv1.pdf"]["error"] == "internal error: RuntimeError: engine bug"
    assert docs["inv0.pdf"]["wrong"] == [] and ex["documents"] == 3


def test_evidence_pages_are_scored_where_truth_knows_them(fake_engine, tmp_path: Path) -> None:
    from docai.evals.synth import generate

    root = generate("annual_report", 1, tmp_path / "rep", seed=3)
    rec = json.loads((root / "gt.jsonl").read_text().splitlines()[0])
    assert rec["pages"]["revenue"] == 3 and rec["pages"]["total_assets"] == 6 and rec["pages"]["company"] == 1
    FAKE_DATA[rec["doc"]] = dict(rec["fields"])  # the fake cites page 1 for every field
    ex = run_eval(load_dataset(str(root)), Options(engine="fake"))["extraction"]
    assert ex["fields"]["company"]["evidence_page_accuracy"] == 1.0
    # verification looks each value up and moves its evidence to the page that prints it
    assert ex["fields"]["revenue"]["evidence_page_accuracy"] == 1.0
    assert ex["fields"]["total_assets"]["evidence_page_accuracy"] == 1.0
    assert 0.0 < ex["per_document"][0]["confidence"]["revenue"] <= 1.0
