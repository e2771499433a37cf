"""Fixtures for the text engine tests (defined in text_docs.py)."""

from text_docs import draw, invoice_pdf

__all__ = ["draw", "invoice_pdf"]
