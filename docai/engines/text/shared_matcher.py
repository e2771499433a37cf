"""The one `SemanticMatcher` of this process: the embedding model and the label vectors load once.

Its own module so that the engine and the QA module both reach it without importing each other."""

from __future__ import annotations

from docai.engines.text.matching import SemanticMatcher

_SEMANTIC: SemanticMatcher | None = None


def shared_matcher() -> SemanticMatcher:
    """The process-wide matcher, made on first use."""
    global _SEMANTIC
    if _SEMANTIC is None:
        _SEMANTIC = SemanticMatcher()
    return _SEMANTIC
