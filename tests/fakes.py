"""A recording fake engine for service and CLI tests (engines themselves are tested against real parts)."""

from __future__ import annotations

from typing import Any, ClassVar

from docai.document import Document
from docai.engines import Engine, register_engine
from docai.engines.base import BlobCache
from docai.errors import EngineError
from docai.results import Answer, Citation, Evidence, Extraction


class FakeEngine(Engine):
    """Reads 'Key: value' lines from the text layer; records every call. 'CRASH' in a page makes it raise."""

    name = "fake"
    calls: ClassVar[list[tuple[str, str]]] = []

    def extract(self, document: Document, schema: dict[str, Any], *, progress: Any = None) -> Extraction:
        FakeEngine.calls.append(("extract", document.sha256))
        data: dict[str, Any] = dict.fromkeys(schema["properties"])
        evidence: dict[str, Evidence] = {}
        for page in document.pages():
            if "CRASH" in page.text:
                raise EngineError("fake engine was told to crash")
            for line in page.text.splitlines():
                key, sep, value = line.partition(":")
                key = key.strip().lower().replace(" ", "_")
                if sep and key in data:
                    data[key] = value.strip()
                    evidence[key] = Evidence(page.page_no, (0, 0, 10, 10), value.strip(), 0.9)
            if progress:
                progress(page.page_no, len(document.page_numbers))
        status = "ok" if all(v is not None for v in data.values()) else "partial"
        return Extraction(data=data, status=status, evidence=evidence, engine="fake")

    def ask(self, documents: list[Document], question: str, *, cache: BlobCache | None = None) -> Answer:
        FakeEngine.calls.append(("ask", question))
        for doc in documents:
            for page in doc.pages():
                if any(w.strip("?.,").lower() in page.text.lower() for w in question.split() if len(w) > 4):
                    return Answer(
                        question, page.text.splitlines()[0], True, [Citation(page.page_no, doc.name)]
                    )
        return Answer(question, "not found in the document", False)


def install_fake_engine() -> type[FakeEngine]:
    """Register FakeEngine as engine "fake" with an empty call log."""
    FakeEngine.calls = []
    register_engine("fake", FakeEngine)
    return FakeEngine
