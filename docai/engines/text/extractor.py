"""Fill a JSON Schema from a document's words: label/value candidates scored against each field.

The best candidate whose value parses for the field's type wins; a field with no such candidate stays
null. Layout rules cover the usual unlabelled fields (issuer, address, date, currency).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from docai import values
from docai.document import Document, Page
from docai.engines.base import ProgressCallback
from docai.engines.text import contracts, fiscal, heuristics, receipts
from docai.engines.text.kv import Candidate, find_pairs
from docai.engines.text.label_score import INLINE_MIN_LEX, MIN_SCORE, match_score  # noqa: F401 (re-exported)
from docai.engines.text.layout import Line, page_lines, union
from docai.engines.text.matching import (
    RIVALS,
    SemanticMatcher,
    concept_score,
    field_concepts,
    is_label_text,
    lexical_score,
)
from docai.engines.text.typing_rules import FieldSpec, Typed, coerce, fields_from_schema
from docai.results import Evidence, Extraction

_log = logging.getLogger(__name__)

_VENDOR_WORDS = {"company", "vendor", "issuer", "merchant", "seller", "store", "shop", "supplier", "business"}


@dataclass
class PageView:
    page: Page
    lines: list[Line]
    pairs: list[Candidate]


@dataclass
class Filled:
    value: Any
    evidence: Evidence


@dataclass
class Context:
    views: list[PageView]
    dayfirst: bool | None
    semantic: SemanticMatcher | None
    notes: list[str] = field(default_factory=list)
    _text: contracts.Text | None = None
    year: int | None = None  # the fiscal year a multi-year table's column must be for
    year_lines: set[tuple[int, int]] = field(default_factory=set)  # (page, line) of rows with year columns

    def running_text(self) -> contracts.Text:
        """The document's words as running text (built once, for the sentence rules of agreements)."""
        if self._text is None:
            self._text = contracts.running_text([v.lines for v in self.views])
        return self._text


def page_view(page: Page) -> PageView:
    """A page's lines and its label/value candidates."""
    lines = page_lines(page)
    return PageView(page, lines, find_pairs(lines) + fiscal.year_pairs(lines))


def read_pages(document: Document, progress: ProgressCallback | None = None) -> list[PageView]:
    views: list[PageView] = []
    total = len(document.page_numbers)
    for i, page in enumerate(document.pages(), start=1):
        views.append(page_view(page))
        if progress is not None:
            progress(i, total)
    return views


def new_context(views: list[PageView], semantic: SemanticMatcher | None, field_texts: list[str]) -> Context:
    """The filling context of `views`: day/month order from their text, and the fields' and labels'
    embeddings computed in one batch when the semantic matcher is available."""
    texts = [s.text for v in views for ln in v.lines for s in ln.segments]
    ctx = Context(views, values.infer_dayfirst(texts), semantic)
    if semantic is not None and semantic.available:
        labels = {c.label for v in views for c in v.pairs if c.shape != "inline" and len(c.label) <= 60}
        semantic.encode(field_texts + sorted(labels))
    return ctx


def extract(
    document: Document,
    schema: dict[str, Any],
    semantic: SemanticMatcher | None,
    progress: ProgressCallback | None = None,
) -> Extraction:
    specs = fields_from_schema(schema)
    ctx = new_context(read_pages(document, progress), semantic, [s.text() for s in specs])
    _set_year(ctx, schema)
    if semantic is not None and not semantic.available:
        ctx.notes.append("semantic matching unavailable (embedding model not installed): lexical labels only")
    data: dict[str, Any] = {}
    evidence: dict[str, Evidence] = {}
    for spec in specs:
        if spec.kind == "table":
            from docai.engines.text.line_items import fill_items

            rows, row_evidence = fill_items(document, spec, ctx)
            _set(data, spec.path, rows)
            evidence.update(row_evidence)
            continue
        if spec.is_array:
            found = fill_list(spec, ctx)
            _set(data, spec.path, [f.value for f in found])
            for i, f in enumerate(found):
                evidence[f"{spec.path}[{i}]"] = f.evidence
            continue
        got = fill_scalar(spec, ctx)
        _set(data, spec.path, got.value if got else None)
        if got:
            evidence[spec.path] = got.evidence
    _total_from_parts(data, evidence, specs, ctx)
    from docai.engines.text.crosscheck import cross_check

    ctx.notes.extend(cross_check(data, evidence, specs))
    missing = [s.path for s in specs if s.required and _get(data, s.path) in (None, [])]
    status = "ok" if not missing else "partial"
    notes = list(ctx.notes)
    if missing:
        notes.append("not found: " + ", ".join(missing))
    return Extraction(data=data, status=status, evidence=evidence, notes=notes, engine="text")


