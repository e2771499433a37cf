"""The `text` engine: words and layout rules, no model weights (a small embedding model when installed)."""

from docai.engines.text.engine import TextEngine

__all__ = ["TextEngine"]
