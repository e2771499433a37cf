"""The engine interface. Engines read documents and return results; they know nothing of storage or CLI."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from docai.document import Document
from docai.options import Options
from docai.results import Answer, Extraction


@dataclass(frozen=True)
class Capabilities:
    """Declared, not guessed."""

    supports_images: bool = False
    supports_schema_constraint: bool = False
    supports_thinking: bool = False
    reads_page_images: bool = False
    """The engine is handed page images, so `--ocr auto` need not run Tesseract on scans for it."""
    parallelism: Literal["threads", "processes"] = "processes"
    """How a batch runs it side by side: threads (it waits on a server) or worker processes (it computes)."""


class BlobCache(Protocol):
    """A small key -> bytes store the service hands engines (e.g. a QA index kept in the database)."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes) -> None: ...


ProgressCallback = Callable[[int, int], None]
"""Called as (pages_done, pages_total) while an engine works through a document."""


class Engine(ABC):
    """Turns documents plus a schema (or a question) into an Extraction (or an Answer)."""

    name: str = ""
    capabilities: Capabilities = Capabilities()

    def __init__(self, options: Options) -> None:
        self.options = options

    @property
    def model(self) -> str | None:
        return self.options.model

    @abstractmethod
    def extract(
        self,
        document: Document,
        schema: dict[str, Any],
        *,
        progress: ProgressCallback | None = None,
    ) -> Extraction:
        """Fill `schema` from `document`. Never raise for 'value not found': return nulls and status."""

    @abstractmethod
    def ask(
        self,
        documents: list[Document],
        question: str,
        *,
        cache: BlobCache | None = None,
    ) -> Answer:
        """Answer `question` from `documents` (one corpus), citing pages."""

    def close(self) -> None:  # noqa: B027 - optional hook, most engines hold nothing
        """Release models, sessions or pools."""
