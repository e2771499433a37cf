"""Helpers for the eval tests: a deterministic engine answering from tables, and the evaldata marker."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, ClassVar

from docai.engines import Engine
from docai.results import Answer, Citation, Evidence, Extraction


def _root_conftest() -> Any:
    """tests/conftest.py loaded under its own name (its module name depends on how pytest imports it)."""
    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("docai_tests_root_conftest", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_ROOT = _root_conftest()
requires_evaldata = _ROOT.requires_evaldata
EVALDATA: Path = _ROOT.EVALDATA

# doc file name -> data the fake engine returns; question -> (answer text, cited page)
FAKE_DATA: dict[str, dict[str, Any]] = {}
FAKE_ANSWERS: dict[str, tuple[str, int]] = {}


class TableEngine(Engine):
    """Returns whatever FAKE_DATA / FAKE_ANSWERS hold for the document or question; records calls."""

    name = "fake"
    calls: ClassVar[list[str]] = []

    def extract(self, document, schema, *, progress=None) -> Extraction:  # type: ignore[override]
        TableEngine.calls.append(document.name)
        data = FAKE_DATA.get(document.name)
        if data == "crash":
            raise RuntimeError("engine bug")
        if data is None:
            return Extraction(data={}, status="failed", errors=["nothing queued"], engine="fake")
        evidence = {k: Evidence(page_no=1, text=str(v)) for k, v in data.items()}
        return Extraction(data=data, status="ok", evidence=evidence, engine="fake")

    def ask(self, documents, question, *, cache=None) -> Answer:  # type: ignore[override]
        text, page = FAKE_ANSWERS.get(question, ("", 0))
        cites = [Citation(page_no=page, document=documents[0].name)] if page else []
        return Answer(question=question, text=text, found=bool(text), citations=cites, engine="fake")
