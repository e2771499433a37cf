"""Check a JSON Schema before any work: is it valid, and can docai fill it? Also inline local $refs."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from docai.errors import SchemaError

_SCALARS = {"string", "number", "integer", "boolean", "null"}
_MAX_DEPTH = 6
MAX_FIELDS = 500
"""Fields (leaves and objects) a schema may have: every field is matched on every page, so 2,000 fields
took 94 s on one page here; the bundled examples have 10 to 40."""
MAX_NESTING = 64
"""JSON nesting levels of the schema document itself (a field nests 2 or 3: properties, items)."""
MAX_NODES = 50_000


def check_size(schema: Any) -> None:
    """SchemaError for a schema too deep or too big, found without recursion (before any validator)."""
    stack: list[tuple[Any, int]] = [(schema, 1)]
    nodes = fields = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_NESTING:
            raise SchemaError(f"schema nests deeper than {MAX_NESTING} levels")
        if nodes > MAX_NODES:
            raise SchemaError(f"schema is too big (over {MAX_NODES} JSON values)")
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                fields += len(props)
                if fields > MAX_FIELDS:
                    raise SchemaError(f"schema has more than {MAX_FIELDS} fields")
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def schema_hash(schema: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces): same content, same hash."""
    canon = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace local `#/$defs/X` (and `#/definitions/X`) references by their targets; pydantic emits them."""
    defs = {**schema.get("definitions", {}), **schema.get("$defs", {})}
    made = [0]

    def walk(node: Any, seen: tuple[str, ...]) -> Any:
        made[0] += 1
        if made[0] > MAX_NODES:  # references that multiply (A uses B twice, B uses C twice, ...)
            raise SchemaError(f"schema is too big once its $refs are inlined (over {MAX_NODES} values)")
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if not ref.startswith("#/") or name not in defs:
                    raise SchemaError(f"unsupported $ref {ref!r} (only local #/$defs references)")
                if name in seen:
                    raise SchemaError(f"recursive schema through {ref!r} is not supported")
                target = walk(copy.deepcopy(defs[name]), (*seen, name))
                extra = {k: v for k, v in node.items() if k != "$ref"}
                return {**target, **extra}
            return {k: walk(v, seen) for k, v in node.items() if k not in ("$defs", "definitions")}
        if isinstance(node, list):
            return [walk(v, seen) for v in node]
        return node

    return walk(schema, ())


def _type_of(prop: dict[str, Any]) -> str | None:
    t = prop.get("type")
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        return non_null[0] if len(non_null) == 1 else None
    if t is None:
        for key in ("anyOf", "oneOf"):
            options = [o for o in prop.get(key, []) if isinstance(o, dict) and o.get("type") != "null"]
            if len(options) == 1:
                return _type_of(options[0])
        if "enum" in prop:
            return "string"
    return t if isinstance(t, str) else None


def _check_metaschema(schema: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError as JsSchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except JsSchemaError as e:
        where = "/".join(str(p) for p in e.absolute_path) or "(root)"
        raise SchemaError(f"invalid JSON Schema at {where}: {e.message}") from None


def _check_props(props: Any, where: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise SchemaError(f"schema nests deeper than {_MAX_DEPTH} levels at {where}")
    if not isinstance(props, dict) or not props:
        raise SchemaError(f"{where or 'schema'}: 'properties' must be a non-empty object")
    for name, prop in props.items():
        path = f"{where}.{name}" if where else name
        if not isinstance(prop, dict):
            raise SchemaError(f"field {path!r} must be a schema object")
        t = _type_of(prop)
        if t is None:
            raise SchemaError(f"field {path!r} has no single type docai can fill (give 'type')")
        if t == "object":
            _check_props(prop.get("properties"), path, depth + 1)
        elif t == "array":
            items = prop.get("items")
            if not isinstance(items, dict):
                raise SchemaError(f"array field {path!r} needs an 'items' schema")
            it = _type_of(items)
            if it == "object":
                _check_props(items.get("properties"), f"{path}[]", depth + 1)
            elif it not in _SCALARS:
                raise SchemaError(f"array field {path!r} has items of unsupported type {it!r}")
        elif t not in _SCALARS:
            raise SchemaError(f"field {path!r} has unsupported type {t!r}")


def check_schema(schema: Any, *, metaschema: bool = True) -> dict[str, Any]:
    """A validated, $ref-free copy of `schema`, or SchemaError naming the problem in one line.

    `metaschema=False` skips validating against the JSON Schema metaschema (for schemas docai made)."""
    if not isinstance(schema, dict):
        raise SchemaError("a schema must be a JSON object")
    check_size(schema)
    if metaschema:
        _check_metaschema(schema)
    flat = inline_refs(schema)
    check_size(flat)
    if flat.get("type", "object") != "object":
        raise SchemaError("the top level of a schema must be an object with 'properties'")
    _check_props(flat.get("properties"), "", 0)
    flat.setdefault("type", "object")
    return flat
