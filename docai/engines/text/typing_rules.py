"""Schema fields as typed slots, and the rules that turn candidate text into a typed value or reject it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docai import values
from docai.errors import SchemaError

_log = logging.getLogger(__name__)

_MONEY_WORDS = {
    "total",
    "subtotal",
    "amount",
    "price",
    "tax",
    "vat",
    "gst",
    "cost",
    "fee",
    "balance",
    "sum",
    "due",
}


def split_name(name: str) -> list[str]:
    """'invoiceNumber' / 'invoice_number' / 'Invoice-No' -> ['invoice', 'number'] / [..., 'no']."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t.lower() for t in re.split(r"[\s_\-.:/]+", spaced) if t]


@dataclass
class FieldSpec:
    """One fillable slot of a schema. `path` is where it goes (`total`, `vendor.name`, `items[].qty`)."""

    path: str
    name: str
    schema: dict[str, Any]
    parent: str | None = None
    required: bool = False
    kind: str = "string"
    items: list[FieldSpec] = field(default_factory=list)  # for arrays of objects
    is_array: bool = False

    @property
    def title(self) -> str:
        return str(self.schema.get("title") or "")

    @property
    def description(self) -> str:
        return str(self.schema.get("description") or "")

    @property
    def enum(self) -> list[Any]:
        return list(self.schema.get("enum") or [])

    @property
    def words(self) -> list[str]:
        return split_name(self.name)

    def text(self) -> str:
        """What the field means, in words (for matching)."""
        parts = [" ".join(self.words)]
        if self.title:
            parts.append(self.title)
        if self.description:
            parts.append(self.description)
        return "; ".join(parts)


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return [x for x in t if x != "null"]
    if t is None:
        for key in ("anyOf", "oneOf"):
            for sub in schema.get(key) or []:
                if isinstance(sub, dict) and sub.get("type") not in (None, "null"):
                    return _types(sub)
        if "enum" in schema:
            return ["string"]
        if "properties" in schema:
            return ["object"]
        return ["string"]
    return [t]


def _unwrap(schema: dict[str, Any]) -> dict[str, Any]:
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            if isinstance(sub, dict) and sub.get("type") != "null":
                merged = {**sub, **{k: v for k, v in schema.items() if k not in (key,)}}
                return merged
    return schema


def value_kind(name: str, schema: dict[str, Any]) -> str:
    """The parsing rule for a scalar field, from its JSON type, format, enum and the words describing it."""
    t = (_types(schema) or ["string"])[0]
    words = set(split_name(name)) | set(re.findall(r"[a-z]+", str(schema.get("description", "")).lower()))
    name_words = set(split_name(name))
    fmt = str(schema.get("format") or "")
    if schema.get("enum"):
        return "enum"
    if t == "boolean":
        return "boolean"
    if t == "integer":
        return "integer"
    if t == "number":
        pct = name_words & {"percent", "percentage", "rate"} and "price" not in words
        return "percent" if pct else "number"
    if fmt == "date":
        return "date"
    if fmt == "date-time":
        return "datetime"
    if fmt == "email" or name_words & {"email", "mail"}:
        return "email"
    if fmt in ("uri", "url") or name_words & {"url", "website", "web", "homepage"}:
        return "url"
    if "currency" in name_words or "currency code" in str(schema.get("description", "")).lower():
        return "currency"
    if "iban" in name_words:
        return "iban"
    if name_words & {"phone", "telephone", "tel", "fax", "mobile"}:
        return "phone"
    if name_words & {"number", "no", "nr", "id", "code", "reference", "ref"} and t == "string":
        return "identifier"
    if name_words & {"date", "dated"} or (name_words & {"issued", "due"} and "date" in words):
        return "date"
    if name_words & _MONEY_WORDS and not name_words & {"number", "no", "id", "code", "name", "words"}:
        return "money_text"
    return "string"


