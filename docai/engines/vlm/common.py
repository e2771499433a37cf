"""The extract flow both vision-language engines share; they differ only in how they call a model.

An engine implements `ModelCaller`: `call(request) -> Reply` (one chat turn with images) and
`map_calls(fn, items)` (sequential in-process, concurrent against a server). Everything else happens
here (and in ask.py for questions): page groups, prompts, parsing, one repair round, normalization,
merging, status and evidence.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from docai.engines.base import ProgressCallback
from docai.engines.vlm import prompts
from docai.engines.vlm.logprobs import field_logprobs
from docai.engines.vlm.merge import GroupResult, clean_pages, merge_groups
from docai.engines.vlm.output import (
    empty_like,
    find_json,
    missing_required,
    normalize_value,
    split_reasoning,
    truncate_repetition,
    validation_errors,
)
from docai.engines.vlm.pages import (
    group_pages,
    iter_group_images,
    pages_per_request,
)
from docai.errors import EngineError, SchemaError
from docai.options import Options
from docai.results import Evidence, Extraction, Status

if TYPE_CHECKING:
    from PIL.Image import Image

    from docai.document import Document
    from docai.parsers.slicing import SliceConfig

_log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Request:
    """One chat turn: `parts` in order (text and PIL images), a system text, and output limits.

    `response_schema` is the JSON Schema of the whole reply, for servers that constrain decoding."""

    parts: list[str | Image]
    system: str = prompts.SYSTEM
    response_schema: dict[str, Any] | None = None
    schema_name: str = "docai_extraction"
    max_tokens: int = 4096
    think: bool = True

    @property
    def n_images(self) -> int:
        return sum(1 for p in self.parts if not isinstance(p, str))


@dataclass
class Reply:
    """What the model said: `content` (may still hold <think>), a separate reasoning text if the server
    split it off, token usage, and notes about how the call went (fallbacks, truncation)."""

    content: str
    reasoning: str | None = None
    usage: dict[str, int] | None = None
    notes: list[str] = field(default_factory=list)
    tokens: list[tuple[bytes, float]] | None = None
    """(token bytes, logprob) of `content`, from servers that return log-probabilities."""


class ImageLimitError(EngineError):
    """The server takes at most `limit` images in one prompt (vLLM: --limit-mm-per-prompt)."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


def map_page_groups(
    caller: ModelCaller,
    fn: Callable[[T], R],
    make_items: Callable[[int], list[T]],
    per: int,
    images_per_page: int,
    notes: list[str],
) -> list[R]:
    """`fn` over `make_items(per)` (page groups of up to `per` pages); when the server refuses that
    many images, once more with as many pages as its limit allows (said in `notes`), or the server's
    error when not even one page fits."""
    try:
        return caller.map_calls(fn, make_items(per))
    except ImageLimitError as e:
        fit = e.limit // max(1, images_per_page)
        if fit < 1 or fit >= per:
            raise
        notes.append(f"the server takes at most {e.limit} image(s) per prompt: {fit} page(s) per request")
        _log.warning("%s; sending %d page(s) per request", e, fit)
        return caller.map_calls(fn, make_items(fit))


def images_per_page(options: Options, config: SliceConfig) -> int:
    """Images one page takes in a prompt: one with server-side slicing, else overview + slices."""
    return 1 if options.slicing != "client" else 1 + config.max_slices