def _total_from_parts(
    data: dict[str, Any], evidence: dict[str, Evidence], specs: list[FieldSpec], ctx: Context
) -> None:
    """The total as subtotal + tax where the one picked disagrees (or none was) and that sum is printed.

    On a scan the total's label is the word OCR most often garbles (a large bold '合计' read as 'Bi'),
    and the fallback then picks some other amount; the printed sum of the two labelled parts is the
    total the invoice states.
    """

    def one(concept: str) -> FieldSpec | None:
        return next((x for x in specs if x.kind == "number" and concept in field_concepts(x)[:1]), None)

    total, sub, tax = one("total"), one("subtotal"), one("tax")
    if total is None or sub is None or tax is None:
        return
    a, b, got = _get(data, sub.path), _get(data, tax.path), _get(data, total.path)
    if not isinstance(a, int | float) or not isinstance(b, int | float) or a <= 0:
        return
    want = round(a + b, 2)
    if isinstance(got, int | float) and abs(got - want) <= 0.011:
        return
    for v in reversed(ctx.views):
        for ln in reversed(v.lines):
            for seg in reversed(ln.segments):
                typed = coerce(total, seg.text, ctx.dayfirst)
                if (
                    typed is not None
                    and isinstance(typed.value, int | float)
                    and abs(typed.value - want) <= 0.011
                ):
                    _set(data, total.path, typed.value)
                    evidence[total.path] = Evidence(v.page.page_no, seg.bbox, typed.text, 0.6)
                    ctx.notes.append(f"{total.path}: the printed sum of {sub.path} and {tax.path}")
                    return


def _vendorish(spec: FieldSpec) -> bool:
    """A field naming the document's issuer: vendor, merchant, company, bank name."""
    words = set(spec.words)
    parent = set((spec.parent or "").lower().split("_"))
    issuer = _VENDOR_WORDS | {"bank"}
    named = bool(words & _VENDOR_WORDS) or (bool((parent | words) & issuer) and "name" in words)
    return named and not words & {"address", "phone", "email", "number", "id", "code"}


def _set_year(ctx: Context, schema: dict[str, Any]) -> None:
    """Which column of a multi-year table the fields want: the schema's year, else the document's."""
    dated = [c for v in ctx.views for c in v.pairs if c.year is not None]
    ctx.year_lines = {(c.page_no, c.line_index) for c in dated}
    ctx.year = fiscal.schema_year(schema) or fiscal.document_year(
        (v.page.text for v in ctx.views[:3]), (c.year for c in dated)
    )


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    d = data
    for p in parts[:-1]:
        d = d.setdefault(p, {})
    d[parts[-1]] = value


def _get(data: dict[str, Any], path: str) -> Any:
    d: Any = data
    for p in path.split("."):
        if not isinstance(d, dict):
            return None
        d = d.get(p)
    return d


def _confidence(score: float, prior: float, ocr: float | None) -> float:
    c = score * prior
    if ocr is not None:
        c *= 0.6 + 0.4 * max(0.0, min(1.0, ocr))
    return round(max(0.0, min(0.99, c)), 3)


