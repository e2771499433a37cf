"""How well a printed label names a schema field: lexical (tokens, abbreviations, synonyms) and semantic.

The synonym tables are per language in `docai.engines.text.vocab`, so they grow without touching the scoring.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from docai.engines.text.typing_rules import FieldSpec, split_name
from docai.engines.text.vocab import ABBREVIATIONS, SYNONYM_TEXT, en

_log = logging.getLogger(__name__)

SYNONYMS: dict[str, dict[str, list[str]]] = {
    lang: {concept: text.split("|") for concept, text in table.items()}
    for lang, table in SYNONYM_TEXT.items()
}

_CONCEPT_CUES = en.CONCEPT_CUES
_DISCRIMINATORS = en.DISCRIMINATORS
_STOP = en.STOP_WORDS


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Normalized tokens: lower case, abbreviations expanded, simple plurals dropped, CJK runs kept."""
    out: list[str] = []
    s = text.replace("’", "'")
    for raw in re.findall(r"[\u4e00-\u9fff]+|n°|[^\W\d_\u4e00-\u9fff][^\W\d_\u4e00-\u9fff']*|\d+|#", s):
        parts = split_name(raw) if re.search(r"[a-z][A-Z]", raw) else [raw.lower()]
        for t in parts:
            t = t.strip("'")
            t = ABBREVIATIONS.get(t, t)
            if len(t) > 3 and t.endswith("s") and not t.endswith("ss") and t.isascii() and t != "totaal":
                t = t[:-1]
            if t and t not in _STOP:
                out.append(t)
    return tuple(out)


