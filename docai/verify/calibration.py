"""Fitted weights of the confidence model (docai.verify.confidence) and the default `--min-confidence`.

Refit with `python -m docai.evals.calibrate REPORT.json ...` (see BENCHMARKS.md, "Verification"),
which prints these tables from `docai eval --out` reports of the text engine. Weights left out are 0.
"""

from __future__ import annotations

FITTED_ON = (
    "883 development fields (755 right) from 10 reports: the development parts of SROIE "
    "(receipts 000-059), Kleister-NDA (crc32 even) and "
    "synthetic seed 5 (invoices, receipts, scanned invoices; weighed 0.5), text engine, 2026-12-01"
)

WEIGHTS: dict[str, float] = {
    "bias": -0.8887,
    "grounded": 0.7045,
    "quality": 1.1756,
    "ocr": -0.1441,
    "ocr_doubt": -0.2838,
    "ocr_worst": -1.9962,
    "ocr_clean": 0.5856,
    "failed": -0.1786,
    "sum_ok": -0.0625,
    "engine_conf": 1.772,
    "no_engine_conf": 0.2522,
    "number": 0.5138,
    "date": 0.1163,
    "short_string": -0.2544,
    "long_string": -0.4322,
    "party": -0.8381,
    "address": -0.4307,
    "ambiguous": 0.608,
    "elsewhere": 0.1156,
    "number_layer": 1.1153,
    "number_ocr": -0.6015,
    "date_layer": -0.2,
    "date_ocr": 0.3163,
    "party_layer": -0.9962,
    "party_ocr": 0.1581,
    "address_layer": -0.1583,
    "address_ocr": -0.2724,
    "string_layer": 0.3368,
    "string_ocr": 0.2555,
    "party_engine_conf": 0.8844,
}

WEIGHTS_WITHOUT_ENGINE_SCORE: dict[str, float] = {
    "bias": 0.1529,
    "grounded": 0.8333,
    "quality": 1.2858,
    "ocr": -0.1419,
    "ocr_doubt": -0.3786,
    "ocr_worst": -2.1556,
    "ocr_clean": 0.6607,
    "failed": -0.3708,
    "sum_ok": 0.1612,
    "number": 0.51,
    "date": 0.059,
    "short_string": -0.3467,
    "long_string": -0.3874,
    "party": -0.6421,
    "address": -0.5824,
    "ambiguous": 0.6569,
    "elsewhere": 0.0944,
    "number_layer": 1.1082,
    "number_ocr": -0.5982,
    "date_layer": -0.2277,
    "date_ocr": 0.2867,
    "party_layer": -0.9037,
    "party_ocr": 0.2616,
    "address_layer": -0.2046,
    "address_ocr": -0.3778,
    "string_layer": 0.3096,
    "string_ocr": 0.2858,
}
"""The same model fitted without the engine's own score, for engines that give none (VLMs)."""

UNGROUNDED_WITHOUT_ENGINE_SCORE = 0.5
"""A rule, not a fit: the development data has only the text engine, whose values come from the page's
words, so it says little about a VLM value the page does not print; such a value is held at or below
this (and is `review` in any case)."""

MIN_CONFIDENCE = 0.86
"""Default threshold for `ok`: every filled field at or above it. The least threshold at which `ok`
files were at least 98% right on every development part."""