class ModelCaller(Protocol):
    def call(self, request: Request) -> Reply: ...

    def map_calls(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...


@dataclass
class ParsedReply:
    """A parsed reply: answer text, reasoning, the JSON found (or None) and what went wrong."""

    text: str
    reasoning: str | None
    value: Any
    error: str | None
    usage: dict[str, int] | None
    notes: list[str]
    field_logprobs: dict[str, float] = field(default_factory=dict)


def parse_reply(reply: Reply) -> ParsedReply:
    text, reasoning = split_reasoning(reply.content, reply.reasoning)
    notes = list(reply.notes)
    cut, truncated = truncate_repetition(text)
    if truncated:
        notes.append("the reply repeated itself and was cut")
        text = cut
    if reasoning:
        reasoning, looped = truncate_repetition(reasoning)
        if looped:
            notes.append("the reasoning repeated itself and was cut")
    try:
        value, error = find_json(text), None
    except ValueError as e:
        value, error = None, str(e)
    lps = field_logprobs(reply.content, text, reply.tokens) if reply.tokens and error is None else {}
    return ParsedReply(text, reasoning, value, error, reply.usage, notes, lps)


def add_usage(total: dict[str, int] | None, more: dict[str, int] | None) -> dict[str, int] | None:
    if not more:
        return total
    out = dict(total or {})
    for k, v in more.items():
        if isinstance(v, int):
            out[k] = out.get(k, 0) + v
    return out


def check_schema(schema: Any) -> dict[str, Any]:
    """The schema if it is a JSON Schema object with properties; SchemaError otherwise."""
    if not isinstance(schema, dict):
        raise SchemaError("the schema must be a JSON object")
    if not isinstance(schema.get("properties"), dict) or not schema["properties"]:
        raise SchemaError("the schema must be an object schema with at least one property")
    return schema


def image_parts(document: Document, group: list[int], config: SliceConfig, client: bool) -> list[str | Image]:
    parts: list[str | Image] = []
    for page in iter_group_images(document, group, config, client):
        for label, image in page.images:
            parts.extend([label, image])
    return parts


# ------------------------------------------------------------------------------------------ extract


@dataclass
class _GroupOutcome:
    pages: list[int]
    result: GroupResult | None
    errors: list[str]
    raw: str
    reasoning: str | None
    usage: dict[str, int] | None
    notes: list[str]
    field_logprobs: dict[str, float] = field(default_factory=dict)


def _checked(value: Any, schema: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any], list[str]]:
    """(data, pages, errors) of a parsed reply: unwraps {"data", "pages"}, normalizes, validates."""
    if not isinstance(value, dict):
        return None, {}, [f"(root): expected a JSON object, got {type(value).__name__}"]
    props = schema.get("properties") or {}
    if isinstance(value.get("data"), dict) and "data" not in props:
        data, pages = value["data"], value.get("pages") or {}
    else:  # the model answered with the data object itself
        data, pages = {k: v for k, v in value.items() if k != "pages"}, value.get("pages") or {}
    data = normalize_value(data, schema)
    return data, pages, validation_errors(data, schema)


def _extract_group(
    caller: ModelCaller,
    document: Document,
    group: list[int],
    schema: dict[str, Any],
    options: Options,
    config,
) -> _GroupOutcome:
    response_schema = prompts.extraction_response_schema(schema, group)
    parts = image_parts(document, group, config, options.slicing == "client")
    parts.append(prompts.extract_prompt(schema, group))
    request = Request(
        parts, response_schema=response_schema, max_tokens=options.max_tokens, think=options.think
    )
    turn = parse_reply(caller.call(request))
    usage, notes, raws = turn.usage, list(turn.notes), [turn.text]
    reasonings = [turn.reasoning] if turn.reasoning else []
    lps = turn.field_logprobs
    data, pages, errors = _checked(turn.value, schema) if turn.error is None else (None, {}, [turn.error])
    if errors:
        _log.info("pages %s: reply invalid (%s); asking once for a repair", group, errors[0])
        repair = Request(
            [prompts.repair_prompt(turn.text, errors)],
            response_schema=response_schema,
            max_tokens=options.max_tokens,
            think=False,
        )
        fixed = parse_reply(caller.call(repair))
        usage = add_usage(usage, fixed.usage)
        notes += fixed.notes
        raws.append(fixed.text)
        if fixed.reasoning:
            reasonings.append(fixed.reasoning)
        if fixed.error is None:
            data2, pages2, errors2 = _checked(fixed.value, schema)
            if not errors2:
                data, pages, errors, lps = data2, pages2, [], fixed.field_logprobs
                notes.append(f"pages {_span(group)}: the first reply was invalid and was repaired")
            else:
                errors = errors2
        else:
            errors = [fixed.error]
    result = GroupResult(data, clean_pages(pages), group) if not errors and data is not None else None
    raw = "\n\n--- repair ---\n\n".join(raws)
    reasoning = "\n\n".join(reasonings) or None
    return _GroupOutcome(group, result, errors, raw, reasoning, usage, notes, lps if result else {})


