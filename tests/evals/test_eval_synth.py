"""The synthetic generator: same seed same documents, truth really printed, scans without a text layer."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from docai.errors import InputError
from docai.evals.datasets import load_dataset
from docai.evals.normalize import norm_text, parse_date
from docai.evals.synth import KINDS, generate
from docai.evals.synth.__main__ import main as synth_main


def _records(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "gt.jsonl").read_text().splitlines()]


def _text(path: Path) -> str:
    with pymupdf.open(path) as doc:
        return "\n".join(page.get_text() for page in doc)


@pytest.mark.parametrize("kind", KINDS)
def test_truth_is_printed_and_loadable(kind: str, tmp_path: Path) -> None:
    root = generate(kind, 2, tmp_path / kind, seed=7, zh_ratio=0.5)
    ds = load_dataset(str(root))
    assert len(ds.docs) == 2 and ds.questions
    for rec in _records(root):
        text = _text(root / rec["doc"])
        flat = norm_text(text)
        assert rec["shown"], rec["doc"]
        for key, shown in rec["shown"].items():
            assert shown in text or norm_text(shown) in flat, f"{rec['doc']}: {key}={shown!r} not on the page"
            truth = rec["fields"][key]
            if isinstance(truth, str) and parse_date(truth) == truth:
                assert parse_date(shown) == truth  # the printed date means the canonical one
        assert set(rec["fields"]) <= set(ds.schema["properties"])
    for q in ds.questions:
        with pymupdf.open(q.doc) as doc:
            page_text = doc[q.pages[0] - 1].get_text()
        core = q.answer.replace(" million", "").lstrip("$¥£€").split()[-1]
        assert core in page_text, f"{q.question}: {q.answer} not on page {q.pages}"


def test_same_seed_same_documents(tmp_path: Path) -> None:
    a = generate("invoice", 3, tmp_path / "a", seed=3)
    b = generate("invoice", 3, tmp_path / "b", seed=3)
    c = generate("invoice", 3, tmp_path / "c", seed=4)
    assert (a / "gt.jsonl").read_text() == (b / "gt.jsonl").read_text()
    assert (a / "gt.jsonl").read_text() != (c / "gt.jsonl").read_text()
    for name in ("invoice_000.pdf", "invoice_002.pdf"):
        assert _text(a / name) == _text(b / name)
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_invoice_items_add_up_and_chinese_is_printed(tmp_path: Path) -> None:
    root = generate("invoice", 3, tmp_path / "zh", seed=1, zh_ratio=1.0)
    for rec in _records(root):
        f = rec["fields"]
        assert rec["lang"] == "zh" and "合计" in _text(root / rec["doc"])
        assert round(sum(i["amount"] for i in f["items"]), 2) == f["subtotal"]
        assert round(f["subtotal"] + f["tax"], 2) == f["total"]


def test_scanned_variants_have_no_text_layer(tmp_path: Path) -> None:
    root = generate("receipt", 3, tmp_path / "scan", seed=2, scanned=True)
    docs = [root / r["doc"] for r in _records(root)]
    assert all(p.is_file() for p in docs)
    assert {p.suffix for p in docs} <= {".pdf", ".png"}
    for p in docs:
        if p.suffix == ".pdf":
            with pymupdf.open(p) as doc:
                assert doc[0].get_text().strip() == "" and doc[0].get_images()


def test_cli_and_bad_kind(tmp_path: Path, capsys) -> None:
    assert synth_main(["--kind", "form", "--n", "1", "--out", str(tmp_path / "f"), "--seed", "1"]) == 0
    assert "1 form documents" in capsys.readouterr().out
    with pytest.raises(InputError):
        generate("poster", 1, tmp_path / "p")
    assert synth_main(["--kind", "form", "--n", "0", "--out", str(tmp_path / "g")]) == 3
