"""A failed check caps a field's confidence: the families of checks, how evals/calibrate.py fits the
caps on development fields only, and how the stage applies the stored ones."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from docai.evals import calibrate
from docai.results import Check
from docai.verify import calibration
from docai.verify.confidence import Signals, confidence, features
from docai.verify.families import CAPPED_SIGNALS, FAMILIES, capped, failed_families, family


def test_checks_fall_into_their_families() -> None:
    assert family("is_a_name") == family("not_the_recipient") == "name"
    assert family("sum_of_parts") == family("lines_sum") == "arithmetic"
    assert family("plausible_date") == family("identifier_shape") == "sanity"
    assert family("agrees_with_reference") == "agreement"
    assert family("maximum") == family("pattern") == "schema"
    checks = [Check("is_a_name", False, "a label"), Check("sum_of_parts", True), Check("minimum", False, "x")]
    assert failed_families(checks) == {"name", "schema"}


def test_a_cap_holds_only_the_families_that_failed() -> None:
    caps = {"name": 0.4, "arithmetic": 0.8}
    assert capped(0.97, {"failed_name": 1.0, "failed_arithmetic": 0.0}, caps) == 0.4
    assert capped(0.97, {"failed_arithmetic": 1.0}, caps) == 0.8
    assert capped(0.6, {"failed_arithmetic": 1.0}, caps) == 0.6
    assert capped(0.97, {"failed_schema": 1.0}, caps) == 0.97  # no cap fitted for it
    assert capped(0.97, {}, caps) == 0.97


def _field(failed: str | None, right: bool) -> dict[str, object]:
    flags = {f"failed_{f}": 1.0 if f == failed else 0.0 for f in FAMILIES}
    return {"party": 1.0, "grounded": 1.0, **flags, "top": "issuer", "right": right}


def _report(dataset: str, docs: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    per_doc = [{"doc": name, "signals": {str(i): s for i, s in enumerate(sig)}} for name, sig in docs.items()]
    return {"dataset": dataset, "extraction": {"per_document": per_doc}}


def test_caps_are_the_smoothed_share_right_of_development_fields_only() -> None:
    sroie = _report(
        "sroie",
        {
            "X000.jpg": [_field("name", False), _field("name", False), _field("name", True)],
            "X001.jpg": [_field("name", False), _field(None, True), _field("arithmetic", True)],
            # held out (60-99): all right, and must not move the name cap
            "X070.jpg": [_field("name", True)] * 20,
        },
    )
    caps, counts = calibrate.fit_caps([sroie])
    assert counts["name"] == (1.0, 4.0)
    assert caps["name"] == round(2 / 6, 3)  # (right + 1) / (fields + 2)
    assert caps["arithmetic"] == round(2 / 3, 3)
    assert caps["sanity"] == 0.5  # no development field failed one: as much for as against
    synthetic = _report("invoice_5", {"a.pdf": [_field("arithmetic", False)] * 2})
    caps, counts = calibrate.fit_caps([sroie, synthetic])
    assert counts["arithmetic"] == (1.0, 2.0)  # synthetic fields weigh half


def test_the_stored_caps_bound_a_confident_name_that_failed_a_check() -> None:
    data = json.loads(Path(calibration.CALIBRATION_FILE).read_text(encoding="utf-8"))
    caps = data.get("failed_check_caps") or {}
    assert set(caps) <= {*FAMILIES, *CAPPED_SIGNALS} and all(0.0 < v < 1.0 for v in caps.values())
    strong = dict(p_header=1.0, p_largest=1.0, p_suffix=1.0, p_whole_line=1.0, p_own_label=1.0)
    base = dict(kind="string", grounded=True, quality=1.0, engine_conf=0.9, role="party", ftype="party")
    clean = Signals(**base, length=20, party=strong)  # type: ignore[arg-type]
    bad = Signals(**base, length=20, party=strong, failed=1, failed_families=frozenset({"name"}))  # type: ignore[arg-type]
    assert features(bad)["failed_name"] == 1.0 and features(clean)["failed_name"] == 0.0
    if "name" in caps:
        assert confidence(bad) <= caps["name"] < confidence(clean)
    stored = calibrate.stored_models()
    assert stored[calibrate.CAPS_KEY] == calibration.FAILED_CHECK_CAPS


def test_the_stage_caps_an_issuer_printed_after_bill_to() -> None:
    from tests.verify.test_stage import _good, _run

    right = _run(_good(), min_confidence=0.0)
    wrong = _run(_good() | {"vendor": "Contoso Pharmacy"}, min_confidence=0.0)
    failed = [c.name for c in wrong.fields["vendor"].checks if not c.passed]
    assert "not_the_recipient" in failed and wrong.status == "review"
    cap = calibration.FAILED_CHECK_CAPS.get("name")
    assert cap is not None  # calibration.json holds a cap for every family
    assert wrong.fields["vendor"].confidence <= cap < right.fields["vendor"].confidence
    assert wrong.evidence["vendor"].confidence == wrong.fields["vendor"].confidence


def test_the_stage_fast_path_gives_the_full_models_probability() -> None:
    import random

    from docai.verify.confidence import FEATURES, _Model, kind_of_features, model_inputs, probability

    rng = random.Random(3)
    for kind in ("party", "money", "date", "address", "identifier", "code", "number", ""):
        for ocr in (0.0, 1.0):
            f = {name: rng.choice([0.0, 1.0, rng.random()]) for name in FEATURES}
            f |= {k: 0.0 for k in ("party", "address", "money", "number", "date", "identifier", "code")}
            f |= {"bias": 1.0, "ocr": ocr, "engine_conf": 0.8} | ({kind: 1.0} if kind else {})
            for engine_score in (True, False):
                w = calibration.weights_for(kind or "text", engine_score)
                quick = _Model(w, kind_of_features(f)).probability(f, kind_of_features(f))
                assert abs(quick - probability(model_inputs(f), w)) < 1e-12


def test_a_value_among_rivals_gets_a_cap_of_its_own_fitted_on_development_only() -> None:
    rival = _field(None, False) | {"rivals": 1.0}
    kleister = _report(
        "kleister-nda",
        {
            "h.pdf": [rival, rival, _field(None, True) | {"rivals": 1.0}, _field(None, True)],  # crc32 even
            "a.pdf": [_field(None, True) | {"rivals": 1.0}] * 10,  # odd: held out, must not count
        },
    )
    assert zlib.crc32(b"h.pdf") % 2 == 0 and zlib.crc32(b"a.pdf") % 2 == 1
    caps, counts = calibrate.fit_caps([kleister])
    assert counts["rivals"] == (1.0, 3.0) and caps["rivals"] == round(2 / 5, 3)
    assert capped(0.95, {"rivals": 1.0}, caps) == caps["rivals"] and capped(0.95, {}, caps) == 0.95