def ranked(spec: FieldSpec, ctx: Context) -> list[tuple[float, Candidate, Typed]]:
    """Candidates whose label names the field and whose value parses, best first."""
    out: list[tuple[float, Candidate, Typed]] = []
    concepts = field_concepts(spec)
    is_total = "total" in concepts
    party = next((c for c in concepts if c in RIVALS), None) if spec.kind == "string" else None
    named = spec.kind == "string" and bool(_vendorish(spec))
    for v in ctx.views:
        n = max(1, len(v.lines))
        for c in v.pairs:
            score = match_score(spec, c.label, c.shape, ctx)
            if score < MIN_SCORE:
                continue
            if party and not _party_pair(party, c):
                continue
            if named and (heuristics.is_noise(c.value) or not heuristics.could_be_name(c.value)):
                continue  # a title ('Account Statement') or 'Company Reg. No. 725186-V' is not a name
            bonus = 0.0
            if c.year is not None:
                if c.year != ctx.year or lexical_score(spec, c.label) < MIN_SCORE:
                    continue  # another year's figure, or a row only loosely like the field
                bonus = 0.3  # the fiscal year's own column beats an undated figure ('Revenue by quarter')
            elif (c.page_no, c.line_index) in ctx.year_lines:
                continue  # the same row read without its column's year
            typed = coerce(spec, c.value, ctx.dayfirst)
            if typed is None or typed.value in (None, ""):
                continue
            key = score * c.prior + bonus
            # equal labels: totals are printed last, everything else first
            pos = c.line_index / n
            key += 0.001 * (pos if is_total else 1.0 - pos) - 0.0001 * (v.page.page_no - 1)
            out.append((key, c, typed))
    out.sort(key=lambda t: -t[0])
    return out


def _party_pair(concept: str, c: Candidate) -> bool:
    """A vendor/customer candidate: the label must not name the other party ('Bill To' is never the
    vendor) and the value must read as a name, not a label, a date or a bare reference number."""
    if concept_score(RIVALS[concept], c.label) > max(0.8, concept_score(concept, c.label)):
        return False
    value = c.value.strip()
    if is_label_text(value) or _split_label(value):
        return False
    if values.parse_date(value) is not None:
        return False
    letters = sum(ch.isalpha() for ch in value)
    return letters >= 2 and not (" " not in value and any(ch.isdigit() for ch in value))


def _split_label(value: str) -> bool:
    """'Invoice No.: 123' as a value: a labelled pair of its own."""
    head = re.split(r"[:：]", value, maxsplit=1)
    return len(head) == 2 and bool(head[1].strip()) and is_label_text(head[0])


def _value_box(c: Candidate, typed: Typed) -> tuple[float, float, float, float]:
    """The box of the words the value came from (a number inside 'RM 9.00' points at '9.00')."""
    words = [w for w in c.value_words if w.text and (w.text in typed.text or typed.text in w.text)]
    return union(w.bbox for w in (words or list(c.value_words))) if (words or c.value_words) else c.bbox


def fill_scalar(spec: FieldSpec, ctx: Context) -> Filled | None:
    by_sentence = fill_by_sentence(spec, ctx)
    if by_sentence or _sentence_only(spec):
        return by_sentence[0] if by_sentence else None
    best = ranked(spec, ctx)
    total = _receipt_total(spec, ctx)
    if total is not None:
        return total
    if best:
        key, c, typed = best[0]
        ev = Evidence(c.page_no, _value_box(c, typed), typed.text, _confidence(key, 1.0, c.conf))
        return Filled(typed.value, ev)
    return fill_by_layout(spec, ctx)


def fill_list(spec: FieldSpec, ctx: Context) -> list[Filled]:
    """An array of scalars: every distinct value with a labelled candidate."""
    by_sentence = fill_by_sentence(spec, ctx)
    if by_sentence or _sentence_only(spec):
        return by_sentence
    seen: set[str] = set()
    out: list[Filled] = []
    for key, c, typed in ranked(spec, ctx):
        k = str(typed.value).lower()
        if k in seen:
            continue
        seen.add(k)
        out.append(
            Filled(
                typed.value,
                Evidence(c.page_no, _value_box(c, typed), typed.text, _confidence(key, 1.0, c.conf)),
            )
        )
    return out


