"""The part both VLM engines share: the Engine API over `run_extract` / `run_ask`.

Subclasses say only how to call the model (`call`, `map_calls`) and which model that is.
"""

from __future__ import annotations

from typing import Any

from docai.document import Document
from docai.engines.base import BlobCache, Engine, ProgressCallback
from docai.engines.vlm.ask import run_ask
from docai.engines.vlm.common import run_extract
from docai.engines.vlm.pages import slice_config
from docai.options import Options
from docai.results import Answer, Extraction


class VLMEngine(Engine):
    """An engine that reads page images with a vision-language model."""

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._config = slice_config(options)

    def extract(
        self, document: Document, schema: dict[str, Any], *, progress: ProgressCallback | None = None
    ) -> Extraction:
        return run_extract(
            self,
            document,
            schema,
            self.options,
            self._config,
            engine=self.name,
            model=self.model,
            progress=progress,
        )

    def ask(self, documents: list[Document], question: str, *, cache: BlobCache | None = None) -> Answer:
        return run_ask(
            self, documents, question, self.options, self._config, engine=self.name, model=self.model
        )
