"""The verification stage: ground every filled value, run the checks, set confidence, status and reasons.

Engine-independent: it reads the engine's `Extraction`, the document's pages (words with boxes) and
the schema, and fills `Extraction.fields` and `Extraction.review`. Values are never changed.
"""

from __future__ import annotations

import functools
import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from docai.document import BBox, Page
from docai.results import Check, Evidence, Extraction, FieldReport
from docai.verify import calibration
from docai.verify.agreement import agreement_check
from docai.verify.arithmetic import arithmetic_checks
from docai.verify.confidence import Signals, confidence
from docai.verify.families import failed_families
from docai.verify.fields import Leaf, leaves, missing_required
from docai.verify.grounding import Match, ground
from docai.verify.layout import keyed, largest_amount
from docai.verify.pageindex import PageIndex, index_page, normalize, read_number
from docai.verify.party import party_signals
from docai.verify.rivals import duration, rival_dates, rival_durations
from docai.verify.roles import field_type, path_word_set, role_for, role_of
from docai.verify.sanity import (
    amount_check,
    date_checks,
    date_order_check,
    identifier_check,
    in_identifier,
    issuer_place_check,
    name_check,
    party_checks,
    tax_rate_check,
)
from docai.verify.schema_checks import schema_checks
from docai.verify.status import decide
from docai.verify.textform import odd_case, odd_chars

_log = logging.getLogger(__name__)

MAX_PAGES_SEARCHED = 40
"""A value not on its evidence page is looked for on at most this many other pages."""


@dataclass
class Pages:
    """The document's pages as the stage reads them: indexed once, on first use."""

    load: Callable[[int], Page]
    numbers: list[int]
    _cache: dict[int, PageIndex | None] = field(default_factory=dict)
    _orders: dict[int | None, list[int]] = field(default_factory=dict)

    def order(self, first: int | None) -> list[int]:
        """The pages searched for a value the engine found on `first`: that page, then the others (at
        most MAX_PAGES_SEARCHED), the same list for every field that names it (not to be changed)."""
        if first not in self._orders:
            rest = [n for n in self.numbers if n != first][:MAX_PAGES_SEARCHED]
            self._orders[first] = ([first] if first else []) + rest
        return self._orders[first]

    def index(self, page_no: int) -> PageIndex | None:
        if page_no not in self._cache:
            try:
                self._cache[page_no] = index_page(self.load(page_no))
            except Exception as e:  # a page that cannot be read again is simply not searched
                _log.debug("verify: page %s not readable: %s", page_no, e)
                self._cache[page_no] = None
        return self._cache[page_no]


class Located(NamedTuple):
    """Where a leaf was found (a named tuple: one is made for every field)."""

    match: Match | None
    index: PageIndex | None
    count: int = 0
    elsewhere: bool = False


def verify(
    extraction: Extraction,
    pages: Pages,
    schema: dict,
    *,
    reference: Extraction | None = None,
    min_confidence: float | None = None,
    today: date | None = None,
    trace: dict[str, Signals] | None = None,
) -> Extraction:
    """Fill `fields`, `review`, evidence boxes and a truthful status on `extraction` (returned).
    `trace`, when given, receives each field's signals (for calibration)."""
    if extraction.status == "failed":
        return extraction
    threshold = calibration.MIN_CONFIDENCE if min_confidence is None else min_confidence
    filled = leaves(extraction.data, schema)
    checks: dict[str, list[Check]] = {x.path: schema_checks(x) for x in filled}
    located = {x.path: _locate(x, extraction.evidence.get(x.path), pages) for x in filled}
    for leaf in filled:
        loc = located[leaf.path]
        for c in (
            amount_check(leaf, loc.match, loc.index),
            date_order_check(leaf, loc.match, loc.index),
            name_check(leaf),
            identifier_check(leaf),
            issuer_place_check(leaf, loc.match, loc.index),
            agreement_check(leaf, reference),
        ):
            if c is not None:
                checks[leaf.path].append(c)
    doc_checks = arithmetic_checks(filled) + party_checks(filled) + date_checks(filled, today)
    for paths, check in doc_checks + tax_rate_check(filled):
        for p in paths:
            checks.setdefault(p, []).append(check)
    reports: dict[str, FieldReport] = {}
    siblings = Counter(x.top for x in filled)
    dates_held = {str(x.value)[:10] for x in filled if x.kind == "date"}
    for leaf in filled:
        loc = located[leaf.path]
        ev = extraction.evidence.get(leaf.path)
        signals = _signals(leaf, loc, checks[leaf.path], ev)
        _place_signals(signals, leaf, loc, pages, siblings[leaf.top])
        signals.rivals = _rivals(leaf, loc, signals.ftype, dates_held)  # a cap (families.CAPPED_SIGNALS)
        if leaf.path in extraction.field_logprobs:  # the least likely token that wrote the value
            signals.logprob = math.exp(min(0.0, extraction.field_logprobs[leaf.path]))
        if trace is not None:
            trace[leaf.path] = signals
        conf = confidence(signals)
        grounded = None if leaf.kind == "boolean" else loc.match is not None
        reports[leaf.path] = FieldReport(conf, grounded, checks[leaf.path])
        extraction.evidence[leaf.path] = _evidence(loc.match, ev, conf)
    missing = missing_required(extraction.data, schema)
    status, review = decide(extraction.status, missing, reports, threshold, bool(filled))
    review = [f"engine: {e}" for e in extraction.errors if extraction.status != "invalid"] + review
    if extraction.status not in ("invalid", "failed") and not missing and review:
        status = "review"
    extraction.fields, extraction.review, extraction.status = reports, review, status
    return extraction


