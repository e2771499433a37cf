"""Rich tables for an eval report, and the comparison of two reports (per-field deltas, docs that moved)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from docai.errors import InputError

_log = logging.getLogger(__name__)


def load_report(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"cannot read report {p}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{p}: not a JSON report ({e.msg})") from None
    if not isinstance(data, dict) or "dataset" not in data:
        raise InputError(f"{p}: not a docai eval report")
    return data


def _short(value: Any, width: int = 40) -> str:
    s = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def render_report(report: dict[str, Any], console: Any, worst: int = 5) -> None:
    """Per-field and overall table, worst documents with expected vs got, QA and table summaries."""
    title = f"{report['dataset']} · engine {report['engine']}" + (
        f" ({report['model']})" if report.get("model") else ""
    )
    if report.get("extraction"):
        _render_extraction(report["extraction"], title, console, worst)
    if report.get("qa"):
        _render_qa(report["qa"], title, console, worst)
    if report.get("tables"):
        _render_tables(report["tables"], report["dataset"], console)
    for note in report.get("notes") or []:
        console.print(f"[dim]note: {note}[/dim]")


def _render_extraction(ex: dict[str, Any], title: str, console: Any, worst: int) -> None:
    from rich.table import Table

    t = Table(title=f"{title} · {ex['documents']} documents ({ex['scoring']} scoring)")
    for col in ("field", "accuracy %", "P %", "R %", "F1 %", "TP", "FP", "FN"):
        t.add_column(col, justify="left" if col == "field" else "right")
    for path, d in ex["fields"].items():
        t.add_row(
            path,
            _pct(d.get("accuracy")),
            _pct(d["precision"]),
            _pct(d["recall"]),
            _pct(d["f1"]),
            str(d["tp"]),
            str(d["fp"]),
            str(d["fn"]),
        )
    o = ex["overall"]
    t.add_section()
    t.add_row(
        "[b]overall[/b]",
        _pct(o.get("accuracy")),
        _pct(o["precision"]),
        _pct(o["recall"]),
        _pct(o["f1"]),
        str(o["tp"]),
        str(o["fp"]),
        str(o["fn"]),
    )
    console.print(t)
    spp = ex.get("seconds_per_page")
    if o.get("evidence_page_accuracy") is not None:
        console.print(f"evidence on the right page: {_pct(o['evidence_page_accuracy'])}% of filled fields")
    console.print(
        f"documents fully right: {_pct(o.get('documents_exact'))}% · failed: {o.get('failed', 0)} · "
        f"{ex['pages']} pages in {ex['seconds']:.2f} s" + (f" ({spp:.3f} s/page)" if spp else "")
    )
    if ex.get("verification"):
        render_verification(ex["verification"], console)
    _render_worst_documents(ex, console, worst)


def _render_worst_documents(ex: dict[str, Any], console: Any, worst: int) -> None:
    from rich.table import Table

    bad = sorted((r for r in ex["per_document"] if r["wrong"]), key=lambda r: r["f1"])[:worst]
    if bad:
        w = Table(title=f"worst {len(bad)} documents")
        for col in ("document", "F1 %", "field", "expected", "got"):
            w.add_column(col)
        for r in bad:
            first = True
            for miss in r["wrong"][:4] or [{"field": "", "expected": "", "got": r.get("error")}]:
                w.add_row(
                    r["doc"] if first else "",
                    _pct(r["f1"]) if first else "",
                    miss["field"],
                    _short(miss["expected"]),
                    _short(miss["got"]),
                )
                first = False
            if r.get("error"):
                w.add_row("", "", "error", "", _short(r["error"], 60))
        console.print(w)


def _render_qa(qa: dict[str, Any], title: str, console: Any, worst: int) -> None:
    from rich.table import Table

    t = Table(title=f"{title} · {qa['questions']} questions")
    cols = ("accuracy %", "ANLS %", "numeric acc %", "found %", "hit@1 %", "hit@3 %", "hit@5 %")
    for col in (*cols, "retrieved@3 %", "citation prec. %", "s"):
        t.add_column(col, justify="right")
    t.add_row(
        _pct(qa["accuracy"]),
        _pct(qa["anls"]),
        _pct(qa["numeric_accuracy"]),
        _pct(qa["found_rate"]),
        _pct(qa["hit@1"]),
        _pct(qa["hit@3"]),
        _pct(qa["hit@5"]),
        _pct(qa.get("retrieved@3")),
        _pct(qa.get("cited_passages_holding")),
        f"{qa['seconds']:.1f}",
    )
    console.print(t)
    bad = [r for r in qa["per_question"] if not r["correct"]][:worst]
    if bad:
        w = Table(title="wrong answers")
        for col in ("question", "expected", "got", "pages", "cited"):
            w.add_column(col)
        for r in bad:
            w.add_row(
                _short(r["question"], 50),
                _short(r["expected"]),
                _short(r["got"] or r.get("error") or ""),
                _short(r["pages"], 12),
                _short(r["cited_pages"], 12),
            )
        console.print(w)


def _render_tables(tb: dict[str, Any], dataset: str, console: Any) -> None:
    from rich.table import Table

    t = Table(title=f"{dataset} · tables by {tb['finder']}")
    for col in ("pages", "detect P %", "detect R %", "structure F1 %", "cell acc %", "pages/s"):
        t.add_column(col, justify="right")
    d, s = tb["detection"], tb["structure"]
    t.add_row(
        str(tb["pages"]),
        _pct(d["precision"]),
        _pct(d["recall"]),
        _pct(s["f1"]),
        _pct(tb["cell_accuracy"]),
        str(tb["pages_per_s"]),
    )
    console.print(t)


def render_verification(v: dict[str, Any], console: Any) -> None:
    """Precision of `ok`, coverage, statuses, ECE and the reliability table."""
    from rich.table import Table

    statuses = ", ".join(f"{k} {n}" for k, n in (v.get("statuses") or {}).items())
    console.print(
        f"verification: precision of ok {_pct(v.get('precision_of_ok'))}% ({v.get('ok_right')}/{v.get('ok')}"
        f" ok files with every filled field right; {_pct(v.get('strict_precision_of_ok'))}% counting"
        f" missed fields) · coverage {_pct(v.get('coverage'))}% · ECE {v.get('ece')}"
        f" over {v.get('fields_scored')} fields · {statuses} · stage {v.get('verify_seconds')} s"
    )
    rows = v.get("reliability") or []
    if rows:
        t = Table(title="reliability (top-level fields)")
        for col in ("confidence", "fields", "mean confidence %", "accuracy %"):
            t.add_column(col, justify="right")
        for r in rows:
            t.add_row(r["bucket"], str(r["fields"]), _pct(r["mean_confidence"]), _pct(r["accuracy"]))
        console.print(t)


def compare_reports(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Per-field F1/accuracy deltas (b - a) and the documents/questions that got better or worse."""
    out: dict[str, Any] = {"a": f"{a['dataset']}/{a['engine']}", "b": f"{b['dataset']}/{b['engine']}"}
    ea, eb = a.get("extraction") or {}, b.get("extraction") or {}
    fields = {}
    for path in sorted(set(ea.get("fields", {})) | set(eb.get("fields", {}))):
        fa, fb = ea.get("fields", {}).get(path, {}), eb.get("fields", {}).get(path, {})
        fields[path] = {
            m: (
                fa.get(m),
                fb.get(m),
                None if fa.get(m) is None or fb.get(m) is None else round(fb[m] - fa[m], 4),
            )
            for m in ("accuracy", "f1")
        }
    out["fields"] = fields
    if ea and eb:
        out["overall"] = {m: (ea["overall"].get(m), eb["overall"].get(m)) for m in ("accuracy", "f1")}
    da = {r["doc"]: r["f1"] for r in ea.get("per_document", [])}
    db = {r["doc"]: r["f1"] for r in eb.get("per_document", [])}
    common = set(da) & set(db)
    out["better"] = sorted(([d, da[d], db[d]] for d in common if db[d] > da[d]), key=lambda x: x[1] - x[2])
    out["worse"] = sorted(([d, da[d], db[d]] for d in common if db[d] < da[d]), key=lambda x: x[2] - x[1])
    qa_a, qa_b = a.get("qa") or {}, b.get("qa") or {}
    if qa_a and qa_b:
        ca = {r["id"] or r["question"]: r["correct"] for r in qa_a["per_question"]}
        cb = {r["id"] or r["question"]: r["correct"] for r in qa_b["per_question"]}
        out["qa"] = {m: (qa_a.get(m), qa_b.get(m)) for m in ("accuracy", "anls", "hit@1", "hit@3")}
        out["better"] += [[q, 0.0, 1.0] for q in ca if q in cb and cb[q] and not ca[q]]
        out["worse"] += [[q, 1.0, 0.0] for q in ca if q in cb and ca[q] and not cb[q]]
    return out


