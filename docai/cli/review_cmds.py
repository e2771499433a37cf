"""`docai review|correct|accept` and `docai eval reviewed`: the review loop on the command line.

The reviewer is the OS user. Each command calls the service layer and prints what it returns.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from docai.cli import flags
from docai.cli.common import build_options, info, print_json
from docai.errors import InputError

if TYPE_CHECKING:
    from docai.service import Service


def _open() -> Service:
    from docai.service import Service

    return Service(build_options())


def _console() -> Any:
    from rich.console import Console

    return Console(soft_wrap=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _print_fields(service: Service, run_id: int, as_json: bool) -> None:
    """One run's fields: the reviewed value beside the engine's, state, confidence and reasons."""
    from rich.table import Table

    run = service.reviews.run(run_id)
    views = service.reviews.fields(run)
    if as_json:
        review = run.review.to_dict() if run.review else None
        print_json(
            {"run_id": run.id, "status": run.status, "fields": [v.to_dict() for v in views], "review": review}
        )
        return
    table = Table(
        "field",
        "value",
        "engine value",
        "state",
        "conf",
        "why",
        "by",
        title=f"run {run.id}: {run.file_name} ({run.status})",
    )
    for v in views:
        conf = f"{v.confidence:.2f}" if v.confidence is not None else ""
        table.add_row(
            v.path, _cell(v.value), _cell(v.engine_value), v.state, conf, "; ".join(v.reasons), v.reviewer
        )
    _console().print(table)


def review(
    run_id: Annotated[
        int | None, typer.Argument(help="A run: show its fields (reviewed beside engine values).")
    ] = None,
    schema: Annotated[str | None, typer.Option("--schema", help="Only runs of this schema.")] = None,
    batch: Annotated[
        Path | None, typer.Option("--batch", help="Only this batch: its --out JSONL file or its folder.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="At most N runs (0: all).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The review queue, riskiest first (or one run's fields with RUN)."""
    with _open() as service:
        if run_id is not None:
            _print_fields(service, run_id, as_json)
            return
        items = service.review_queue(schema=schema, batch=batch, limit=limit)
    if as_json:
        print_json([i.to_dict() for i in items])
        return
    if not items:
        info("nothing to review")
        return
    from rich.table import Table

    table = Table("run", "file", "schema", "status", "risk", "to review", "why")
    for i in items:
        why = "; ".join(i.reasons[:3]) + (" ..." if len(i.reasons) > 3 else "")
        table.add_row(
            str(i.run_id), i.file_name, i.schema, i.status, f"{i.risk:.2f}", f"{i.to_review}/{i.fields}", why
        )
    _console().print(table)


def _parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    parts = text.replace(" ", "").split(",")
    try:
        box = tuple(float(p) for p in parts)
    except ValueError:
        box = ()
    if len(box) != 4:
        raise InputError(f"--bbox {text!r}: give four numbers x0,y0,x1,y1 in page points")
    return box  # type: ignore[return-value]


def correct(
    run_id: Annotated[int, typer.Argument(help="The run (see `docai review`).")],
    field: Annotated[str, typer.Argument(help="Field path, e.g. total or items[0].amount.")],
    value: Annotated[str, typer.Argument(help="The right value (checked against the schema; '' clears).")],
    page: Annotated[int | None, typer.Option("--page", min=1, help="Page the value is printed on.")] = None,
    bbox: Annotated[str | None, typer.Option("--bbox", help="Its box x0,y0,x1,y1 in page points.")] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="Fail unless the run is at this version.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the review as JSON.")] = False,
) -> None:
    """Correct one field of a run (a new version; the engine's value is kept)."""
    from docai.results import Evidence

    box = _parse_bbox(bbox)
    evidence = Evidence(page_no=page, bbox=box, text=value, confidence=1.0) if page or box else None
    with _open() as service:
        saved = service.correct(run_id, field, value, evidence=evidence, version=version)
    _report(saved, as_json, f"corrected {field}")


def accept(
    run_id: Annotated[int, typer.Argument(help="The run (see `docai review`).")],
    fields: Annotated[
        list[str] | None, typer.Argument(help="Fields to confirm (default: all open ones).")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="Fail unless the run is at this version.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the review as JSON.")] = False,
) -> None:
    """Confirm fields of a run as they are; when every field is confirmed the run is `reviewed`."""
    with _open() as service:
        saved = service.accept(run_id, fields or None, version=version)
    _report(saved, as_json, f"accepted {', '.join(fields) if fields else 'all open fields'}")


def _report(saved: Any, as_json: bool, what: str) -> None:
    if as_json:
        print_json(saved.to_dict())
        return
    state = "reviewed" if saved.state == "reviewed" else "in review"
    sys.stdout.write(
        f"run {saved.run_id}: {what}; version {saved.version}, {state} (by {saved.updated_by})\n"
    )


def eval_reviewed(
    schema: Annotated[str, typer.Option("--schema", help="Schema whose reviewed documents to score on.")],
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="Folder(s) holding the documents (matched by hash).")
    ] = None,
    engine: flags.Engine = None,
    model: flags.Model = None,
    base_url: flags.BaseUrl = None,
    api_key: flags.ApiKey = None,
    limit: flags.EvalLimit = None,
    out: flags.ReportOut = None,
    as_json: flags.JsonReport = False,
) -> None:
    """Score an engine against what people confirmed for SCHEMA."""
    from docai.evals.datasets.reviewed import load_reviewed
    from docai.evals.report import render_report
    from docai.evals.runner import run_eval

    options = build_options(engine=engine, model=model, base_url=base_url, api_key=api_key)
    with _open() as service:
        ds = load_reviewed(service.db, schema, data or [])
    for note in ds.notes:
        info(note)
    info(f"{ds.name}: {len(ds.docs)} reviewed documents")
    report = run_eval(ds, options, limit=limit)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        info(f"report written to {out}")
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        from rich.console import Console

        render_report(report, Console(file=sys.stdout, width=max(100, Console().width)))


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.command("correct")(correct)
    app.command("accept")(accept)
    try:
        from docai.cli.eval_cmd import eval_app
    except ImportError:  # pragma: no cover - eval commands not installed
        return
    eval_app.command("reviewed")(eval_reviewed)