def _receipt_total(spec: FieldSpec, ctx: Context) -> Filled | None:
    """A document total picked the way receipts print it (see receipts.find_total), last page first."""
    if spec.kind not in ("number", "money_text") or "total" not in field_concepts(spec):
        return None
    for v in reversed(ctx.views):
        found = receipts.find_total(v.lines)
        if found is not None:
            typed = coerce(spec, found.value, ctx.dayfirst)
            if typed is not None:
                ev = Evidence(found.page_no, found.bbox, found.value, _confidence(found.quality, 1.0, None))
                return Filled(typed.value, ev)
    return None


def _sentence_only(spec: FieldSpec) -> bool:
    """Parties, governing law and term are stated in sentences; a 'label' for them in prose is noise."""
    return contracts.contract_field(spec.words, spec.kind) in ("party", "law", "term")


def fill_by_sentence(spec: FieldSpec, ctx: Context) -> list[Filled]:
    """Agreement facts stated in sentences: parties, governing law, term, effective date."""
    rule = contracts.contract_field(spec.words, spec.kind)
    if rule is None or not ctx.views:
        return []
    text = ctx.running_text()
    if rule == "party":
        found = contracts.find_parties(text)
    else:
        one = {
            "law": contracts.find_governing_law,
            "term": contracts.find_term,
            "effective": lambda t: contracts.find_effective_date(t, ctx.dayfirst),
        }[rule](text)
        found = [one] if one else []
    out: list[Filled] = []
    for f in found:
        typed = coerce(spec, f.value, ctx.dayfirst)
        if typed is not None:
            out.append(
                Filled(typed.value, Evidence(f.page_no, f.bbox, f.value, _confidence(f.quality, 1.0, None)))
            )
    return out


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _yuan_by_script(texts: list[str]) -> str | None:
    """CNY for a document written in simplified Chinese whose currency mark OCR lost (a '¥' read as 'Y',
    '人民币' as letters): mainland invoices are in yuan. Mostly-Chinese text only; a bilingual page
    with Latin text says its currency some other way or stays unknown."""
    text = "".join(texts)
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    return "CNY" if han >= 20 and han >= 2 * latin else None


def fill_by_layout(spec: FieldSpec, ctx: Context) -> Filled | None:
    """Unlabelled fields by meaning: the issuer and its address on page 1, the first date, the currency."""
    if not ctx.views:
        return None
    words = set(spec.words)
    parent = set((spec.parent or "").lower().split("_"))
    first = ctx.views[0]
    found: heuristics.Found | None = None
    if spec.kind == "integer" and "year" in words and not words & {"founded", "birth", "established"}:
        year = ctx.year or fiscal.document_year((v.page.text for v in ctx.views[:3]), [])
        if year:
            return Filled(year, Evidence(first.page.page_no, None, str(year), 0.5))
        return None
    if spec.kind == "currency":
        texts = [s.text for v in ctx.views for ln in v.lines for s in ln.segments]
        code = heuristics.document_currency(texts) or _yuan_by_script(texts)
        if code:
            return Filled(code, Evidence(first.page.page_no, None, code, 0.5))
        return None
    if spec.kind == "string" and _vendorish(spec):
        found = heuristics.find_company(first.lines, first.page.page_no, first.page.height)
    elif (
        spec.kind == "string"
        and "address" in words
        and not (words | parent) & {"customer", "billing", "shipping", "client", "buyer"}
    ):
        found = heuristics.find_address(first.lines, first.page.page_no, first.page.height)
    elif spec.kind in ("date", "datetime") and not words & {
        "due",
        "expiry",
        "expiration",
        "birth",
        "start",
        "end",
    }:
        for v in ctx.views:
            found = heuristics.find_first_date(v.lines, v.page.page_no, ctx.dayfirst)
            if found:
                break
    if found is None:
        return None
    typed = coerce(spec, found.value, ctx.dayfirst)
    if typed is None:
        return None
    return Filled(
        typed.value,
        Evidence(found.page_no, found.bbox, found.value, _confidence(found.quality, 1.0, found.conf)),
    )
