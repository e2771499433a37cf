"""Question answering for the text engine: retrieve passages, then lift the supporting value or sentence.

The strategies are tried in order (qa_answer.py): a ratio asked by name or definition, arithmetic over
two values (change, growth, ratio), a labelled value ("What is the invoice number?"), the best row of a
table ("Which segment had the highest revenue?"), then a value or sentence from the retrieved passages.
Below a calibrated evidence threshold the answer is "not found in the document" rather than a confident
guess. An answer cites only passages that hold it; other top-ranked pages come back as `also_retrieved`.

This module is the light front: a question asked before over the same documents is answered from the
cache without importing NumPy, the index or the model; everything else is imported on a miss.
"""

from __future__ import annotations

from typing import Any

from docai.document import Document
from docai.engines.base import BlobCache
from docai.engines.text.qa_answer_cache import answer_key, cached_answer, store_answer
from docai.engines.text.qa_keys import expected_embed_model, index_key
from docai.errors import InputError
from docai.options import Options
from docai.results import Answer

__all__ = ["answer_question"]  # and, from qa_answer on first use, NOT_FOUND, classify_question, ...

_FROM_ANSWER = ("NOT_FOUND", "Candidate", "QuestionKind", "classify_question")


def __getattr__(name: str) -> Any:
    """NOT_FOUND, classify_question and the candidate types, from qa_answer when first asked for."""
    if name in _FROM_ANSWER:
        from docai.engines.text import qa_answer

        return getattr(qa_answer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _key(documents: list[Document], question: str, options: Options, model: str | None) -> str:
    return answer_key([index_key(d, options, model) for d in documents], question, options)


def answer_question(
    documents: list[Document], question: str, options: Options, cache: BlobCache | None
) -> Answer:
    """Answer `question` from `documents` as one corpus, citing the pages that hold the answer."""
    question = (question or "").strip()
    if not question:
        raise InputError("the question is empty")
    if not documents:
        raise InputError("no document to answer from")
    expected = expected_embed_model(options)
    cached = cached_answer(cache, _key(documents, question, options, expected))
    if cached is not None:
        return cached
    from docai.engines.text.qa_answer import answer_uncached

    answer, model = answer_uncached(documents, question, options, cache)
    # kept under the model really used (None when it would not load): a key never names another ranking
    store_answer(cache, _key(documents, question, options, model), answer)
    return answer