def fields_from_schema(schema: dict[str, Any]) -> list[FieldSpec]:
    """Top-level fields of an object schema; nested objects flattened with dotted paths."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        raise SchemaError("the text engine needs an object schema with 'properties'")
    return _collect(schema, prefix="", parent=None)


def _collect(schema: dict[str, Any], prefix: str, parent: str | None) -> list[FieldSpec]:
    props = schema.get("properties") or {}
    required = set(schema.get("required") or props.keys())
    out: list[FieldSpec] = []
    for name, sub in props.items():
        if not isinstance(sub, dict):
            raise SchemaError(f"property {prefix}{name} is not a schema object")
        sub = _unwrap(sub)
        path = f"{prefix}{name}"
        types = _types(sub)
        if "object" in types and isinstance(sub.get("properties"), dict):
            out.extend(_collect(sub, prefix=path + ".", parent=name))
            continue
        if "array" in types:
            item = _unwrap(sub.get("items") or {})
            spec = FieldSpec(path, name, sub, parent, name in required, is_array=True)
            if "object" in _types(item) and isinstance(item.get("properties"), dict):
                spec.kind = "table"
                spec.items = _collect(item, prefix="", parent=name)
            else:
                spec.kind = value_kind(name, item)
            out.append(spec)
            continue
        out.append(FieldSpec(path, name, sub, parent, name in required, value_kind(name, sub)))
    return out


@dataclass
class Typed:
    value: Any
    text: str  # the part of the candidate text the value came from


def _number_tokens(text: str) -> list[str]:
    return [m.group(0).strip() for m in re.finditer(r"[-(]?[$€£¥₹￥]?\s?\d[\d,.'’]*\)?%?", text)]


def coerce(spec: FieldSpec, text: str, dayfirst: bool | None = None) -> Typed | None:
    """`text` as a value of `spec`'s kind, or None when it does not parse (the candidate is rejected)."""
    s = text.strip().strip(":").strip()
    if not s:
        return None
    kind = spec.kind
    if kind in ("number", "integer", "money_text", "percent"):
        return _coerce_number(kind, s)
    if kind == "date":
        return _coerce_date(spec, s, dayfirst)
    if kind == "datetime":
        return _coerce_datetime(s, dayfirst)
    if kind == "enum":
        return _enum(spec.enum, s)
    if kind == "identifier":
        return _coerce_identifier(s)
    parse = _SIMPLE_PARSERS.get(kind)
    if parse is not None:
        return parse(s)
    # plain string: the text as printed, without leading punctuation left from the label
    cleaned = re.sub(r"^[\s:#.\-–]+", "", s).strip()
    if not cleaned or not re.search(r"\w", cleaned):
        return None
    return Typed(cleaned, cleaned)


def _coerce_number(kind: str, s: str) -> Typed | None:
    # OCR's stray space after a decimal separator: '1.461, 64', '39. 80' is one amount
    s = _SPLIT_CENTS.sub(r"\1\2\3", s) if kind != "integer" else s
    s = _SEMI_GROUP.sub(",", s)
    tokens = [_one_decimal(t) for t in _number_tokens(s)]
    if not tokens:
        return None
    # a value cell holds one amount; with several ("2 x 4.50 9.00") the last is the result
    words = re.sub(r"[\d\s.,$€£¥₹￥()%'’:+-]|\b(RM|Rs|[A-Z]{3}|HT|TTC|incl|excl)\b", "", s)
    if kind != "integer" and (len(words) > 4 or values.parse_date(s) is not None):
        return None  # words or a date around the number: not an amount
    tok = tokens[-1]
    if kind in ("number", "money_text") and tok.endswith("%"):
        return None  # 'GST 6%': the rate, not the amount
    if kind == "percent":
        pct = [t for t in tokens if t.endswith("%")]
        tok = pct[-1] if pct else tok
    num = values.parse_number(tok)
    if num is None:
        return None
    if kind == "integer":
        if num != int(num):
            return None
        return Typed(int(num), tok)
    if kind == "money_text":
        return Typed(re.sub(r"^[^\d(-]+", "", tok).strip(), tok)
    return Typed(num, tok)


def _coerce_date(spec: FieldSpec, s: str, dayfirst: bool | None) -> Typed | None:
    if not re.match(r"\s*(\d|[^\W\d_]{3,9}\.?\s+\d)", s):
        return None  # the date must start the value, not sit somewhere in a sentence
    parts = _RANGE.split(s, maxsplit=1)
    if len(parts) == 2 and set(spec.words) & _RANGE_END:
        # 'period: 1 Jul 2022 to 30 Jul 2022' ends on the 30th
        end = values.parse_date(parts[1], dayfirst)
        if end and values.parse_date(parts[0], dayfirst):
            return Typed(end, parts[1].strip())
    d = values.parse_date(s, dayfirst)
    return Typed(d, s) if d else None


