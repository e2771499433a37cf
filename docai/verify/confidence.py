"""Per-field confidence: one logistic model per kind of field over the signals the stage has.

The models are fitted by evals/calibrate.py and stored in `calibration.json` (read by
docai.verify.calibration) with a note of what they were fitted on; this module only turns a field's
signals into the model's inputs and applies the model of its kind.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

from docai.verify import calibration
from docai.verify.families import FAMILIES, capped
from docai.verify.party import PARTY_FEATURES

FEATURES: tuple[str, ...] = (
    "bias",
    "grounded",
    "quality",
    "ocr",
    "ocr_doubt",
    "ocr_worst",
    "ocr_clean",
    "failed",
    "sum_ok",
    "agree",
    "disagree",
    "engine_conf",
    "no_engine_conf",
    "number",
    "date",
    "short_string",
    "long_string",
    "party",
    "address",
    "ambiguous",
    "elsewhere",
    "logprob",
    "many_values",
    "odd_chars",
    "odd_case",
    "keyed",
    "largest_amount",
    "seen_twice",
    "money",
    "identifier",
    "code",
    "duration",
    "rivals",
    *PARTY_FEATURES,
)


KINDS = ("money", "number", "date", "party", "address", "identifier", "code", "duration", "text")
"""The kinds of field that get a model each (roles.field_type): money, other numbers, dates, party names
(issuer, recipient, contract party), addresses, identifiers, codes (currency), lengths of time (an
agreement's term) and other text."""
INPUTS: tuple[str, ...] = (
    *FEATURES,
    *(f"{k}_{src}" for k in KINDS for src in ("layer", "ocr")),
    "party_engine_conf",
)
"""What the model weighs: the recorded features, plus an intercept per kind of field and text source
(a name read by OCR is right less often than an amount in a text layer) and the engine's score for
party names (derived, so eval reports need keep only `features`)."""


@dataclass
class Signals:
    """What the stage learnt about one filled field."""

    kind: str
    grounded: bool | None
    quality: float = 0.0
    ocr: bool = False
    ocr_conf: float = 1.0
    ocr_min: float = 1.0  # the least confident matched word
    role: str = ""  # party (an issuer's or recipient's name), address, or empty
    failed: int = 0
    sum_ok: bool = False
    agree: int = 0  # +1 agrees with the reference reading, -1 disagrees, 0 none
    engine_conf: float | None = None
    length: int = 0
    matches: int = 0
    elsewhere: bool = False  # found, but not on the page the engine named
    logprob: float | None = None  # mean token probability where a server returned log-probabilities
    odd_chars: bool = False  # docai.verify.textform: signs of an OCR slip in a text value
    odd_case: bool = False
    ftype: str = ""  # roles.field_type: which model weighs the field
    keyed: bool = False  # docai.verify.layout: after a 'Key:' label
    largest_amount: bool = False
    siblings: int = 1  # filled values under the same top-level field (a list of parties, line items)
    party: dict[str, float] = field(default_factory=dict)  # docai.verify.party signals of a name
    failed_families: frozenset[str] = frozenset()  # docai.verify.families of the failed checks
    rivals: bool = False  # docai.verify.rivals: the page prints another date / length of time


RECORDED: tuple[str, ...] = (*FEATURES, *(f"failed_{f}" for f in FAMILIES))
"""The names `features` records, in its order."""

_FAILED_NAMES = {f: f"failed_{f}" for f in FAMILIES}


def features(s: Signals) -> dict[str, float]:
    """Every recorded feature of a field (eval reports, calibration): `held_features` with the rest 0.0."""
    return dict.fromkeys(RECORDED, 0.0) | held_features(s)


def held_features(s: Signals) -> dict[str, float]:
    """The features of `s` that may be nonzero, with the values `features` gives them; every one left out
    is 0.0 there. The stage weighs only these: a model's term for a feature at 0.0 adds nothing."""
    out = {"bias": 1.0}
    if s.grounded:
        out["grounded"] = 1.0
        out["quality"] = s.quality
        if s.ocr:
            out["ocr_doubt"] = 1.0 - s.ocr_conf
            out["ocr_worst"] = 1.0 - s.ocr_min
            if s.ocr_min >= 0.85:
                out["ocr_clean"] = 1.0
    if s.ocr:
        out["ocr"] = 1.0
    if s.failed:
        out["failed"] = float(min(s.failed, 2))
    if s.sum_ok:
        out["sum_ok"] = 1.0
    if s.agree:
        out["agree" if s.agree > 0 else "disagree"] = 1.0
    if s.engine_conf is None:
        out["no_engine_conf"] = 1.0
    else:
        out["engine_conf"] = s.engine_conf
    _kind_features(s, out)
    if s.logprob is not None:
        out["logprob"] = s.logprob - 0.5
    if s.siblings > 1:
        out["many_values"] = min(s.siblings - 1, 5) / 5.0
    if s.odd_chars:
        out["odd_chars"] = 1.0
    if s.odd_case:
        out["odd_case"] = 1.0
    if s.keyed:
        out["keyed"] = 1.0
    if s.elsewhere:
        out["elsewhere"] = 1.0
    if s.largest_amount:
        out["largest_amount"] = 1.0
    if s.rivals:
        out["rivals"] = 1.0
    if s.party:
        for name in PARTY_FEATURES:
            if name in s.party:
                out[name] = float(s.party[name])
    if s.failed_families:
        for name in FAMILIES:
            if name in s.failed_families:
                out[_FAILED_NAMES[name]] = 1.0
    return out


def _kind_features(s: Signals, out: dict[str, float]) -> None:
    """The features that say what kind of value the field holds and how often it was found."""
    if s.kind in ("number", "date"):
        out[s.kind] = 1.0
    elif s.kind == "string":
        if s.length <= 12:
            out["short_string"] = 1.0
        else:
            out["long_string"] = min(s.length, 120) / 40.0
    if s.role in ("party", "address"):
        out[s.role] = 1.0
    if s.matches >= 2:
        out["seen_twice"] = 1.0
        if s.matches >= 3:
            out["ambiguous"] = 1.0
    if s.ftype in ("money", "identifier", "code", "duration"):
        out[s.ftype] = 1.0


def kind_of_features(f: dict[str, float]) -> str:
    """Which model (KINDS) a field's recorded features go to."""
    order = ("party", "address", "money", "number", "date", "duration", "identifier", "code")
    return next((k for k in order if f.get(k)), "text")


def model_inputs(f: dict[str, float]) -> dict[str, float]:
    """The model's inputs from a field's recorded features."""
    kind = kind_of_features(f)
    src = "ocr" if f.get("ocr") else "layer"
    out = {name: float(f.get(name, 0.0)) for name in FEATURES}
    out["bias"] = 1.0
    out.update({f"{k}_{s}": 0.0 for k in KINDS for s in ("layer", "ocr")})
    out[f"{kind}_{src}"] = 1.0
    out["party_engine_conf"] = float(f.get("engine_conf", 0.0)) if kind == "party" else 0.0
    return out


def probability(inputs: dict[str, float], w: dict[str, float]) -> float:
    """The logistic model `w` applied to `inputs` (names missing from `w` weigh 0)."""
    z = sum(weight * inputs.get(name, 0.0) for name, weight in w.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


MAX_CONFIDENCE = 0.99
"""No value is certain: a kind with no wrong development fields (Kleister's jurisdictions, 25 of 25)
would otherwise score 1.00, a claim no held-out data can back."""


def confidence(s: Signals, weights: dict[str, float] | None = None) -> float:
    """P(the value is right) under the fitted model of its kind, rounded to 3 places."""
    f = held_features(s)  # what features(s) holds, less its zeros
    kind = _kind_of_signals(s)
    if weights is None:  # a VLM gives no score of its own: the model without it
        p = _model(kind, s.engine_conf is not None).probability(f, kind)
    else:
        p = _Model(weights, kind).probability(f, kind)
    if s.failed_families or s.rivals:  # else `capped` finds no cap in f
        p = capped(p, f, calibration.FAILED_CHECK_CAPS)
    if s.grounded is False and s.engine_conf is None:
        p = min(p, calibration.UNGROUNDED_WITHOUT_ENGINE_SCORE)
    return round(MAX_CONFIDENCE if p > MAX_CONFIDENCE else p, 3)  # min(p, MAX_CONFIDENCE)


def _kind_of_signals(s: Signals) -> str:
    """`kind_of_features(held_features(s))`, read from the signals that set those features."""
    if s.role == "party" or s.role == "address":
        return s.role
    if s.ftype == "money":
        return "money"
    if s.kind == "number" or s.kind == "date":
        return s.kind
    if s.ftype == "duration" or s.ftype == "identifier" or s.ftype == "code":
        return s.ftype
    return "text"


class _Model:
    """A fitted model (`calibration.weights_for`) made ready for the stage: `probability(model_inputs(f),
    w)` summed over only the weighted features a field holds, in the model's order, with the bias and the
    kind's source term added after them; the names to read are found once per set of held names."""

    def __init__(self, w: dict[str, float], kind: str) -> None:
        self.source = w
        self.rank = {name: i for i, name in enumerate(w) if name != "bias"}
        self.base_ocr = w.get("bias", 0.0) + w.get(f"{kind}_ocr", 0.0)
        self.base_layer = w.get("bias", 0.0) + w.get(f"{kind}_layer", 0.0)
        self.party_weight = w.get("party_engine_conf", 0.0)
        self.plans: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[float, ...]]] = {}

    def _plan(self, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[float, ...]]:
        """The weighted names among `names` in the model's order, and their weights."""
        held = sorted((self.rank[n], n) for n in names if n in self.rank)
        ordered = tuple(n for _, n in held)
        return ordered, tuple(self.source[n] for n in ordered)

    def probability(self, f: dict[str, float], kind: str) -> float:
        """P(right) under this model for a field with features `f` whose model kind is `kind`."""
        names = tuple(f)
        plan = self.plans.get(names)
        if plan is None:
            if len(self.plans) >= _MAX_PLANS:
                self.plans.clear()
            plan = self.plans[names] = self._plan(names)
        ordered, weights = plan
        z = sum(map(operator.mul, weights, map(f.__getitem__, ordered)))
        z += self.base_ocr if f.get("ocr") else self.base_layer
        if kind == "party":
            z += self.party_weight * float(f.get("engine_conf", 0.0))
        z = z if z < 30.0 else 30.0  # max(-30.0, min(30.0, z)), NaN included
        z = z if z > -30.0 else -30.0
        return 1.0 / (1.0 + math.exp(-z))


_MAX_PLANS = 4096
"""Sets of held feature names remembered per model (a batch sees a few dozen)."""
_MODELS: dict[tuple[str, bool], _Model] = {}


def _model(kind: str, engine_score: bool) -> _Model:
    """The prepared model of `calibration.weights_for(kind, engine_score)`, made again if that changed."""
    w = calibration.weights_for(kind, engine_score=engine_score)
    model = _MODELS.get((kind, engine_score))
    if model is None or model.source is not w:
        model = _MODELS[(kind, engine_score)] = _Model(w, kind)
    return model