def _span(group: list[int]) -> str:
    return str(group[0]) if len(group) == 1 else f"{group[0]}-{group[-1]}"


def _value_at(data: Any, path: str) -> Any:
    import re

    cur = data
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        try:
            cur = cur[int(index)] if index else cur[name]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def run_extract(
    caller: ModelCaller,
    document: Document,
    schema: dict[str, Any],
    options: Options,
    config: SliceConfig,
    *,
    engine: str,
    model: str | None,
    progress: ProgressCallback | None = None,
) -> Extraction:
    """Extract `schema` from `document`: one request per page group, results merged by the schema."""
    schema = check_schema(schema)
    per = pages_per_request(options, len(prompts.extract_prompt(schema, [1, 2])), config)
    pages = list(document.page_numbers)
    total = len(document.page_numbers)
    done = [0]
    lock = threading.Lock()

    def one(group: list[int]) -> _GroupOutcome:
        outcome = _extract_group(caller, document, group, schema, options, config)
        if progress is not None:
            with lock:
                done[0] += len(group)
                progress(done[0], total)
        return outcome

    _log.info("%s: %d pages in requests of up to %d pages", document.name, total, per)
    notes: list[str] = []
    ipp = images_per_page(options, config)
    outcomes = map_page_groups(caller, one, lambda n: group_pages(pages, n), per, ipp, notes)
    usage: dict[str, int] | None = None
    errors: list[str] = []
    for o in outcomes:
        usage = add_usage(usage, o.usage)
        notes += o.notes
        errors += [f"pages {_span(o.pages)}: {e}" for e in o.errors] if len(outcomes) > 1 else o.errors
    good = [o.result for o in outcomes if o.result is not None]
    raw = _joined([(o.pages, o.raw) for o in outcomes])
    reasoning = _joined([(o.pages, o.reasoning) for o in outcomes if o.reasoning]) or None
    common = {"engine": engine, "model": model, "usage": usage, "notes": notes, "raw_output": raw}
    if not good:
        bad = next((o for o in outcomes if o.result is None), None)
        data = empty_like(schema)
        if bad is not None and not any("JSON" in e for e in bad.errors):
            data = _best_effort(bad.raw, schema) or data
        status: Status = "invalid" if outcomes else "failed"
        if not outcomes:
            errors.append("the document has no pages to read")
        return Extraction(data, status, errors=errors, reasoning=reasoning, **common)
    merged = merge_groups(schema, good)
    evidence = {
        path: Evidence(
            page, None, text=_text(_value_at(merged.data, path)), confidence=None, document=document.name
        )
        for path, page in merged.pages.items()
    }
    common["field_logprobs"] = _merged_logprobs(merged.data, outcomes)
    final_errors = validation_errors(merged.data, schema)
    if final_errors:  # merging valid parts should stay valid; say so if not
        errors += final_errors
        return Extraction(merged.data, "invalid", evidence, errors, reasoning=reasoning, **common)
    missing = missing_required(merged.data, schema)
    status = "partial" if missing or len(good) < len(outcomes) else "ok"
    if missing:
        notes.append("required fields not found: " + ", ".join(missing))
    return Extraction(merged.data, status, evidence, errors, reasoning=reasoning, **common)


def _merged_logprobs(data: dict[str, Any], outcomes: list[_GroupOutcome]) -> dict[str, float]:
    """Each merged field's logprob from the group whose value it kept (same path, same value)."""
    out: dict[str, float] = {}
    for o in outcomes:
        if o.result is None:
            continue
        for path, lp in o.field_logprobs.items():
            if path not in out and _value_at(o.result.data, path) == _value_at(data, path):
                out[path] = lp
    return out


def _best_effort(raw: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    """The data of an invalid reply as parsed (kept for inspection; the status says it is invalid)."""
    first = raw.split("\n\n--- repair ---\n\n")[-1]
    try:
        data, _, _ = _checked(find_json(first), schema)
    except ValueError:
        return None
    return data


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _joined(items: list[tuple[list[int], str | None]]) -> str:
    if len(items) == 1:
        return items[0][1] or ""
    return "\n\n".join(f"=== pages {_span(p)} ===\n{t or ''}" for p, t in items)