def _has_cjk(s: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", s))


@lru_cache(maxsize=262144)
def phrase_score(label: str, phrase: str) -> float:
    """0..1: how well `label` (as printed) says `phrase` (a field name or synonym)."""
    if _has_cjk(phrase) or _has_cjk(label):
        lab = re.sub(r"[\s:：#]", "", label)
        if not lab or not _has_cjk(phrase):
            return 0.0
        if lab == phrase:
            return 1.0
        if phrase in lab:
            return 0.9 * (len(phrase) / len(lab)) ** 0.3
        return _one_glyph_off(lab, phrase)
    return _latin_score(label, phrase)


def _one_glyph_off(lab: str, phrase: str) -> float:
    """A Chinese label of four or more characters with one of them misread by OCR ('开票日其' for
    '开票日期'): a weaker match. Shorter labels differ in meaning by one character ('收款方'/'付款方')."""
    if len(lab) != len(phrase) or len(phrase) < 4:
        return 0.0
    wrong = sum(a != b for a, b in zip(lab, phrase, strict=True))
    return 0.7 if wrong == 1 and lab[0] == phrase[0] else 0.0


def _latin_score(label: str, phrase: str) -> float:
    lt, pt = tokens(label), tokens(phrase)
    if not lt or not pt:
        return 0.0
    if lt == pt:
        return 1.0
    ls, ps = set(lt), set(pt)
    common = ls & ps
    if not common:
        return 0.0
    extra = ls - ps
    if extra & _DISCRIMINATORS:
        return 0.1 * len(common) / len(ps)
    recall = len(common) / len(ps)
    precision = len(common) / len(ls)
    if recall == 1.0:
        return 0.92 * precision**0.35
    return 0.75 * recall * precision**0.5


def field_phrases(spec: FieldSpec) -> tuple[tuple[str, float], ...]:
    """Phrases that name the field, each with a weight: its name, title, and synonyms of its concepts."""
    return _phrases_for(spec.name, spec.title, field_concepts(spec))


@lru_cache(maxsize=1024)
def _phrases_for(name: str, title: str, concepts: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    out: list[tuple[str, float]] = [(" ".join(split_name(name)), 1.0)]
    if title:
        out.append((title, 1.0))
    for concept in concepts:
        for table in SYNONYMS.values():
            for p in table.get(concept, []):
                out.append((p, 0.97))
    return tuple(out)


@lru_cache(maxsize=4096)
def _concepts_for(name: str, title: str, description: str, parent: str) -> tuple[str, ...]:
    found: list[str] = []
    name_t = set(tokens(name))
    desc_t = set(tokens(f"{title} {description}"))
    for concept, phrases in SYNONYMS["en"].items():
        ctoks = set(tokens(concept.replace("_", " ")))
        if ctoks and (ctoks == name_t or (len(name_t) == 1 and name_t == ctoks)):
            found.append(concept)
            continue
        for p in phrases:
            pt = set(tokens(p))
            if pt and pt == name_t:
                found.append(concept)
                break
    for concept, cues in _CONCEPT_CUES.items():
        if concept not in found and (name_t & cues) and not (name_t & _DISCRIMINATORS - cues):
            if concept == "total" and name_t - cues - _TOTAL_OK:
                continue  # 'total_assets', 'total_revenue' name their own figure, not the amount due
            found.append(concept)
    if not found and desc_t:
        # a synonym said in the description as a phrase ('net sales, total' is not 'net total')
        seq = " " + " ".join(tokens(f"{title} {description}")) + " "
        for concept, phrases in SYNONYMS["en"].items():
            if any(len(tokens(p)) >= 2 and f" {' '.join(tokens(p))} " in seq for p in phrases):
                found.append(concept)
    # a bare 'amount' at the top level is the document's total, in a line item it is the line's amount
    if "amount" in found and not parent and "total" not in found:
        found.append("total")
    return tuple(found)


_TOTAL_OK = {"amount", "sum", "value", "price", "invoice", "document", "order", "bill", "receipt", "final"}
_GENERIC = {"name", "address", "phone", "email", "id", "number", "date", "type", "code", "tel"}


def field_concepts(spec: FieldSpec) -> tuple[str, ...]:
    """Concepts the field stands for; 'vendor.name' is about the vendor, not a generic name."""
    if spec.parent and spec.name.lower() in _GENERIC:
        combo = _concepts_for(f"{spec.parent}_{spec.name}", spec.title, spec.description, "")
        if combo:
            return combo
    return _concepts_for(spec.name, spec.title, spec.description, spec.parent or "")


@lru_cache(maxsize=1024)
def _vocab(phrases: tuple[tuple[str, float], ...]) -> frozenset[str]:
    v: set[str] = set()
    for p, _ in phrases:
        v |= set(tokens(p))
        if _has_cjk(p):
            v.add("<cjk>")
    return frozenset(v)


def lexical_score(spec: FieldSpec, label: str) -> float:
    """Best phrase score of `label` over the field's phrases (weighted)."""
    phrases = field_phrases(spec)
    vocab = _vocab(phrases)
    lt = tokens(label)
    if not (set(lt) & vocab) and not ("<cjk>" in vocab and _has_cjk(label)):
        return 0.0
    best = 0.0
    for phrase, weight in phrases:
        s = phrase_score(label, phrase) * weight
        if s > best:
            best = s
    if spec.parent:
        # 'Vendor Name' for vendor.name: the parent's words in the label confirm it
        both = phrase_score(label, f"{spec.parent} {spec.name}")
        best = max(best, both)
    return best


class SemanticMatcher:
    """Cosine similarity between field descriptions and labels with the embedding model, when installed."""

    def __init__(self) -> None:
        self._embedder: Any = None
        self._loaded = False
        self._cache: dict[str, Any] = {}

    @property
    def available(self) -> bool:
        if not self._loaded:
            self._loaded = True
            try:
                from docai.engines.text.embeddings import get_embedder  # written alongside the QA engine
            except ImportError:
                _log.info("docai.engines.text.embeddings is not there: lexical matching only")
                return False
            try:
                self._embedder = get_embedder()
            except Exception as e:  # a broken model install must not break extraction
                _log.warning("embedding model unusable: %s", e)
                self._embedder = None
        return self._embedder is not None

    def encode(self, texts: Iterable[str]) -> None:
        """Embed any of `texts` not yet cached (one batch)."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if not todo or not self.available:
            return
        vecs = self._embedder.encode(todo)
        for t, v in zip(todo, vecs, strict=False):
            self._cache[t] = v
        if len(self._cache) > 20000:
            self._cache.clear()

    def similarity(self, a: str, b: str) -> float:
        va, vb = self._cache.get(a), self._cache.get(b)
        if va is None or vb is None:
            return 0.0
        return float((va * vb).sum())


def semantic_score(cos: float) -> float:
    """Map a MiniLM cosine to a match score: below 0.6 is noise for short labels, and it never beats
    a clear lexical match (short labels embed poorly: 'TOTAL QTY' is as close to 'total' as 'Total Due')."""
    if cos < 0.6:
        return 0.0
    return min(0.72, 0.56 + (cos - 0.6) * 0.7)


def conflicts(spec: FieldSpec, label: str) -> bool:
    """The label carries a word that makes it another field ('Sub', 'Qty', 'Change' for a total)."""
    vocab = _vocab(field_phrases(spec))
    return bool((set(tokens(label)) - vocab) & _DISCRIMINATORS)


# fields naming one party of a document: a label that names the other party is never theirs
RIVALS: dict[str, str] = {"vendor": "customer", "customer": "vendor"}


@lru_cache(maxsize=65536)
def concept_score(concept: str, label: str) -> float:
    """How well `label` names `concept` by its synonyms in any language (0..1)."""
    best = 0.0
    for table in SYNONYMS.values():
        for p in table.get(concept, []):
            best = max(best, phrase_score(label, p))
    return best


@lru_cache(maxsize=65536)
def is_label_text(text: str) -> bool:
    """Text that reads as a field label ('Inv. No.', 'INVOICE NUMBER', '发票号码'), not as a value."""
    text = text.strip(" :：")
    if not text or len(text) > 40:
        return False
    # a Chinese label with one glyph misread by OCR still reads as a label (see _one_glyph_off)
    need = 0.7 if _has_cjk(text) else 0.9
    return any(
        phrase_score(text, p) >= need for table in SYNONYMS.values() for ps in table.values() for p in ps
    )
