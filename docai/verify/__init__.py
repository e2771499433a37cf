"""Verification: every engine's extraction goes through here between the engine and storage.

`check_extraction` is the one call the service (and the eval runner) makes; `docai.verify.stage.verify`
is the pure part. `remember_pages` keeps the pages an engine loaded, so the stage reads the same words
without running OCR again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from docai.verify.stage import Pages, verify

if TYPE_CHECKING:
    from docai.document import Document, Page
    from docai.engines import Engine
    from docai.options import Options
    from docai.results import Extraction

_log = logging.getLogger(__name__)

__all__ = ["Pages", "check_extraction", "remember_pages", "verify"]


def remember_pages(document: Document) -> None:
    """Make `document.load_page` keep each page it builds (words and size; images stay lazy)."""
    if getattr(document.load_page, "_remembers", False):
        return
    load = document.load_page
    kept: dict[int, Page] = {}

    def remembering_load(page_no: int) -> Page:
        page = kept.get(page_no)
        if page is None:
            page = kept[page_no] = load(page_no)
        return page

    remembering_load._remembers = True  # type: ignore[attr-defined]
    document.load_page = remembering_load


def check_extraction(
    extraction: Extraction,
    document: Document,
    schema: dict[str, Any],
    options: Options,
    engine_for: Callable[[Options], Engine] | None = None,
    *,
    trace: dict[str, Any] | None = None,
) -> Extraction:
    """Verify `extraction` against `document`'s pages; with `options.verify_with`, read the document
    a second time with that engine and compare field by field."""
    remember_pages(document)
    reference = None
    other = getattr(options, "verify_with", None)
    if other and other != options.engine and extraction.status not in ("failed", "invalid"):
        reference = _second_reading(document, schema, options, other, engine_for)
    return verify(
        extraction,
        Pages(document.page, list(document.page_numbers)),
        schema,
        reference=reference,
        min_confidence=_threshold(options),
        trace=trace,
    )


def _threshold(options: Options) -> float | None:
    from docai.errors import InputError

    value = getattr(options, "min_confidence", None)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"min_confidence must be a number between 0 and 1, not {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise InputError(f"min_confidence must be between 0 and 1, not {number:g}")
    return number


def _second_reading(
    document: Document,
    schema: dict[str, Any],
    options: Options,
    engine_name: str,
    engine_for: Callable[[Options], Engine] | None,
) -> Extraction | None:
    from docai.engines import create_engine
    from docai.errors import DocaiError

    opts = options.replace(engine=engine_name, model=None, verify_with=None)
    try:
        engine = engine_for(opts) if engine_for else create_engine(opts)
        return engine.extract(document, schema)
    except DocaiError as e:
        _log.warning("verify: the %s engine could not read %s: %s", engine_name, document.name, e)
        return None