def _locate(leaf: Leaf, ev: Evidence | None, pages: Pages) -> Located:
    """The leaf's best occurrence: on the engine's page first (nearest its box), else on any page."""
    first = ev.page_no if ev is not None and ev.page_no in pages.numbers else None
    order = pages.order(first)
    near = ev.bbox if ev is not None else None
    for n in order:
        index = pages.index(n)
        if index is None:
            continue
        found = ground(leaf, index, near if n == first else None)
        if found:
            best = _pick(found, index, near if n == first else None)
            return Located(best, index, len(found), elsewhere=first is not None and n != first)
    return Located(None, None)


def _pick(found: list[Match], index: PageIndex, near: BBox | None) -> Match:
    """The occurrence the engine read (its box) if it gave one; else the best that is no identifier."""
    if len(found) == 1:  # what either rule picks from one
        return found[0]
    if near is not None:
        overlapping = [m for m in found if _overlaps(m.bbox, near)]
        if overlapping:
            return overlapping[0]
    return next((m for m in found if in_identifier(m, index) is None), found[0])


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] + 1 and b[0] < a[2] + 1 and a[1] < b[3] + 1 and b[1] < a[3] + 1


def _signals(leaf: Leaf, loc: Located, checks: list[Check], ev: Evidence | None) -> Signals:
    m = loc.match
    failed, sum_ok, agree = 0, False, 0
    for c in checks:  # one pass over the field's checks
        if not c.passed:
            failed += 1
        elif c.name in _SUM_CHECKS:
            sum_ok = True
        if not agree and c.name.startswith("agrees_with"):
            agree = 1 if c.passed else -1
    text = leaf.kind == "string"
    value = str(leaf.value) if text else ""
    return Signals(
        kind=leaf.kind,
        grounded=m is not None,
        quality=m.quality if m else 0.0,
        ocr=(m.source if m else (loc.index.source if loc.index else "")) == "ocr",
        ocr_conf=m.ocr_conf if m else 1.0,
        ocr_min=m.ocr_min if m else 1.0,
        role=_role_kind(leaf),
        failed=failed,
        failed_families=failed_families(checks) if failed else frozenset(),
        sum_ok=sum_ok,
        agree=agree,
        engine_conf=ev.confidence if ev is not None else None,
        odd_chars=text and odd_chars(value),
        odd_case=text and odd_case(value),
        length=len(normalize(value)) if text else 0,
        matches=loc.count,
        elsewhere=loc.elsewhere,
    )


def _place_signals(signals: Signals, leaf: Leaf, loc: Located, pages: Pages, siblings: int) -> None:
    """The signals read from where the value sits on its page (layout, party), and its field type."""
    signals.siblings = siblings
    signals.ftype = field_type(leaf, signals.role)
    if loc.match is not None and loc.index is not None:
        signals.keyed = keyed(loc.match, loc.index)
        amount = read_number(str(leaf.value)) if leaf.is_money else None  # engines may send "1.234,56"
        signals.largest_amount = amount is not None and largest_amount(amount, loc.index)
    if signals.role == "party" and isinstance(leaf.value, str):
        first = loc.index is not None and bool(pages.numbers) and loc.index.page_no == pages.numbers[0]
        signals.party = party_signals(leaf.value, role_of(leaf), loc.match, loc.index, first, loc.count)


def _rivals(leaf: Leaf, loc: Located, ftype: str, dates_held: set[str]) -> bool:
    """Whether the value's page prints another value of its form (a date, a length of time)."""
    if loc.match is None or loc.index is None:
        return False
    if ftype == "date":
        iso = str(leaf.value)[:10]
        return rival_dates(iso, loc.index, dates_held - {iso})
    period = duration(str(leaf.value)) if ftype == "duration" else None
    return period is not None and rival_durations(period, loc.index)


_SUM_CHECKS = frozenset({"sum_of_parts", "quantity_x_price", "lines_sum"})


def _role_kind(leaf: Leaf) -> str:
    return _role_kind_at(leaf.path, leaf.kind)


@functools.lru_cache(maxsize=4096)
def _role_kind_at(path: str, kind: str) -> str:
    """'party', 'address' or '' for a leaf at `path` holding a `kind` value (a pure function of the two)."""
    words = path_word_set(path)
    if role_for(path, kind) in ("issuer", "recipient") or words & {"party", "parties"}:
        return "party"
    return "address" if "address" in words else ""


def _evidence(m: Match | None, ev: Evidence | None, conf: float) -> Evidence:
    """The engine's evidence with the found box and printed text, and the calibrated confidence."""
    document = ev.document if ev is not None else None
    if m is None:
        page = ev.page_no if ev is not None else None
        return Evidence(page, ev.bbox if ev else None, ev.text if ev else "", conf, document)
    b = m.bbox
    box = (round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1))
    return Evidence(m.page_no, box, m.text, conf, document)
