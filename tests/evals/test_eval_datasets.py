"""Dataset loaders: FUNSD on a form made here, the generic format's errors, the real sets when present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evalfakes import EVALDATA, FAKE_DATA, requires_evaldata

from docai.errors import InputError
from docai.evals.datasets import load_dataset
from docai.evals.datasets.funsd import form_fields
from docai.evals.runner import run_eval
from docai.options import Options


def _make_funsd(root: Path) -> Path:
    from PIL import Image, ImageDraw

    ann_dir = root / "dataset" / "testing_data" / "annotations"
    img_dir = root / "dataset" / "testing_data" / "images"
    ann_dir.mkdir(parents=True)
    img_dir.mkdir(parents=True)
    img = Image.new("RGB", (600, 200), "white")
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), "DATE:", fill="black")
    draw.text((120, 20), "12/01/2020", fill="black")
    draw.text((20, 60), "TO:", fill="black")
    img.save(img_dir / "form1.png")
    form = [
        {
            "id": 0,
            "label": "question",
            "text": "DATE:",
            "box": [20, 20, 60, 30],
            "linking": [[0, 1]],
            "words": [],
        },
        {
            "id": 1,
            "label": "answer",
            "text": "12/01/2020",
            "box": [120, 20, 200, 30],
            "linking": [[0, 1]],
            "words": [],
        },
        {"id": 2, "label": "question", "text": "TO:", "box": [20, 60, 40, 70], "linking": [], "words": []},
        {"id": 3, "label": "header", "text": "MEMO", "box": [20, 0, 60, 10], "linking": [], "words": []},
        {
            "id": 4,
            "label": "question",
            "text": "DATE",
            "box": [20, 90, 60, 100],
            "linking": [[4, 5]],
            "words": [],
        },
        {
            "id": 5,
            "label": "answer",
            "text": "1 Feb  2020",
            "box": [120, 90, 200, 100],
            "linking": [[4, 5]],
            "words": [],
        },
    ]
    (ann_dir / "form1.json").write_text(json.dumps({"form": form}))
    return root


def test_funsd_fields_from_links() -> None:
    form = [
        {"id": 7, "label": "question", "text": "Name:", "linking": [[7, 8], [7, 9]]},
        {"id": 8, "label": "answer", "text": "Ada"},
        {"id": 9, "label": "answer", "text": "Lovelace"},
        {"id": 10, "label": "other", "text": "x", "linking": [[10, 7]]},
    ]
    assert form_fields(form) == {"Name": "Ada Lovelace"}


def test_funsd_loader_and_scoring(tmp_path: Path, fake_engine) -> None:
    root = _make_funsd(tmp_path / "funsd")
    ds = load_dataset("funsd", root)
    assert len(ds.docs) == 1
    item = ds.docs[0]
    assert item.fields == {"DATE": "12/01/2020", "TO": None, "DATE (2)": "1 Feb 2020"}
    assert set(item.schema["properties"]) == set(item.fields)
    FAKE_DATA["form1.png"] = {"DATE": "2020-01-12", "TO": "Bob", "DATE (2)": None}
    ex = run_eval(ds, Options(engine="fake"))["extraction"]
    assert (ex["fields"]["DATE"]["tp"], ex["fields"]["TO"]["fp"], ex["fields"]["DATE (2)"]["fn"]) == (1, 1, 1)


def test_funsd_without_annotations_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="FUNSD"):
        load_dataset("funsd", tmp_path)


def test_generic_format_per_document_json(tmp_path: Path, text_pdf) -> None:
    text_pdf("a.pdf", [[(72, 72, "Total: 5")]]).rename(tmp_path / "ds.pdf")
    (tmp_path / "ds.json").write_text(json.dumps({"fields": {"total": 5}}))
    ds = load_dataset(str(tmp_path))
    assert [(d.doc.name, d.fields) for d in ds.docs] == [("ds.pdf", {"total": 5})]
    (tmp_path / "qa.jsonl").write_text(
        json.dumps({"doc": "missing.pdf", "question": "q", "answer": "a"}) + "\n"
    )
    with pytest.raises(InputError, match=r"missing\.pdf not found"):
        load_dataset(str(tmp_path))


@requires_evaldata
def test_real_sets_load_with_one_based_pages() -> None:
    fb = load_dataset("financebench", EVALDATA / "financebench")
    raw = json.loads((EVALDATA / "financebench" / "gt.jsonl").read_text().splitlines()[0])
    assert fb.questions[0].pages == [p + 1 for p in raw["evidence_pages_0based"]]
    assert any(q.numeric for q in fb.questions) and not all(q.numeric for q in fb.questions)
    sroie = load_dataset("sroie", EVALDATA / "sroie")
    assert len(sroie.docs) == 100 and set(sroie.docs[0].fields) == {"company", "date", "address", "total"}
    nda = load_dataset("kleister", EVALDATA / "kleister-nda")
    assert nda.scoring == "kleister" and all(isinstance(d.fields["party"], list) for d in nda.docs)
    inv = load_dataset("invoice2data", EVALDATA / "invoice2data")
    assert all(set(d.fields) <= set(inv.schema["properties"]) for d in inv.docs)
    assert any("Orlen.txt" in n for n in inv.notes)