def _coerce_datetime(s: str, dayfirst: bool | None) -> Typed | None:
    d = values.parse_date(s, dayfirst)
    if not d:
        return None
    m = re.search(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?", s)
    if not m:
        return Typed(d, s)
    hh = int(m.group(1))
    if m.group(4):
        hh = hh % 12 + (12 if m.group(4).lower() == "pm" else 0)
    return Typed(f"{d}T{hh:02d}:{m.group(2)}:{m.group(3) or '00'}", s)


def _coerce_identifier(s: str) -> Typed | None:
    toks = s.split()
    for i, tok in enumerate(toks[:3]):
        tok = re.sub(r"^(?i:n°|no\.|nr\.|#)", "", tok.strip(":#.,;")).strip(":#.,;")
        if re.fullmatch(r"\d+[.,]\d{2}", tok):
            continue  # an amount, not a number that identifies something
        if re.search(r"\d", tok) and len(tok) >= 2:
            whole = _grouped(tok, toks[i + 1 :])
            return Typed(whole, whole)
    return None


def _parsed(parse: Callable[[str], Any], keep_printed: bool) -> Callable[[str], Typed | None]:
    """A kind whose value one parser gives (empty or None: no value; False is a boolean's value);
    `keep_printed`: the evidence is the text as printed, else the parsed value."""

    def coerce_kind(s: str) -> Typed | None:
        v = parse(s)
        if v is None or (v is not False and not v):
            return None
        return Typed(v, s if keep_printed else v)

    return coerce_kind


_SIMPLE_PARSERS: dict[str, Callable[[str], Typed | None]] = {
    "boolean": _parsed(values.parse_bool, keep_printed=True),
    "email": _parsed(values.parse_email, keep_printed=False),
    "url": _parsed(values.parse_url, keep_printed=False),
    "phone": _parsed(values.parse_phone, keep_printed=False),
    "iban": _parsed(values.parse_iban, keep_printed=True),
    "currency": _parsed(values.detect_currency, keep_printed=True),
}


_RANGE = re.compile(r"\s+(?:to|until|till|through|thru|bis|au|至|到)\s+|\s+[-–—]\s+", re.IGNORECASE)
_RANGE_END = {"end", "to", "until", "through", "last", "closing", "thru"}
_SPLIT_CENTS = re.compile(r"(\d)([.,]) (\d{2})(?![\d.,])")
# OCR's misreadings of a thousands separator: ';' for ',' ('5;777.73'), or the decimal mark repeated
# ('1.148.31', '1,148,31'): a last group of two digits after groups of three cannot be thousands
_SEMI_GROUP = re.compile(r"(?<=\d);(?=\d{3}(?!\d))")
_REPEATED_MARK = re.compile(r"\d{1,3}(?:([.,])\d{3})+\1\d{2}")


def _one_decimal(tok: str) -> str:
    """'1.148.31' -> '1148.31': the last mark is the decimal point, the others group thousands."""
    m = _REPEATED_MARK.search(tok)
    if m is None or m.group(0) != re.sub(r"[^\d.,]", "", tok):
        return tok
    mark = m.group(1)
    head, _, cents = m.group(0).rpartition(mark)
    return tok.replace(m.group(0), head.replace(mark, "") + "." + cents)


_GROUP = re.compile(r"[A-Za-z0-9]{2,6}")


def _grouped(first: str, rest: list[str]) -> str:
    """An account or IBAN printed in groups ('DE89 3704 0044 0532 0130 00', '6515 7054 9619') stays whole:
    short alphanumeric chunks with digits that follow a chunk like them."""
    if not _GROUP.fullmatch(first):
        return first
    parts = [first]
    for tok in rest:
        if not (_GROUP.fullmatch(tok) and re.search(r"\d", tok)) or len(parts) >= 9:
            break
        parts.append(tok)
    even = len(parts) == 2 and all(p.isdigit() and len(p) == len(first) >= 3 for p in parts)
    return " ".join(parts) if len(parts) >= 3 or even else first


def _norm(s: str) -> str:
    return re.sub(r"[^\w]+", "", str(s).lower())


def _enum(options: list[Any], text: str) -> Typed | None:
    """The enum value the text names: exact, then contained, then close (edit ratio >= 0.8)."""
    import difflib

    t = _norm(text)
    if not t:
        return None
    for opt in options:
        if _norm(opt) == t:
            return Typed(opt, text)
    for opt in options:
        n = _norm(opt)
        if n and (re.search(rf"\b{re.escape(str(opt).lower())}\b", text.lower()) or (len(t) >= 3 and t in n)):
            return Typed(opt, text)
    best, ratio = None, 0.0
    for opt in options:
        r = difflib.SequenceMatcher(None, _norm(opt), t).ratio()
        if r > ratio:
            best, ratio = opt, r
    return Typed(best, text) if best is not None and ratio >= 0.8 else None
