"""What docai sees in a document, page by page: the facts behind `docai inspect` (JSON-ready)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from docai.options import Options
from docai.parsers.loader import load_document
from docai.parsers.page_slices import plan_page
from docai.parsers.slicing import SliceConfig, page_pixels, render_dpi_for_page

_log = logging.getLogger(__name__)


def summarize_document(path: str | Path, options: Options | None = None) -> dict[str, Any]:
    """Document facts (mime, SHA-256, page count, encryption) and one row per selected page (size,
    rotation, text source, word count, render dpi and pixels, slice grid, overview size, tokens).

    Pages are read one at a time and dropped; nothing is rendered except for OCR. Raises InputError
    like `load_document`.
    """
    options = options or Options()
    config = SliceConfig(
        scale_resolution=options.scale_resolution,
        patch_size=options.patch_size,
        max_slices=options.max_slices,
    )
    with load_document(path, options) as doc:
        rows: list[dict[str, Any]] = []
        for page in doc.pages():
            dpi = render_dpi_for_page(page.width, page.height, config)
            px = page_pixels(page.width, page.height, dpi)
            plan = plan_page(page, config)
            rows.append(
                {
                    "page": page.page_no,
                    "width_pt": round(page.width, 2),
                    "height_pt": round(page.height, 2),
                    "rotation": page.rotation,
                    "text_source": page.text_source,
                    "orientation": page.orientation,
                    "words": len(page.words),
                    "render_dpi": round(dpi, 1),
                    "render_px": list(px),
                    "grid": list(plan.grid) if plan.grid else None,
                    "overview": list(plan.overview_size),
                    "slices": plan.n_slices,
                    "tokens": plan.tokens,
                }
            )
        return {
            "path": str(path),
            "ok": True,
            "mime": doc.mime,
            "sha256": doc.sha256,
            "size_bytes": doc.size_bytes,
            "page_count": doc.page_count,
            "encrypted": doc.encrypted,
            "pages": rows,
            "tokens": sum(r["tokens"] for r in rows),
        }
