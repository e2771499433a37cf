"""Every prompt text the vision-language engines send, in one place.

Replies are JSON so they can be checked: extraction answers `{"data": {...}, "pages": {"path": n}}`,
questions `{"answer": ..., "found": bool, "pages": [n, ...]}`. Pages are labelled "Page N:" before each
image so the model can cite them.
"""

from __future__ import annotations

import json
from typing import Any

SYSTEM = (
    "You read document page images and answer only from what is printed on them. "
    "Never invent or guess values: if something is not in the document, use null. "
    "Reply with JSON only."
)

EXTRACT_INSTRUCTIONS = """Extract the fields described by this JSON Schema from the document pages above.

JSON Schema of "data":
{schema}

Rules:
- Copy values as printed, then give them the schema's type: numbers as plain JSON numbers (no currency
  signs or thousands separators; negative for amounts in parentheses), dates as YYYY-MM-DD where the
  schema says "format": "date".
- Use null for any field that is not in the document. Do not guess.
- For lists (arrays), include every item shown, in document order, without duplicates.
- In "pages", give for each field you filled the page number it came from, keyed by the field path
  (for example "total", "items[0].amount").
{page_hint}
Answer with one JSON object and nothing else:
{{"data": {{...}}, "pages": {{"field.path": page_number}}}}"""

REPAIR = """Your previous answer does not match the JSON Schema.

Previous answer:
{previous}

Problems:
{errors}

Return the corrected JSON object in the same shape ({{"data": {{...}}, "pages": {{...}}}}). Fix the types and
structure; use null for a value you cannot give in the right type. JSON only."""

ASK_INSTRUCTIONS = """Answer the question from the document pages above.

Question: {question}

Rules:
- Use only what the pages show. If the answer is not on these pages, set "found" to false and
  "answer" to null.
- Keep the answer short and exact (copy numbers with their units).
- In "pages", list the page numbers the answer comes from.
Answer with one JSON object and nothing else:
{{"answer": "...", "found": true, "pages": [page_number]}}"""

COMBINE = """Several parts of a document were read separately. Candidate answers to the question, each with
the pages it came from:

{candidates}

Question: {question}

Give the single best answer supported by the candidates (combine them if the question needs it).
Answer with one JSON object and nothing else:
{{"answer": "...", "found": true, "pages": [page_number]}}"""


def page_label(page_no: int, piece: str | None = None) -> str:
    """'Page 3:' before a page image; client-side slicing adds which piece it is."""
    return f"Page {page_no}:" if piece is None else f"Page {page_no} ({piece}):"


def extract_prompt(schema: dict[str, Any], page_numbers: list[int]) -> str:
    if len(page_numbers) == 1:
        hint = f"- All the pages shown here are page {page_numbers[0]}.\n"
    else:
        shown = ", ".join(str(n) for n in page_numbers)
        hint = f"- The pages shown are {shown}; some fields may be on other pages not shown (use null).\n"
    return EXTRACT_INSTRUCTIONS.format(
        schema=json.dumps(schema, ensure_ascii=False, indent=1), page_hint=hint
    )


def repair_prompt(previous: str, errors: list[str]) -> str:
    shown = "\n".join(f"- {e}" for e in errors[:20])
    return REPAIR.format(previous=previous[:8000], errors=shown)


def ask_prompt(question: str) -> str:
    return ASK_INSTRUCTIONS.format(question=question)


def combine_prompt(question: str, candidates: list[tuple[str, list[int]]]) -> str:
    lines = [
        f"{i}. {text} (pages {', '.join(map(str, pages)) or 'unknown'})"
        for i, (text, pages) in enumerate(candidates, 1)
    ]
    return COMBINE.format(candidates="\n".join(lines), question=question)


def extraction_response_schema(schema: dict[str, Any], shown: list[int] | None = None) -> dict[str, Any]:
    """The JSON Schema of the whole extraction reply, for servers that constrain decoding.

    Every property is required but may be null, so the model writes each field (null for 'not in the
    document') instead of stopping at `{}`; a cited page must be one of the pages `shown`."""
    from docai.engines.vlm.output import nullable_schema

    page: dict[str, Any] = {"enum": [*shown, None]} if shown else {"type": ["integer", "null"]}
    return {
        "type": "object",
        "properties": {
            "data": _all_required(nullable_schema(schema)),
            "pages": {"type": "object", "additionalProperties": page},
        },
        "required": ["data", "pages"],
    }


def _all_required(schema: dict[str, Any]) -> dict[str, Any]:
    out = dict(schema)
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {k: _all_required(v) for k, v in schema["properties"].items()}
        out["required"] = list(schema["properties"])
    if isinstance(schema.get("items"), dict):
        out["items"] = _all_required(schema["items"])
    return out


MAX_ANSWER_CHARS = 1000
"""The longest answer a constrained server lets the model write (answers are short and exact; a
model looping inside a string stops here instead of at the token cap)."""


def answer_response_schema(shown: list[int], max_chars: int = MAX_ANSWER_CHARS) -> dict[str, Any]:
    """The JSON Schema of an answer: a string of at most `max_chars` or null, and pages among `shown`."""
    pages: dict[str, Any] = {"type": "array", "items": {"type": "integer"}}
    if shown:
        pages = {"type": "array", "items": {"enum": sorted(set(shown))}, "maxItems": len(set(shown))}
    return {
        "type": "object",
        "properties": {
            "answer": {"type": ["string", "null"], "maxLength": max_chars},
            "found": {"type": "boolean"},
            "pages": pages,
        },
        "required": ["answer", "found", "pages"],
    }
