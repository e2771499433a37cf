"""Questions that ask for one labelled value ("What is the invoice number?", "合计金额是多少？").

Passage retrieval scores a question by its words; a form answers it by a label that may share none
of them ("Inv. No.", "Total Due", "Amount payable"). Such a question is turned into a one-field
schema and filled by the extraction rules (label matching with synonyms and abbreviations, typed
values, receipt totals), over the pages retrieval ranked highest. The answer is the value as printed,
cited with its page and box. Long or analytical questions, and questions about a year, stay with
passage retrieval.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from docai import values
from docai.document import BBox, Document
from docai.engines.text import contracts
from docai.engines.text.extractor import PageView, fill_scalar, new_context, page_view, ranked
from docai.engines.text.matching import SemanticMatcher, field_concepts
from docai.engines.text.typing_rules import FieldSpec, fields_from_schema

_log = logging.getLogger(__name__)

MAX_FIELD_WORDS = 5
"""Longer questions describe more than a label; they go to passage retrieval."""
MAX_PAGES = 3
MIN_CONFIDENCE = 0.5
"""Below this the extraction rules' confidence is too weak to state as an answer."""

_LEAD_RE = re.compile(
    r"^\s*(?:please\s+)?(?:(?:what|which|who)(?:'s|\s+is|\s+was|\s+are|\s+were)?|tell\s+me|give\s+me|"
    r"find|show(?:\s+me)?|when\s+(?:is|was)|how\s+much\s+(?:is|was))\s+(?:the\s+|this\s+|its\s+)?",
    re.IGNORECASE,
)
_TAIL_RE = re.compile(
    r"\s*(?:(?:on|of|in|for|from)\s+(?:the|this)\s+(?:invoice|receipt|bill|document|statement|form|"
    r"order|page|report|file)s?)?\s*[?？。.!]*\s*$",
    re.IGNORECASE,
)
_ZH_TAIL_RE = re.compile(r"(?:是)?(?:多少|什么|哪天|哪一天|几号|何时|谁)(?:钱)?[?？。]*\s*$")
_ANALYTIC_RE = re.compile(
    r"\b(?:why|how(?!\s+much\b)|explain|describe|compare|summari[sz]e|list|change|growth|ratio|average|"
    r"percent(?:age)?|difference|between|trend|highest|lowest|largest|smallest|most|least|best|worst)\b",
    re.IGNORECASE,
)
# a question naming a year or a quarter asks for one column of a table, which passage retrieval reads
_YEAR_RE = re.compile(
    r"\b(?:19|20)\d{2}\b|\bFY\s?'?\d{2}\b|\b[QH][1-4]\b|\b[1-4][QH]\b|\bquarter\b|\bhalf[- ]year\b",
    re.IGNORECASE,
)
_DATE_IN_TEXT_RE = re.compile(
    r"\b(?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?\d{4}\b"
    r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
)
_MONEY_WORDS = {"total", "amount", "sum", "balance", "price", "cost", "subtotal", "tax", "vat", "due", "paid"}
_ZH_MONEY = ("金额", "合计", "总计", "价", "税", "应付", "总额")
_ZH_DATE = ("日期", "时间", "到期")


@dataclass
class FieldAnswer:
    text: str
    doc: Document
    page_no: int
    bbox: BBox
    confidence: float
    context: str = ""  # the label and the value, as the citation's text


def field_phrase(question: str) -> str | None:
    """The label-like phrase a short question asks for ("invoice number"), or None for a question
    that is not a lookup of one value."""
    q = question.strip()
    if not q or _ANALYTIC_RE.search(q) or _YEAR_RE.search(q):
        return None
    if re.search(r"[\u4e00-\u9fff]", q):
        head = _ZH_TAIL_RE.sub("", q).strip(" ：:，,")
        head = re.sub(r"^(?:请问|请|这张|该|本)?(?:发票|收据|单据)?的?", "", head)
        return head if 1 < len(head) <= 12 and head != q.rstrip("?？") else None
    lead = _LEAD_RE.match(q)
    if lead is None:
        return None
    phrase = _TAIL_RE.sub("", q[lead.end() :]).strip(" :,")
    words = re.findall(r"[\w#&/.-]+", phrase)
    if not words or len(words) > MAX_FIELD_WORDS:
        return None
    return " ".join(words)