def render_compare(cmp: dict[str, Any], console: Any, limit: int = 10) -> None:
    from rich.table import Table

    def delta(x: float | None) -> str:
        if x is None:
            return "-"
        color = "green" if x > 0 else "red" if x < 0 else "dim"
        return f"[{color}]{100 * x:+.1f}[/{color}]"

    t = Table(title=f"{cmp['a']} → {cmp['b']}")
    for col in ("field", "acc a %", "acc b %", "Δ acc", "F1 a %", "F1 b %", "Δ F1"):
        t.add_column(col, justify="left" if col == "field" else "right")
    for path, m in cmp["fields"].items():
        acc, f1 = m["accuracy"], m["f1"]
        t.add_row(path, _pct(acc[0]), _pct(acc[1]), delta(acc[2]), _pct(f1[0]), _pct(f1[1]), delta(f1[2]))
    if "overall" in cmp:
        o = cmp["overall"]
        t.add_section()
        da = None if None in o["accuracy"] else o["accuracy"][1] - o["accuracy"][0]
        t.add_row(
            "[b]overall[/b]",
            _pct(o["accuracy"][0]),
            _pct(o["accuracy"][1]),
            delta(da),
            _pct(o["f1"][0]),
            _pct(o["f1"][1]),
            delta(o["f1"][1] - o["f1"][0]),
        )
    if cmp["fields"]:
        console.print(t)
    if "qa" in cmp:
        for m, (x, y) in cmp["qa"].items():
            console.print(f"{m}: {_pct(x)}% → {_pct(y)}%")
    for label in ("better", "worse"):
        rows = cmp[label]
        console.print(f"{len(rows)} {label}" + (":" if rows else ""))
        for doc, x, y in rows[:limit]:
            console.print(f"  {doc}: {_pct(x)} → {_pct(y)}")
