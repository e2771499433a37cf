"""Turning a model's reply into checked data: reasoning apart, JSON found, values normalized, schema checked.

Pure functions. Models wrap JSON in code fences, write prose around it, think aloud in `<think>` tags,
repeat themselves until the token cap, and write "1.234,56" where the schema wants a number; each of
those is handled here so the engines only move text around.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from docai.values import parse_bool, parse_date, parse_number

_log = logging.getLogger(__name__)

_THINK_RE = re.compile(r"<think>(.*?)</think>", re.DOTALL)


def split_reasoning(content: str | None, reasoning: str | None = None) -> tuple[str, str | None]:
    """(answer text, reasoning) from a reply.

    Handles `<think>...</think>` inside the content, a content that starts after a `<think>` the chat
    template already emitted (only `</think>` present), a server's separate `reasoning_content`, and a
    reasoning parser that put the whole reply, answer included, into `reasoning_content` with an empty
    content: then the answer is searched for in the reasoning (`find_json` takes the last object).
    """
    text = content or ""
    parts: list[str] = []
    if reasoning and reasoning.strip():
        parts.append(reasoning.strip())
    found = _THINK_RE.findall(text)
    if found:
        parts.extend(t.strip() for t in found if t.strip())
        text = _THINK_RE.sub("", text)
    elif "</think>" in text:
        head, _, text = text.rpartition("</think>")
        if head.replace("<think>", "").strip():
            parts.append(head.replace("<think>", "").strip())
    elif text.lstrip().startswith("<think>"):
        # thinking never closed (token cap): all of it is reasoning, no answer
        parts.append(text.lstrip()[len("<think>") :].strip())
        text = ""
    text = text.strip()
    joined = "\n\n".join(parts) if parts else None
    if not text and reasoning and reasoning.strip():
        text = reasoning.strip()
    return text, joined


def _candidates(text: str) -> list[str]:
    """JSON-looking spans: fenced blocks first, then balanced {...} / [...] spans, last one first."""
    out = [m.group(1) for m in re.finditer(r"```(?:json|JSON)?\s*\n?(.*?)```", text, re.DOTALL)]
    spans: list[str] = []
    depth, start, in_str, esc = 0, -1, False, False
    for i, ch in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"' and depth > 0:
            in_str = True
        elif ch in "{[":
            if depth == 0:
                start = i
            depth += 1
        elif ch in "}]" and depth > 0:
            depth -= 1
            if depth == 0 and start >= 0:
                spans.append(text[start : i + 1])
    out.reverse()
    spans.sort(key=len, reverse=True)
    return out + spans


def _loads_lenient(s: str) -> Any:
    try:
        return json.loads(s, strict=False)
    except json.JSONDecodeError:
        pass
    fixed = re.sub(r",\s*([}\]])", r"\1", s)  # trailing commas
    fixed = re.sub(r"//[^\n\"]*\n", "\n", fixed)  # line comments outside strings (best effort)
    return json.loads(fixed, strict=False)


def find_json(text: str) -> Any:
    """The JSON value in `text` (fenced, bare, or among prose); raises ValueError when there is none.

    Prefers objects; among several, the largest balanced span (the answer, not an example in prose).
    """
    s = text.strip()
    if not s:
        raise ValueError("the model returned no text")
    try:
        return json.loads(s, strict=False)  # strict=False: raw control characters inside strings
    except json.JSONDecodeError:
        pass
    errors = []
    for cand in _candidates(s):
        try:
            return _loads_lenient(cand.strip())
        except json.JSONDecodeError as e:
            errors.append(str(e))
    raise ValueError("no JSON object in the reply" + (f" ({errors[0]})" if errors else ""))


def truncate_repetition(text: str, min_repeats: int = 6, max_unit: int = 200) -> tuple[str, bool]:
    """Cut a runaway tail where one unit (1..max_unit chars) repeats at least `min_repeats` times.

    Returns (text up to the first repeat plus one copy, whether anything was cut). Small repeats such
    as '0000' inside numbers are left alone by requiring the repeated span to be at least 40 chars.
    """
    n = len(text)
    for unit in range(1, min(max_unit, n // min_repeats) + 1):
        tail = text[n - unit :]
        count = 1
        pos = n - unit
        while pos - unit >= 0 and text[pos - unit : pos] == tail:
            count += 1
            pos -= unit
        if count >= min_repeats and count * unit >= 40:
            return text[: pos + unit], True
    return text, False


# ---------------------------------------------------------------- schema helpers

_ABSENT = {"", "null", "none", "n/a", "not found", "not available", "unknown"}


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    if isinstance(t, str):
        return [t]
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def nullable_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` where every typed value may also be null or absent ('not in the document').

    `required` is dropped: a missing required field makes a result partial, not invalid."""
    out = {k: v for k, v in schema.items() if k != "required"}
    types = _types(schema)
    if types and "null" not in types:
        out["type"] = [*types, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {k: nullable_schema(v) for k, v in schema["properties"].items()}
    if isinstance(schema.get("items"), dict):
        out["items"] = nullable_schema(schema["items"])
    for key in ("$defs", "definitions"):
        if isinstance(schema.get(key), dict):
            out[key] = {k: nullable_schema(v) if isinstance(v, dict) else v for k, v in schema[key].items()}
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            out[key] = [nullable_schema(s) for s in schema[key]] + [{"type": "null"}]
    return out


def normalize_value(value: Any, schema: dict[str, Any]) -> Any:
    """Coerce `value` toward `schema`: numbers from strings, ISO dates, booleans, nested objects/arrays.

    Leaves a value unchanged when it cannot be coerced; validation then reports it.
    """
    if value is None:
        return None
    types = _types(schema)
    if "object" in types and isinstance(value, dict):
        props = schema.get("properties") or {}
        return {k: normalize_value(v, props[k]) if k in props else v for k, v in value.items()}
    if "array" in types:
        item_schema = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        if isinstance(value, list):
            return [normalize_value(v, item_schema) for v in value]
        if isinstance(value, dict | str | int | float) and value != "":
            return [normalize_value(value, item_schema)]
    if isinstance(value, str) and value.strip().lower() in _ABSENT:
        return None
    if "integer" in types and not isinstance(value, bool):
        if isinstance(value, str):
            num = parse_number(value)
            if num is not None and num == int(num):
                return int(num)
        elif isinstance(value, float) and value == int(value):
            return int(value)
    if "number" in types and isinstance(value, str):
        num = parse_number(value)
        if num is not None:
            return int(num) if num == int(num) and "." not in value and "," not in value else num
    if "boolean" in types and isinstance(value, str):
        b = parse_bool(value)
        if b is not None:
            return b
    if "string" in types:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and schema.get("format") == "date":
            iso = parse_date(value)
            if iso is not None:
                return iso
    return value


def validation_errors(data: Any, schema: dict[str, Any]) -> list[str]:
    """Readable jsonschema errors of `data` against `schema` (nulls allowed everywhere)."""
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        validator_cls.check_schema(schema)
    except jsonschema.SchemaError:
        validator_cls = jsonschema.Draft202012Validator
    validator = validator_cls(nullable_schema(schema))
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = json_path(list(err.absolute_path)) or "(root)"
        out.append(f"{where}: {err.message}")
    return out


def json_path(parts: list[Any]) -> str:
    """['items', 0, 'amount'] -> 'items[0].amount' (the Extraction.evidence key style)."""
    s = ""
    for p in parts:
        if isinstance(p, int):
            s += f"[{p}]"
        else:
            s += ("." if s else "") + str(p)
    return s


def normalize_path(path: str) -> str:
    """'items.0.amount' or 'items[0].amount' or '$.items[0].amount' -> 'items[0].amount'."""
    p = path.strip().removeprefix("$").lstrip(".")
    p = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", p)
    return p


def missing_required(data: Any, schema: dict[str, Any], prefix: str = "") -> list[str]:
    """Paths of required fields that are null or absent (what makes a result 'partial')."""
    out: list[str] = []
    if not isinstance(data, dict):
        return out
    props = schema.get("properties") or {}
    for key in schema.get("required") or []:
        path = f"{prefix}.{key}" if prefix else key
        if data.get(key) is None or data.get(key) == []:
            out.append(path)
    for key, sub in props.items():
        value = data.get(key)
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.extend(missing_required(value, sub, path))
        elif isinstance(value, list) and isinstance(sub.get("items"), dict):
            for i, item in enumerate(value):
                out.extend(missing_required(item, sub["items"], f"{path}[{i}]"))
    return out


def empty_like(schema: dict[str, Any]) -> dict[str, Any]:
    """Every top-level property of `schema` set to null: the data of a result with nothing found."""
    return {k: None for k in (schema.get("properties") or {})}
