"""`docai history|show|export|schemas|rm|db`: read and administer the stored runs, schemas and documents.

These commands talk to `docai.storage` directly; it (SQLAlchemy, Alembic, pandas) is imported inside the
commands so that `docai --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from docai.cli.common import build_options, info, print_json
from docai.errors import InputError, OptionError

if TYPE_CHECKING:
    from docai.service import Service
    from docai.storage import RunRecord

schemas_app = typer.Typer(help="Saved JSON Schemas: list, show, save, rm.", no_args_is_help=True)
db_app = typer.Typer(help="The database: upgrade its schema, show where it is.", no_args_is_help=True)


def _open() -> Service:
    """The service layer, which owns the database; these commands only print what it returns."""
    from docai.service import Service

    return Service(build_options())


def _when(dt: Any) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M:%S") if dt is not None else ""


def _secs(value: float | None) -> str:
    return f"{value:.2f}s" if value is not None else ""


def _console() -> Any:
    from rich.console import Console

    return Console(soft_wrap=False)


def _run_summary(run: RunRecord) -> dict[str, Any]:
    d = run.to_dict()
    d.pop("extraction")
    d["data"] = run.extraction.data if run.extraction else None
    return d


def history(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="How many runs, newest first."),
    schema: str = typer.Option(None, "--schema", help="Only runs of this schema (name or hash prefix)."),
    status: str = typer.Option(None, "--status", help="running, ok, partial, invalid or failed."),
    query: str = typer.Option(None, "--query", help="Only files whose name contains this text."),
    answers: bool = typer.Option(False, "--answers", help="List stored answers (docai ask) instead."),
) -> None:
    """List extraction runs (or, with --answers, answers to questions), newest first."""
    if answers:
        from docai.cli.answer_views import print_answer_list

        with _open() as service:
            print_answer_list(service.db.list_answers(limit=limit), as_json)
        return
    with _open() as service:
        runs = service.history(limit=limit, schema=schema, status=status, query=query)
    if as_json:
        print_json([_run_summary(r) for r in runs])
        return
    if not runs:
        info("no runs found")
        return
    from rich.table import Table

    table = Table("id", "started", "file", "schema", "engine", "status", "time", "fields")
    for r in runs:
        data = r.extraction.data if r.extraction else {}
        filled = sum(1 for v in data.values() if v not in (None, "", [], {}))
        engine = f"{r.engine}/{r.model}" if r.model else r.engine
        schema_label = r.schema_name or r.schema_hash[:12]
        fields = f"{filled}/{len(data)}" if data else ""
        table.add_row(
            str(r.id),
            _when(r.started_at),
            r.file_name,
            schema_label,
            engine,
            r.status,
            _secs(r.duration_s),
            fields,
        )
    _console().print(table)


def show(
    run_id: int = typer.Argument(None, help="A run id from `docai history`."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole run as JSON."),
    answer: int = typer.Option(None, "--answer", help="Show this answer (`docai history --answers`)."),
) -> None:
    """One run: data, evidence, reasoning, errors and timings; or one stored answer with --answer."""
    if answer is not None or run_id is None:
        _show_answer(answer, as_json)
        return
    with _open() as service:
        run = service.get_run(run_id)
    if run is None:
        raise InputError(f"no run with id {run_id}")
    if as_json:
        print_json(run.to_dict())
        return
    out = sys.stdout
    out.write(f"run {run.id}: {run.file_name} ({run.sha256[:12]})\n")
    out.write(f"schema: {run.schema_name or '-'} ({run.schema_hash[:12]})  engine: {run.engine}")
    out.write(f"  model: {run.model or '-'}\n")
    out.write(f"status: {run.status}  started: {_when(run.started_at)}  finished: {_when(run.finished_at)}")
    out.write(f"  duration: {_secs(run.duration_s) or '-'}\n")
    if run.usage:
        out.write("usage: " + ", ".join(f"{k}={v}" for k, v in run.usage.items()) + "\n")
    if run.error:
        out.write(f"error: {run.error}\n")
    ext = run.extraction
    if ext is None:
        return
    out.write("data:\n" + json.dumps(ext.data, ensure_ascii=False, indent=2) + "\n")
    if ext.evidence:
        from rich.table import Table

        table = Table("field", "page", "bbox", "text", "conf", "grounded", "failed checks", title="evidence")
        for path, ev in ext.evidence.items():
            bbox = ", ".join(f"{v:.0f}" for v in ev.bbox) if ev.bbox else ""
            conf = f"{ev.confidence:.2f}" if ev.confidence is not None else ""
            rep = ext.fields.get(path)
            grounded = "" if rep is None or rep.grounded is None else ("yes" if rep.grounded else "no")
            failed = "; ".join(c.reason or c.name for c in rep.failed_checks) if rep else ""
            table.add_row(path, str(ev.page_no or ""), bbox, ev.text, conf, grounded, failed)
        _console().print(table)
    for line in ext.review:
        out.write(f"review: {line}\n")
    for label, items in (("errors", ext.errors), ("notes", ext.notes)):
        for item in items:
            out.write(f"{label[:-1]}: {item}\n")
    if ext.reasoning:
        out.write("reasoning:\n" + ext.reasoning.strip() + "\n")


def _show_answer(answer_id: int | None, as_json: bool) -> None:
    from docai.cli.answer_views import answer_json, print_answer

    if answer_id is None:
        raise OptionError("give a run id, or --answer ID for a stored answer")
    with _open() as service:
        record = service.db.get_answer(answer_id)
    if as_json:
        print_json(answer_json(record))
    else:
        print_answer(record)


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    schema: str = typer.Option(None, "--schema", help="Schema name or hash prefix whose runs to export."),
    fmt: str = typer.Option(None, "--format", "-f", help="csv, jsonl, parquet or xlsx (default: from -o)."),
    all_runs: bool = typer.Option(False, "--all-runs", help="Every run, not just each document's latest."),
    answers: bool = typer.Option(False, "--answers", help="Export the stored answers instead of runs."),
) -> None:
    """Export a schema's results as a table (arrays of objects go to a second `items` table), or with
    --answers every stored answer with its cited and also-retrieved pages."""
    fmt = (fmt or output.suffix.lstrip(".")).lower()
    if answers:
        from docai.storage.export_answers import export_answers

        with _open() as service:
            written = export_answers(service.db.list_answers(limit=0), fmt, output)
        sys.stdout.write(f"{written[0]}\n")
        return
    if not schema:
        raise OptionError("give --schema NAME (whose runs to export) or --answers")
    with _open() as service:
        written = service.export(schema, fmt, output, all_runs=all_runs)
    for p in written:
        sys.stdout.write(f"{p}\n")


@schemas_app.command("list")
def schemas_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every stored schema version (a name means its newest)."""
    with _open() as service:
        infos = service.list_schemas()
    if as_json:
        print_json([{**i.__dict__, "created_at": i.created_at.isoformat()} for i in infos])
        return
    if not infos:
        info("no schemas saved")
        return
    from rich.table import Table

    table = Table("name", "hash", "saved", "fields")
    for i in infos:
        table.add_row(i.name or "-", i.hash[:12], _when(i.created_at), ", ".join(i.field_names))
    _console().print(table)


