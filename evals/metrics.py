"""Scores for extractions and answers. Pure functions over plain values.

Field counting rules (`compare_fields`): a predicted value where the truth is empty is a false
positive; an empty prediction where the truth has a value is a false negative; a wrong value is
both; a right value is a true positive; both empty counts nowhere. Arrays of scalars compare as
multisets; arrays of objects are paired row to row by best overlap (Hungarian) first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docai.evals.normalize import (
    SCALES,
    is_empty,
    norm_text,
    normalize_value,
    parse_date,
    values_equal,
)

_log = logging.getLogger(__name__)


@dataclass
class Counts:
    """True positives, false positives, false negatives; P/R/F1 follow (empty sets score 1.0)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class FieldScores:
    """Per field path (`total`, `items[].amount`) counts, plus exact match of each top-level field."""

    counts: dict[str, Counts] = field(default_factory=dict)
    exact: dict[str, bool] = field(default_factory=dict)

    def count(self, path: str) -> Counts:
        return self.counts.setdefault(path, Counts())

    def total(self) -> Counts:
        out = Counts()
        for c in self.counts.values():
            out.add(c)
        return out


def _kinds(schema: dict[str, Any] | None) -> dict[str, Any]:
    """Property name -> sub-schema of an object schema (empty when no schema)."""
    if not schema:
        return {}
    return dict(schema.get("properties") or {})


def _kind_of(schema: dict[str, Any] | None) -> str | None:
    if not schema:
        return None
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t in ("number", "integer"):
        return "number"
    if t == "string" and schema.get("format") == "date":
        return "date"
    return None


def _leaf_values(value: Any) -> int:
    """How many non-empty scalar leaves a value holds (what an unmatched row contributes)."""
    if is_empty(value):
        return 0
    if isinstance(value, dict):
        return sum(_leaf_values(v) for v in value.values())
    if isinstance(value, list):
        return sum(_leaf_values(v) for v in value)
    return 1


def _row_similarity(a: dict[str, Any], b: dict[str, Any], schema: dict[str, Any] | None) -> float:
    props = _kinds(schema)
    keys = {k for k in set(a) | set(b) if not (is_empty(a.get(k)) and is_empty(b.get(k)))}
    if not keys:
        return 0.0
    same = sum(1 for k in keys if values_equal(a.get(k), b.get(k), _kind_of(props.get(k))))
    return same / len(keys)


def match_rows(
    pred: list[Any], truth: list[Any], schema: dict[str, Any] | None = None
) -> list[tuple[int, int]]:
    """Pairs (pred_index, truth_index) maximizing total row similarity (Hungarian; zero-overlap dropped)."""
    if not pred or not truth:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    sim = np.zeros((len(pred), len(truth)))
    for i, p in enumerate(pred):
        for j, t in enumerate(truth):
            if isinstance(p, dict) and isinstance(t, dict):
                sim[i, j] = _row_similarity(p, t, schema)
            else:
                sim[i, j] = 1.0 if values_equal(p, t, _kind_of(schema)) else 0.0
    rows, cols = linear_sum_assignment(-sim)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if sim[i, j] > 0]


def _compare(pred: Any, truth: Any, schema: dict[str, Any] | None, path: str, out: FieldScores) -> None:
    if isinstance(truth, dict) or isinstance(pred, dict):
        p = pred if isinstance(pred, dict) else {}
        t = truth if isinstance(truth, dict) else {}
        props = _kinds(schema)
        for key in sorted(set(p) | set(t) | (set(props) if not path else set())):
            sub = f"{path}.{key}" if path else key
            _compare(p.get(key), t.get(key), props.get(key), sub, out)
        return
    if isinstance(truth, list) or isinstance(pred, list):
        p_list = pred if isinstance(pred, list) else ([] if is_empty(pred) else [pred])
        t_list = truth if isinstance(truth, list) else ([] if is_empty(truth) else [truth])
        p_list = [x for x in p_list if not is_empty(x)]
        t_list = [x for x in t_list if not is_empty(x)]
        items = (schema or {}).get("items") if schema else None
        pairs = match_rows(p_list, t_list, items)
        rows = any(isinstance(x, dict) for x in p_list + t_list)
        sub = f"{path}[]"
        for i, j in pairs:
            if rows:
                _compare(p_list[i], t_list[j], items, sub, out)
            else:
                out.count(sub).tp += 1
        used_p = {i for i, _ in pairs}
        used_t = {j for _, j in pairs}
        for i, x in enumerate(p_list):
            if i not in used_p:
                _unmatched(x, sub, out, "fp")
        for j, x in enumerate(t_list):
            if j not in used_t:
                _unmatched(x, sub, out, "fn")
        if not p_list and not t_list:
            out.count(sub)
        return
    c = out.count(path)
    kind = _kind_of(schema)
    if is_empty(truth) and is_empty(pred):
        return
    if is_empty(truth):
        c.fp += 1
    elif is_empty(pred):
        c.fn += 1
    elif values_equal(pred, truth, kind):
        c.tp += 1
    else:
        c.fp += 1
        c.fn += 1


