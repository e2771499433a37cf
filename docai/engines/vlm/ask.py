"""Answering a question over documents with a vision-language model, citing pages.

Each page group is asked; one found answer is the answer, several are combined in one more
(text-only) call. Long documents are narrowed first to the pages whose text matches the question.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docai.engines.vlm import prompts
from docai.engines.vlm.common import (
    ModelCaller,
    ParsedReply,
    Request,
    add_usage,
    image_parts,
    images_per_page,
    map_page_groups,
    parse_reply,
)
from docai.engines.vlm.merge import clean_pages
from docai.engines.vlm.pages import group_pages, pages_per_request, rank_pages_for_question
from docai.errors import SchemaError
from docai.options import Options
from docai.results import Answer, Citation

if TYPE_CHECKING:
    from docai.document import Document
    from docai.parsers.slicing import SliceConfig

_log = logging.getLogger(__name__)


@dataclass
class _Candidate:
    document: str
    text: str
    found: bool
    pages: list[int]
    raw: str
    reasoning: str | None
    usage: dict[str, int] | None
    notes: list[str]


def _parse_answer(turn: ParsedReply, shown: list[int]) -> tuple[str, bool, list[int]]:
    value = turn.value
    if isinstance(value, dict):
        answer = value.get("answer")
        found = bool(value.get("found", answer not in (None, "")))
        raw_pages = value.get("pages") or []
        if not isinstance(raw_pages, list):
            raw_pages = [raw_pages]
        cited = clean_pages({str(i): p for i, p in enumerate(raw_pages)}).values()
        pages = list(dict.fromkeys(p for p in cited if p in shown))  # once each, in the model's order
        text = "" if answer is None else str(answer)
        found = found and bool(text.strip())
    elif turn.text.lstrip().startswith(("{", "[")):  # JSON cut short (token cap): no answer, not a guess
        text, found, pages = "", False, []
        turn.notes.append("the answer's JSON was cut short; no answer is given")
    else:  # prose answer: keep it, the status is in the notes
        text, found, pages = turn.text.strip(), bool(turn.text.strip()), []
        turn.notes.append("the answer was not JSON; its text is used as is")
    if found and not pages and len(shown) == 1:
        pages = list(shown)
    return text, found, pages


def run_ask(
    caller: ModelCaller,
    documents: list[Document],
    question: str,
    options: Options,
    config: SliceConfig,
    *,
    engine: str,
    model: str | None,
) -> Answer:
    """Ask every page group; one found answer is the answer, several are combined in one more call."""
    if not question.strip():
        raise SchemaError("the question is empty")
    per = pages_per_request(options, len(prompts.ask_prompt(question)), config)
    limit = options.ask_max_pages
    max_chars = options.answer_max_chars
    notes: list[str] = []
    to_read = _pages_to_read(documents, question, limit, notes)

    def tasks(n: int) -> list[tuple[Document, list[int]]]:
        return [(doc, g) for doc, pages in to_read for g in group_pages(pages, n)]

    def one(task: tuple[Document, list[int]]) -> _Candidate:
        doc, group = task
        parts = image_parts(doc, group, config, options.slicing == "client")
        parts.append(prompts.ask_prompt(question))
        request = Request(
            parts,
            response_schema=prompts.answer_response_schema(group, max_chars),
            schema_name="docai_answer",
            max_tokens=options.max_tokens,
            think=options.think,
        )
        turn = parse_reply(caller.call(request))
        text, found, pages = _parse_answer(turn, group)
        return _Candidate(doc.name, text, found, pages, turn.text, turn.reasoning, turn.usage, turn.notes)

    ipp = images_per_page(options, config)
    cands = map_page_groups(caller, one, tasks, per, ipp, notes)
    usage: dict[str, int] | None = None
    for c in cands:
        usage = add_usage(usage, c.usage)
        notes += c.notes
    found = [c for c in cands if c.found]
    reasoning = "\n\n".join(c.reasoning for c in cands if c.reasoning) or None
    raw = "\n\n".join(f"=== {c.document} ===\n{c.raw}" for c in cands)
    base = {"engine": engine, "model": model, "reasoning": reasoning, "raw_output": raw}
    if not found:
        return Answer(question, "", False, usage=usage, notes=notes, **base)
    if len(found) == 1:
        c = found[0]
        cites = [Citation(p, c.document) for p in c.pages]
        return Answer(question, c.text, True, cites, usage=usage, notes=notes, **base)
    return _combined(caller, question, found, options, usage, notes, base)


def _pages_to_read(
    documents: list[Document], question: str, limit: int, notes: list[str]
) -> list[tuple[Document, list[int]]]:
    """Each document's pages to send: all of them, or the `limit` best text matches of a longer one."""
    to_read: list[tuple[Document, list[int]]] = []
    for doc in documents:
        pages = list(doc.page_numbers)
        if len(pages) > limit:
            chosen = rank_pages_for_question(doc, question, limit)
            if chosen:
                notes.append(f"{doc.name}: read {len(chosen)} of {len(pages)} pages (best text match)")
                pages = chosen
        to_read.append((doc, pages))
    return to_read


def _combined(
    caller: ModelCaller,
    question: str,
    found: list[_Candidate],
    options: Options,
    usage: dict[str, int] | None,
    notes: list[str],
    base: dict[str, Any],
) -> Answer:
    """Several page groups found an answer: one more call combines them, citing the pages it keeps."""
    all_pages = sorted({p for c in found for p in c.pages})
    request = Request(
        [prompts.combine_prompt(question, [(c.text, c.pages) for c in found])],
        response_schema=prompts.answer_response_schema(all_pages, options.answer_max_chars),
        schema_name="docai_answer",
        max_tokens=options.max_tokens,
        think=options.think,
    )
    turn = parse_reply(caller.call(request))
    usage = add_usage(usage, turn.usage)
    text, ok, pages = _parse_answer(turn, all_pages)
    if not ok:  # the combine call failed to answer: keep the first candidate
        text, pages = found[0].text, found[0].pages
        notes.append("combining the candidate answers failed; the first one is given")
    cites = [Citation(p, c.document) for c in found for p in c.pages if p in pages] or [
        Citation(p, c.document) for c in found for p in c.pages
    ]
    base = {**base, "raw_output": f"{base['raw_output']}\n\n=== combined ===\n{turn.text}"}
    return Answer(question, text, True, _dedup(cites), usage=usage, notes=notes + turn.notes, **base)


def _dedup(cites: list[Citation]) -> list[Citation]:
    seen: set[tuple[str | None, int]] = set()
    out = []
    for c in cites:
        if (c.document, c.page_no) not in seen:
            seen.add((c.document, c.page_no))
            out.append(c)
    return out
