"""Run an engine over a dataset and score it. Engine-agnostic: everything goes through `create_engine`.

`run_eval` returns a plain JSON-able report: per-field and overall scores, per-document predictions
with expected vs got, per-question answers, table scores and timings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from docai.engines import create_engine
from docai.errors import DocaiError, EngineUnavailable
from docai.evals.datasets import Dataset, DocTruth, Question
from docai.evals.metrics import (
    Counts,
    FieldScores,
    anls,
    compare_fields,
    expected_calibration_error,
    hit_at_k,
    kleister_counts,
    numeric_match,
    ok_precision,
    passage_holds_answer,
    reliability,
)
from docai.evals.normalize import is_empty
from docai.options import Options
from docai.verify import check_extraction, remember_pages
from docai.verify.confidence import features

_log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as (stage, done, total)."""


class _MemoryCache:
    """In-memory BlobCache so an engine can reuse a QA index across questions on one document."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._data.get(key)

    def put(self, key: str, value: bytes) -> None:
        self._data[key] = value


def _load(path: Any, options: Options) -> Any:
    from docai.parsers.loader import load_document

    return load_document(path, options)


def _kleister_scores(pred: dict[str, Any], truth: dict[str, Any], keys: list[str]) -> FieldScores:
    out = FieldScores()
    for key in keys:
        c = kleister_counts({key: pred.get(key)}, {key: truth.get(key)})
        out.counts[key] = c
        out.exact[key] = c.fp == 0 and c.fn == 0
    return out


def _wrong_fields(pred: dict[str, Any], truth: dict[str, Any], scores: FieldScores) -> list[dict[str, Any]]:
    return [
        {"field": k, "expected": truth.get(k), "got": pred.get(k)} for k, ok in scores.exact.items() if not ok
    ]


def _top(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def key_confidence(fields: dict[str, Any]) -> dict[str, float]:
    """Each top-level field's confidence: the mean of its filled leaves' (each leaf's confidence is
    fitted as the chance that its whole top-level field is right, so the mean estimates that chance)."""
    by_key: dict[str, list[float]] = {}
    for path, rep in fields.items():
        if rep.confidence is not None:
            by_key.setdefault(_top(path), []).append(rep.confidence)
    return {k: round(sum(v) / len(v), 4) for k, v in by_key.items()}


def _extract_one(engine: Any, item: DocTruth, ds: Dataset, options: Options) -> dict[str, Any]:
    schema = item.schema or ds.schema or {"type": "object", "properties": {}}
    rec: dict[str, Any] = {"doc": item.id or item.doc.name, "truth": item.fields}
    start = time.perf_counter()
    pages = 0
    trace: dict[str, Any] = {}
    try:
        with _load(item.doc, options) as doc:
            pages = len(doc.page_numbers)
            remember_pages(doc)
            extraction = engine.extract(doc, schema)
            started_verify = time.perf_counter()
            extraction = check_extraction(extraction, doc, schema, options, trace=trace)
            rec["verify_seconds"] = round(time.perf_counter() - started_verify, 4)
        rec.update(status=extraction.status, prediction=extraction.data, error=None)
        rec["evidence_pages"] = {k: v.page_no for k, v in extraction.evidence.items()}
        rec["review"] = list(extraction.review)
        rec["confidence"] = key_confidence(extraction.fields)
        rec["signals"] = {k: features(s) | {"top": _top(k)} for k, s in trace.items()}
    except (EngineUnavailable, KeyboardInterrupt):
        raise
    except DocaiError as e:
        rec.update(status="failed", prediction={}, error=str(e))
    except Exception as e:  # an engine bug on one document must not end a long eval
        _log.warning(
            "%s: %s: %s", item.doc.name, type(e).__name__, e, exc_info=_log.isEnabledFor(logging.DEBUG)
        )
        rec.update(status="failed", prediction={}, error=f"internal error: {type(e).__name__}: {e}")
    rec["seconds"] = round(time.perf_counter() - start, 4)
    rec["pages"] = pages
    return rec


def run_extraction(
    ds: Dataset, engine: Any, options: Options, progress: Progress | None = None
) -> dict[str, Any]:
    """Extract every document of `ds` and score fields; failures count every truth value as missed."""
    per_doc: list[dict[str, Any]] = []
    calibration_pairs: list[tuple[float, bool]] = []
    field_counts: dict[str, Counts] = {}
    exact_hits: dict[str, list[bool]] = {}
    evidence_hits: dict[str, list[bool]] = {}
    overall = Counts()
    for n, item in enumerate(ds.docs, 1):
        rec = _extract_one(engine, item, ds, options)
        pred = rec["prediction"] or {}
        schema = item.schema or ds.schema
        if item.scored is not None:
            keep = set(item.scored)
            pred = {k: x for k, x in pred.items() if k in keep}
            props = (schema or {}).get("properties") or {}
            schema = {"type": "object", "properties": {k: x for k, x in props.items() if k in keep}}
        if ds.scoring == "kleister":
            keys = list((schema or {}).get("properties") or item.fields)
            scores = _kleister_scores(pred, item.fields, keys)
        else:
            scores = compare_fields(pred, item.fields, schema)
        doc_total = scores.total()
        overall.add(doc_total)
        for path, c in scores.counts.items():
            field_counts.setdefault(path, Counts()).add(c)
        for key, ok in scores.exact.items():
            if item.schema is None or item.scored is not None or not is_empty(item.fields.get(key)):
                exact_hits.setdefault(key, []).append(ok)
        if item.pages:
            evidence = rec.get("evidence_pages") or {}
            rec["evidence_page_ok"] = {
                k: evidence.get(k) == page for k, page in item.pages.items() if not is_empty(pred.get(k))
            }
            for k, ok in rec["evidence_page_ok"].items():
                evidence_hits.setdefault(k, []).append(ok)
        _label_confidence(rec, scores, calibration_pairs)
        rec["f1"] = round(doc_total.f1, 4)
        rec["counts"] = doc_total.to_dict()
        rec["wrong"] = _wrong_fields(pred, item.fields, scores)
        per_doc.append(rec)
        if progress:
            progress("extract", n, len(ds.docs))
    seconds = sum(r["seconds"] for r in per_doc)
    pages = sum(r["pages"] for r in per_doc)
    fields = {}
    for path, c in sorted(field_counts.items()):
        d = c.to_dict()
        if path in exact_hits:
            d["accuracy"] = round(sum(exact_hits[path]) / len(exact_hits[path]), 4)
        if path in evidence_hits:
            d["evidence_page_accuracy"] = round(sum(evidence_hits[path]) / len(evidence_hits[path]), 4)
        fields[path] = d
    all_exact = [ok for oks in exact_hits.values() for ok in oks]
    summary = overall.to_dict()
    summary["accuracy"] = round(sum(all_exact) / len(all_exact), 4) if all_exact else None
    summary["documents_exact"] = (
        round(sum(1 for r in per_doc if not r["wrong"]) / len(per_doc), 4) if per_doc else None
    )
    summary["failed"] = sum(1 for r in per_doc if r["status"] == "failed")
    all_evidence = [ok for oks in evidence_hits.values() for ok in oks]
    # Of the fields an engine filled whose page is known: how often its evidence names that page.
    summary["evidence_page_accuracy"] = (
        round(sum(all_evidence) / len(all_evidence), 4) if all_evidence else None
    )
    return {
        "documents": len(per_doc),
        "verification": _verification_summary(per_doc, calibration_pairs),
        "pages": pages,
        "seconds": round(seconds, 3),
        "seconds_per_page": round(seconds / pages, 4) if pages else None,
        "scoring": ds.scoring,
        "fields": fields,
        "overall": summary,
        "per_document": per_doc,
    }


def _label_confidence(rec: dict[str, Any], scores: FieldScores, pairs: list[tuple[float, bool]]) -> None:
    """Mark each filled field's confidence with whether it was right (scored fields only): a filled
    field is right when it holds no false value (a missed line item is a miss, not a wrong value)."""
    false_values: dict[str, int] = {}
    for path, c in scores.counts.items():
        top = _top(path)
        false_values[top] = false_values.get(top, 0) + c.fp
    scored = set(scores.exact)
    rec["field_right"] = {k: false_values.get(k, 0) == 0 for k in rec.get("confidence") or {} if k in scored}
    rec["filled_right"] = sum(false_values.values()) == 0
    for key, right in rec["field_right"].items():
        pairs.append((rec["confidence"][key], right))
    for sig in (rec.get("signals") or {}).values():
        sig["right"] = rec["field_right"].get(sig["top"])


def _verification_summary(per_doc: list[dict[str, Any]], pairs: list[tuple[float, bool]]) -> dict[str, Any]:
    """Precision of `ok` (ok files whose filled fields are all right), coverage, reliability and ECE;
    `strict_precision_of_ok` also counts a field the file left empty but the truth has as wrong."""
    out = ok_precision(
        (r["status"], bool(r.get("filled_right")) and r["status"] != "failed") for r in per_doc
    )
    strict = ok_precision((r["status"], not r["wrong"] and r["status"] != "failed") for r in per_doc)
    out["strict_precision_of_ok"] = strict["precision_of_ok"]
    out["reliability"] = reliability(pairs)
    out["ece"] = expected_calibration_error(pairs)
    out["fields_scored"] = len(pairs)
    times = [r["verify_seconds"] for r in per_doc if "verify_seconds" in r]
    out["verify_seconds"] = round(sum(times), 3)
    return out


def _ask_one(engine: Any, q: Question, options: Options, cache: _MemoryCache) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": q.id,
        "doc": q.doc.name,
        "question": q.question,
        "expected": q.answer,
        "pages": q.pages,
        "numeric": q.numeric,
    }
    start = time.perf_counter()
    try:
        with _load(q.doc, options) as doc:
            answer = engine.ask([doc], q.question, cache=cache)
        cited = list(dict.fromkeys(c.page_no for c in answer.citations))
        also = [c.page_no for c in getattr(answer, "also_retrieved", [])]
        holding = [passage_holds_answer(c.text, q.answer, q.numeric) for c in answer.citations]
        rec.update(
            got=answer.text,
            found=answer.found,
            cited_pages=cited,
            retrieved_pages=list(dict.fromkeys(cited + also)),
            citation_precision=round(sum(holding) / len(holding), 4) if holding else None,
            citations_holding=[sum(holding), len(holding)],
            error=None,
        )
    except (EngineUnavailable, KeyboardInterrupt):
        raise
    except DocaiError as e:
        rec.update(got="", found=False, cited_pages=[], retrieved_pages=[], error=str(e))
    except Exception as e:  # as for extraction: record it and go on
        _log.warning("%s: %s: %s", q.doc.name, type(e).__name__, e, exc_info=_log.isEnabledFor(logging.DEBUG))
        rec.update(
            got="",
            found=False,
            cited_pages=[],
            retrieved_pages=[],
            error=f"internal error: {type(e).__name__}: {e}",
        )
    rec["seconds"] = round(time.perf_counter() - start, 4)
    rec["anls"] = round(anls(rec["got"], q.answer), 4)
    rec["numeric_ok"] = numeric_match(rec["got"], q.answer) if q.numeric else None
    rec["correct"] = rec["numeric_ok"] if q.numeric else rec["anls"] >= 0.5
    for k in (1, 3, 5):
        rec[f"hit@{k}"] = hit_at_k(rec["cited_pages"], q.pages, k) if q.pages else None
    # the evidence page among the top 3 pages retrieval ranked, cited or shown as "also retrieved"
    rec["retrieved@3"] = hit_at_k(rec["retrieved_pages"], q.pages, 3) if q.pages else None
    return rec


def _ratio(per_q: list[dict[str, Any]]) -> float | None:
    """Over all cited passages of all questions: the share that contain the expected answer."""
    held = sum(r.get("citations_holding", [0, 0])[0] for r in per_q)
    cited = sum(r.get("citations_holding", [0, 0])[1] for r in per_q)
    return round(held / cited, 4) if cited else None


def run_qa(ds: Dataset, engine: Any, options: Options, progress: Progress | None = None) -> dict[str, Any]:
    """Ask every question; score answers (ANLS, numbers within 1%) and cited pages (hit@k)."""
    cache = _MemoryCache()
    per_q = []
    for n, q in enumerate(ds.questions, 1):
        per_q.append(_ask_one(engine, q, options, cache))
        if progress:
            progress("ask", n, len(ds.questions))

    def mean(key: str, rows: list[dict[str, Any]]) -> float | None:
        vals = [float(r[key]) for r in rows if r.get(key) is not None]
        return round(sum(vals) / len(vals), 4) if vals else None

    numeric = [r for r in per_q if r["numeric"]]
    return {
        "questions": len(per_q),
        "seconds": round(sum(r["seconds"] for r in per_q), 3),
        "accuracy": mean("correct", per_q),
        "anls": mean("anls", per_q),
        "numeric_questions": len(numeric),
        "numeric_accuracy": mean("numeric_ok", numeric),
        "found_rate": mean("found", per_q),
        "hit@1": mean("hit@1", per_q),
        "hit@3": mean("hit@3", per_q),
        "hit@5": mean("hit@5", per_q),
        "retrieved@3": mean("retrieved@3", per_q),
        # the share of cited passages that contain the expected answer, over questions with citations
        "citation_precision": mean("citation_precision", per_q),
        "cited_passages_holding": _ratio(per_q),
        "per_question": per_q,
    }


def run_eval(
    ds: Dataset, options: Options, *, limit: int | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Everything the dataset has truth for: extraction, questions, tables. Raises EngineUnavailable early."""
    ds = ds.limit(limit)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    report: dict[str, Any] = {
        "dataset": ds.name,
        "root": str(ds.root),
        "engine": options.engine,
        "model": options.model,
        "options": options.result_key(),
        "started": started,
        "notes": list(ds.notes),
    }
    if ds.docs or ds.questions:
        engine = create_engine(options)
        try:
            if ds.docs:
                report["extraction"] = run_extraction(ds, engine, options, progress)
            if ds.questions:
                report["qa"] = run_qa(ds, engine, options, progress)
        finally:
            engine.close()
        report["model"] = getattr(engine, "model", None) or options.model
    if ds.tables:
        from docai.evals.datasets.tables import evaluate_tables

        report["tables"] = evaluate_tables(ds)
    report["seconds"] = round(time.perf_counter() - t0, 3)
    return report
