"""Page images for a vision-language model, and how many pages go into one request.

Pages are rendered at the resolution LLaVA-UHD slicing can use (`render_dpi_for_page`), never more.
With server-side slicing (the default) one image per page is sent and the model's processor slices it;
with client-side slicing the overview and each slice go as separate images.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docai.document import Document, Page
from docai.options import Options
from docai.parsers.slicing import SliceConfig, render_dpi_for_page

if TYPE_CHECKING:
    from PIL.Image import Image

_log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 8
"""Upper bound on pages per request when `pages_per_request` is not set: more images than this in
one prompt hurts accuracy more than it saves calls, and servers cap images per prompt."""
LABEL_TOKENS = 24
"""Text tokens around each page image (label, image markers)."""


@dataclass
class PageImages:
    """One page as the model sees it: its number and the labelled images (one, or overview + slices)."""

    page_no: int
    images: list[tuple[str, Image]]


def slice_config(options: Options, merge_factor: int = 1) -> SliceConfig:
    """The slicing parameters from options. `merge_factor` 1 suits MiniCPM-V 4.5 (multiples of 14 px)."""
    return SliceConfig(
        scale_resolution=options.scale_resolution,
        patch_size=options.patch_size,
        max_slices=max(1, options.max_slices),
        merge_factor=merge_factor,
    )


def render_for_model(page: Page, config: SliceConfig) -> Image:
    """The page rendered at the dpi whose pixel area the slicing can use, in RGB."""
    dpi = render_dpi_for_page(page.width, page.height, config)
    return _rgb(page.render(dpi))


def page_images(page: Page, config: SliceConfig, client_slicing: bool) -> PageImages:
    """The labelled images of one page (`client_slicing`: overview first, then the slices row by row)."""
    from docai.engines.vlm.prompts import page_label

    if not client_slicing:
        return PageImages(page.page_no, [(page_label(page.page_no), render_for_model(page, config))])
    # One interpretation of the page, rendered straight at the overview and refined sizes: resampling
    # one render in Pillow costs more than MuPDF's second pass (see BENCHMARKS.md, Ingest).
    from docai.parsers.page_slices import render_page_slices

    overview, pieces, _plan = render_page_slices(page, config)
    overview, pieces = _rgb(overview), [_rgb(p) for p in pieces]
    out = [(page_label(page.page_no, "overview" if pieces else None), overview)]
    out += [(page_label(page.page_no, f"part {i} of {len(pieces)}"), p) for i, p in enumerate(pieces, 1)]
    return PageImages(page.page_no, out)


def _rgb(image: Image) -> Image:
    return image if image.mode == "RGB" else image.convert("RGB")


def tokens_per_page(config: SliceConfig) -> int:
    """Worst-case visual tokens of one page (overview plus every slice) and its label."""
    return config.query_num * (1 + config.max_slices) + LABEL_TOKENS


def pages_per_request(options: Options, prompt_chars: int = 0, config: SliceConfig | None = None) -> int:
    """`options.pages_per_request`, else as many pages as fit in the context next to prompt and output."""
    if options.pages_per_request:
        return max(1, options.pages_per_request)
    config = config or slice_config(options)
    budget = options.max_context - options.max_tokens - prompt_chars // 3 - 256
    fit = budget // tokens_per_page(config)
    if fit < 1:
        _log.warning(
            "max_context %d leaves no room for a page image next to %d output tokens; sending 1 page",
            options.max_context,
            options.max_tokens,
        )
    return max(1, min(DEFAULT_MAX_PAGES, fit))


def group_pages(page_numbers: list[int], per_request: int) -> list[list[int]]:
    """Consecutive pages in groups of at most `per_request` (tables that continue stay together)."""
    size = max(1, per_request)
    return [page_numbers[i : i + size] for i in range(0, len(page_numbers), size)]


def iter_group_images(
    document: Document, group: list[int], config: SliceConfig, client_slicing: bool
) -> Iterator[PageImages]:
    """Page images of one group, rendered one page at a time."""
    for n in group:
        yield page_images(document.page(n), config, client_slicing)


_STOP = frozenset(
    {
        "the", "and", "for", "with", "what", "was", "were", "which", "that", "this", "from", "how",
        "many", "much", "did", "does", "are", "per", "its", "total", "value", "amount", "year",
    }
)  # fmt: skip
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TERM_RE = re.compile(rf"[{_CJK}]+|[^\W\d_]{{3,}}|\d+(?:[.,]\d+)*")


def _terms(text: str) -> list[str]:
    """Lowercased words of 3+ letters and numbers; Chinese runs as character pairs (no spaces there)."""
    out: list[str] = []
    for t in _TERM_RE.findall(text.lower()):
        if "\u3400" <= t[0] <= "\ufaff":
            out += [t[i : i + 2] for i in range(len(t) - 1)] if len(t) > 1 else [t]
        elif t not in _STOP:
            out.append(t)
    return out


def rank_pages_for_question(document: Document, question: str, limit: int) -> list[int] | None:
    """The `limit` pages whose text best matches the question's words (tf-idf), in page order.

    None when the question has no usable words or no page text matches (scans without OCR): then
    every page has to be read. Loading each page for its text is cheap with a text layer (PyMuPDF
    reads hundreds of pages a second) but runs OCR on scans unless the document was loaded with
    `ocr="never"`."""
    wanted = set(_terms(question))
    if not wanted:
        return None
    counts: dict[int, dict[str, int]] = {}
    for n in document.page_numbers:
        words = _terms(document.page(n).text)
        counts[n] = {t: words.count(t) for t in wanted if t in words}
    df = {t: sum(1 for c in counts.values() if t in c) for t in wanted}
    total = len(counts)
    idf = {t: math.log(1 + total / max(1, d)) for t, d in df.items()}
    scores = {n: sum((1 + math.log(k)) * idf[t] for t, k in c.items()) for n, c in counts.items()}
    hits = [n for n, s in scores.items() if s > 0]
    if not hits:
        return None
    best = sorted(hits, key=lambda n: (-scores[n], n))[: max(1, limit)]
    return sorted(best)