def _unmatched(value: Any, path: str, out: FieldScores, side: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _unmatched(v, f"{path}.{k}", out, side)
        return
    if is_empty(value):
        return
    c = out.count(path)
    if side == "fp":
        c.fp += _leaf_values(value)
    else:
        c.fn += _leaf_values(value)


def compare_fields(
    pred: dict[str, Any], truth: dict[str, Any], schema: dict[str, Any] | None = None
) -> FieldScores:
    """Field-level counts for one document, and exact match of each top-level field."""
    out = FieldScores()
    pred = pred or {}
    truth = truth or {}
    _compare(pred, truth, schema, "", out)
    props = _kinds(schema)
    for key in sorted(set(truth) | set(props) | set(pred)):
        scores = FieldScores()
        _compare(pred.get(key), truth.get(key), props.get(key), key, scores)
        t = scores.total()
        out.exact[key] = t.fp == 0 and t.fn == 0
    return out


def field_match(pred: Any, truth: Any, kind: str | None = None) -> bool:
    """Exact match of one field after normalization (both empty is a match)."""
    return values_equal(pred, truth, kind)


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insert/delete/substitute all cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def anls(pred: str | None, answers: str | Iterable[str], threshold: float = 0.5) -> float:
    """Average Normalized Levenshtein Similarity for one question (max over the accepted answers)."""
    gold = [answers] if isinstance(answers, str) else list(answers)
    p = " ".join(str(pred or "").casefold().split())
    best = 0.0
    for g in gold:
        gn = " ".join(str(g).casefold().split())
        if not gn and not p:
            return 1.0
        dist = levenshtein(p, gn) / max(len(p), len(gn))
        best = max(best, 1.0 - dist if dist < threshold else 0.0)
    return best


_NUM_IN_TEXT = re.compile(
    r"(?P<neg>[-−(])?\s*[$€£¥]?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<pct>%|percent)?\s*(?P<scale>thousand|millions?|billions?|trillion|mn|bn|[kmb]\b)?",
    re.IGNORECASE,
)


def numbers_in_text(text: str) -> list[tuple[float, float]]:
    """(value, scale) pairs for each number in free text (`$1.2 billion` -> (1.2, 1e9))."""
    out: list[tuple[float, float]] = []
    for m in _NUM_IN_TEXT.finditer(text or ""):
        try:
            v = float(m.group("num").replace(",", ""))
        except ValueError:
            continue
        if m.group("neg") in ("-", "−", "("):
            v = -v
        scale = SCALES.get((m.group("scale") or "").lower().rstrip("s") or "", 1.0)
        if (m.group("scale") or "").lower() in ("millions", "billions"):
            scale = SCALES[m.group("scale").lower()]
        out.append((v, scale))
    return out


def numeric_match(pred: str | float | None, truth: str | float, rel_tol: float = 0.01) -> bool:
    """Whether `pred` states the number in `truth` within `rel_tol`, across scale words.

    Each side's numbers are tried at face value and with their scale applied, so `$1.2 billion`
    matches `1,200 million` and `11588` matches `$11,588 million`.
    """
    t_nums = [(float(truth), 1.0)] if isinstance(truth, (int, float)) else numbers_in_text(str(truth))
    p_nums = [(float(pred), 1.0)] if isinstance(pred, (int, float)) else numbers_in_text(str(pred or ""))
    if not t_nums or not p_nums:
        return False
    tv, ts = t_nums[0]
    t_cands = {tv, tv * ts}
    for pv, ps in p_nums:
        for a in {pv, pv * ps}:
            for b in t_cands:
                if b == 0 and a == 0:
                    return True
                if b != 0 and abs(a - b) <= rel_tol * abs(b):
                    return True
    return False


def passage_holds_answer(passage: str, truth: str, numeric: bool) -> bool:
    """Whether a cited passage contains the expected answer: its number (within 1%, any scale) for a
    numeric answer, else its text (case, spaces and punctuation aside)."""
    if numeric:
        return numeric_match(passage, truth)

    def flat(t: str) -> str:
        return " ".join("".join(ch if ch.isalnum() else " " for ch in t.casefold()).split())

    return bool(flat(truth)) and flat(truth) in flat(passage)


def hit_at_k(cited_pages: list[int], gold_pages: Iterable[int], k: int) -> bool:
    """Whether any of the first `k` cited pages is a gold page (both 1-based)."""
    gold = set(gold_pages)
    return any(p in gold for p in cited_pages[:k])


def _grid_cells(grid: list[list[str]]) -> list[tuple[int, int, str]]:
    return [(r, c, norm_text(t)) for r, row in enumerate(grid) for c, t in enumerate(row)]


def adjacency_relations(grid: list[list[str]]) -> set[tuple[str, str, str]]:
    """ICDAR 2013 style relations: (text, right/below neighbour's text, direction) over non-empty cells."""
    rel: set[tuple[str, str, str]] = set()
    norm = [[norm_text(t) for t in row] for row in grid]
    for r, row in enumerate(norm):
        for c, t in enumerate(row):
            if not t:
                continue
            for cc in range(c + 1, len(row)):
                if row[cc]:
                    rel.add((t, row[cc], "h"))
                    break
            for rr in range(r + 1, len(norm)):
                if c < len(norm[rr]) and norm[rr][c]:
                    rel.add((t, norm[rr][c], "v"))
                    break
    return rel


def table_structure_counts(pred: list[list[str]], truth: list[list[str]]) -> Counts:
    """Counts over adjacency relations between non-empty cells (the ICDAR 2013 structure measure)."""
    p, t = adjacency_relations(pred), adjacency_relations(truth)
    return Counts(tp=len(p & t), fp=len(p - t), fn=len(t - p))


def table_cell_accuracy(pred: list[list[str]], truth: list[list[str]]) -> float:
    """Fraction of non-empty truth cells whose text appears in the same row and column of `pred`."""
    truth_cells = [(r, c, t) for r, c, t in _grid_cells(truth) if t]
    if not truth_cells:
        return 1.0
    p = {(r, c): t for r, c, t in _grid_cells(pred)}
    return sum(1 for r, c, t in truth_cells if p.get((r, c)) == t) / len(truth_cells)


def kleister_normalize(key: str, value: Any) -> str:
    """Kleister-NDA value form: ISO dates, no commas, spaces as `_`, lowercased for comparison."""
    s = " ".join(str(value).replace(",", " ").split())
    if key == "effective_date":
        s = parse_date(s) or s
    if key == "term":
        s = re.sub(r"\((\d+)\)", "", s)
        s = " ".join(s.split())
    return s.replace(" ", "_").casefold()


def kleister_pairs(values: dict[str, Any]) -> set[str]:
    """`key=value` strings from a dict of scalars or lists (empties dropped)."""
    pairs: set[str] = set()
    for key, v in (values or {}).items():
        items = v if isinstance(v, list) else [v]
        for item in items:
            if not is_empty(item):
                pairs.add(f"{key}={kleister_normalize(key, item)}")
    return pairs


def kleister_counts(pred: dict[str, Any], truth: dict[str, Any]) -> Counts:
    """Counts over key=value pairs, the Kleister-NDA measure (F1 over pairs)."""
    p, t = kleister_pairs(pred), kleister_pairs(truth)
    return Counts(tp=len(p & t), fp=len(p - t), fn=len(t - p))


def normalized(value: Any, kind: str | None = None) -> Any:
    """Public alias of the comparison form, for reports."""
    return normalize_value(value, kind)


def reliability(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> list[dict[str, Any]]:
    """Confidence buckets of width 1/bins against observed accuracy: one row per non-empty bucket."""
    rows: dict[int, list[tuple[float, bool]]] = {}
    for conf, right in pairs:
        b = min(bins - 1, max(0, int(conf * bins)))
        rows.setdefault(b, []).append((conf, right))
    out = []
    for b in sorted(rows):
        items = rows[b]
        out.append(
            {
                "bucket": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
                "fields": len(items),
                "mean_confidence": round(sum(c for c, _ in items) / len(items), 4),
                "accuracy": round(sum(1 for _, r in items if r) / len(items), 4),
            }
        )
    return out


def expected_calibration_error(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> float | None:
    """ECE: the bucket-size-weighted mean gap between confidence and accuracy (None with no fields)."""
    table = reliability(list(pairs), bins)
    n = sum(r["fields"] for r in table)
    if not n:
        return None
    return round(sum(r["fields"] * abs(r["mean_confidence"] - r["accuracy"]) for r in table) / n, 4)


def ok_precision(docs: Iterable[tuple[str, bool]]) -> dict[str, Any]:
    """Of (status, every field right) per document: precision of `ok`, coverage (share `ok`), counts."""
    rows = list(docs)
    ok = [right for status, right in rows if status == "ok"]
    return {
        "documents": len(rows),
        "ok": len(ok),
        "ok_right": sum(ok),
        "precision_of_ok": round(sum(ok) / len(ok), 4) if ok else None,
        "coverage": round(len(ok) / len(rows), 4) if rows else None,
        "statuses": {s: sum(1 for x, _ in rows if x == s) for s in sorted({x for x, _ in rows})},
    }


def ece_floor(
    confidences: Iterable[float], bins: int = 10, draws: int = 2000, seed: int = 0
) -> dict[str, float]:
    """The ECE a perfectly calibrated model with these confidences would show on a set this size: each
    field drawn right with probability its confidence, `draws` times. Returns the mean and the 95th
    percentile of those ECEs (the noise floor of the 10-bucket estimator; it is not a target)."""
    import random

    confs = list(confidences)
    if not confs:
        return {"mean": 0.0, "p95": 0.0}
    rng = random.Random(seed)
    eces = sorted(
        expected_calibration_error([(c, rng.random() < c) for c in confs], bins) or 0.0 for _ in range(draws)
    )
    return {"mean": round(sum(eces) / draws, 4), "p95": eces[min(draws - 1, int(0.95 * draws))]}
