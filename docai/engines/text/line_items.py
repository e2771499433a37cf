"""Arrays of objects (line items) from tables: columns mapped to item properties by header matching."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from docai.document import Document
from docai.results import Evidence

if TYPE_CHECKING:
    from docai.engines.text.extractor import Context
    from docai.engines.text.typing_rules import FieldSpec

_log = logging.getLogger(__name__)


def fill_items(
    document: Document, spec: FieldSpec, ctx: Context
) -> tuple[list[dict[str, Any]], dict[str, Evidence]]:
    return [], {}