@schemas_app.command("show")
def schemas_show(name: str = typer.Argument(..., help="Name, hash or hash prefix.")) -> None:
    """Print a stored schema as JSON."""
    with _open() as service:
        schema = service.get_schema(name)
    if schema is None:
        raise InputError(f"no schema named {name!r}")
    print_json(schema)


@schemas_app.command("save")
def schemas_save(
    name: Annotated[str, typer.Argument(help="Name to save it under.")],
    file: Annotated[Path, typer.Argument(help="A JSON Schema file (an object with `properties`).")],
) -> None:
    """Save a JSON Schema file under a name (the name then means this version)."""
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    with _open() as service:
        saved = service.save_schema(name, file)
    info(f"saved schema {name!r} ({saved.hash[:12]}, {len(saved.schema['properties'])} fields)")


@schemas_app.command("rm")
def schemas_rm(name: str = typer.Argument(..., help="The schema name to forget.")) -> None:
    """Forget a schema name (versions still used by runs are kept, unnamed)."""
    with _open() as service:
        removed = service.delete_schema(name)
    info(f"removed schema {name!r} ({removed} unused version(s) deleted)")


def rm(
    ref: str = typer.Argument(..., help="A document's sha256 prefix (6+ characters) or file name."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a document with its pages, runs, results, evidence and answers."""
    with _open() as service:
        doc = service.get_document(ref)
        if not yes:
            if not sys.stdin.isatty():
                raise InputError("not deleting without confirmation: add --yes")
            names = ", ".join(doc.names)
            if not typer.confirm(f"delete {names} ({doc.sha256[:12]}) and all its runs?"):
                info("nothing deleted")
                return
        count = service.delete_document(doc.sha256)
    info(f"deleted {count} document ({doc.sha256[:12]})")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending database migrations (opening the database does this too)."""
    from docai.storage import default_database_url
    from docai.storage.connection import make_engine, to_url
    from docai.storage.migrate import current_revision, head_revision, upgrade

    target = build_options().db
    engine = make_engine(to_url(target) if target else default_database_url())
    try:
        before = current_revision(engine)
        after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        info(f"database already at revision {after} (head {head_revision()})")
    else:
        info(f"database upgraded from {before or 'empty'} to {after}")


@db_app.command("path")
def db_path() -> None:
    """Where the database is (password masked)."""
    from docai.storage import default_database_url
    from docai.storage.connection import parse_url, sqlite_file, to_url

    target = build_options().db
    url = parse_url(to_url(target) if target else default_database_url())
    path = sqlite_file(url)
    sys.stdout.write(f"{path if path is not None else url.render_as_string(hide_password=True)}\n")


def register(app: typer.Typer) -> None:
    app.command("history")(history)
    app.command("show")(show)
    app.command("export")(export)
    app.command("rm")(rm)
    app.add_typer(schemas_app, name="schemas")
    app.add_typer(db_app, name="db")