def _schema_for(phrase: str, question: str) -> dict:
    """A one-field schema whose type follows what the question asks for."""
    words = set(re.findall(r"[a-z]+", phrase.lower()))
    prop: dict = {"type": "string", "description": phrase}
    if (
        question.lower().lstrip().startswith("when")
        or words & {"date", "dated"}
        or any(z in phrase for z in _ZH_DATE)
    ):
        prop["format"] = "date"
    elif words & _MONEY_WORDS or any(z in phrase for z in _ZH_MONEY) or "how much" in question.lower():
        prop["description"] = f"{phrase} (amount)"  # read as money: the answer keeps its currency
    return {"type": "object", "properties": {_field_name(phrase): prop}}


def _field_name(phrase: str) -> str:
    name = re.sub(r"[^\w]+", "_", phrase.strip().lower()).strip("_")
    return name or "value"


def _spec(phrase: str, question: str) -> FieldSpec:
    return fields_from_schema(_schema_for(phrase, question))[0]


def answer_field(
    question: str,
    pages: list[tuple[Document, int]],
    semantic: SemanticMatcher | None,
) -> FieldAnswer | None:
    """The labelled value that answers `question`, searched on `pages` (best first), or None."""
    phrase = field_phrase(question)
    if phrase is None or not pages:
        return None
    spec = _spec(phrase, question)
    docs = [doc for doc, _ in pages[:MAX_PAGES]]
    views = [page_view(doc.page(page_no)) for doc, page_no in pages[:MAX_PAGES]]
    ctx = new_context(views, semantic, [spec.text()])
    got = fill_scalar(spec, ctx)
    if got is None or got.evidence.confidence is None or got.evidence.confidence < MIN_CONFIDENCE:
        return None
    known = field_concepts(spec) or contracts.contract_field(spec.words, spec.kind)
    labelled = ranked(spec, ctx)
    if not known and not labelled:
        return None  # only an unlabelled layout guess, for a phrase that names no known field
    ev = got.evidence
    if ev.page_no is None or ev.bbox is None:
        return None  # a value without a place on a page (a currency inferred from symbols) is no citation
    # page numbers repeat across documents: the view is the one with words where the evidence is
    found = next(
        (
            (v, d)
            for v, d in zip(views, docs, strict=True)
            if v.page.page_no == ev.page_no and _has_box(v, ev.bbox)
        ),
        None,
    )
    if found is None:
        return None
    view, doc = found
    text = _as_printed(_words_in(view, ev.bbox) or ev.text, got.value, spec.kind)
    label = next(
        (c.label for _, c, _ in labelled if c.page_no == ev.page_no and _overlap(c.bbox, ev.bbox)), ""
    )
    context = f"{label.rstrip(' :：')}: {text}" if label else text
    _log.debug("field question %r -> %s = %r (%.2f)", question, spec.name, text, ev.confidence)
    return FieldAnswer(text, doc, ev.page_no, ev.bbox, ev.confidence, context)


def _words_in(view: PageView, bbox: BBox) -> str:
    """The page's words inside `bbox` in reading order (the value as printed: '3,316.74', not
    '3316.74')."""
    x0, y0, x1, y1 = bbox
    inside = [
        w
        for w in view.page.words
        if w.bbox[0] >= x0 - 1 and w.bbox[2] <= x1 + 1 and w.bbox[1] >= y0 - 1 and w.bbox[3] <= y1 + 1
    ]
    inside.sort(key=lambda w: (round(w.bbox[1] / 4), w.bbox[0]))
    return " ".join(w.text for w in inside).strip()


def _overlap(a: BBox, b: BBox) -> bool:
    return a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]


def _has_box(view: PageView, bbox: BBox) -> bool:
    return any(_overlap(w.bbox, bbox) for w in view.page.words)


def _as_printed(source: str, value: object, kind: str) -> str:
    """The answer as the document prints it: the date inside its line, else the source text."""
    source = (source or "").strip()
    if kind in ("date", "datetime") and isinstance(value, str):
        for m in _DATE_IN_TEXT_RE.finditer(source):
            if values.parse_date(m.group(0)) == value:
                return m.group(0).strip()
        return value
    return source or str(value)
