"""`docai extract`, `docai ask`, `docai batch`: parse flags, call the service, print."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from docai.cli import exit_codes, flags
from docai.cli.common import STATE, build_options, info, print_json
from docai.errors import InputError, SchemaError
from docai.option_checks import check_out_path
from docai.options import (
    BatchOptions,
    IngestOptions,
    OpenAIOptions,
    RunOptions,
    TransformersOptions,
    VerifyOptions,
)

if TYPE_CHECKING:
    from docai.file_result import BatchSummary, FileResult
    from docai.service import Service


# Which options each command has a flag for (every one is also reachable by --set KEY=VALUE).
_ENGINE_GROUPS = (RunOptions, IngestOptions, OpenAIOptions, TransformersOptions)
EXTRACT_OPTIONS = (*_ENGINE_GROUPS, VerifyOptions)
ASK_OPTIONS = _ENGINE_GROUPS
BATCH_OPTIONS = (*_ENGINE_GROUPS, VerifyOptions, BatchOptions)


def _service(options: dict[str, Any]) -> Service:
    """A service whose options are config + env, overridden by the options the user gave."""
    from docai.service import Service

    return Service(build_options(**options))


def _schema_spec(schema: str | None, fields: str | None) -> str:
    if schema and fields:
        raise SchemaError("give either --schema or --fields, not both")
    if fields:
        return "fields:" + fields
    if not schema:
        raise SchemaError("no schema: give --schema FILE|NAME or --fields")
    return schema


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else k))
    elif isinstance(value, list):
        out[prefix] = json.dumps(value, ensure_ascii=False)
    else:
        out[prefix] = value
    return out


def format_results(results: list[FileResult], fmt: str, data_only: bool) -> str:
    """Results as json (one object, or a list for several files), jsonl, or csv (one row per file)."""
    objs = [r.data if data_only else r.to_json() for r in results]
    if fmt == "json":
        return (
            json.dumps(objs[0] if len(objs) == 1 else objs, ensure_ascii=False, indent=2, default=str) + "\n"
        )
    if fmt == "jsonl":
        return "".join(json.dumps(o, ensure_ascii=False, default=str) + "\n" for o in objs)
    rows = []
    for r in results:
        row = (
            {} if data_only else {"file": r.file, "sha256": r.sha256, "run_id": r.run_id, "status": r.status}
        )
        row.update(_flatten(r.data or {}))
        if not data_only:
            row["error"] = r.error
        rows.append(row)
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


@flags.with_option_flags(*EXTRACT_OPTIONS)
def extract(
    files: Annotated[list[Path], typer.Argument(help="PDFs or images.")],
    schema: flags.Schema = None,
    fields: flags.Fields = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write results to this file.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | jsonl | csv")] = "json",
    data_only: Annotated[bool, typer.Option("--data-only", help="Print only the extracted data.")] = False,
    *,
    options: dict[str, Any],
) -> int:
    """Extract structured data that follows a JSON Schema. Exit 0 only when every file is ok."""
    if fmt not in ("json", "jsonl", "csv"):
        raise typer.BadParameter("must be json, jsonl or csv", param_hint="--format")
    spec = _schema_spec(schema, fields)
    check_out_path(out)
    with _service(options) as service:
        results = service.extract(files, spec)
    text = format_results(results, fmt, data_only)
    if out:
        out.write_text(text, encoding="utf-8")
        info(f"wrote {len(results)} result(s) to {out}")
    else:
        sys.stdout.write(text)
    for r in results:
        if r.status != "ok":
            info(f"{r.file}: {r.status}" + (f": {r.error}" if r.error else ""))
    return exit_codes.for_results(results)


@flags.with_option_flags(*ASK_OPTIONS, exclude=("force",))
def ask(
    args: Annotated[list[str], typer.Argument(help="FILE... QUESTION", metavar="FILE... QUESTION")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    *,
    options: dict[str, Any],
) -> int:
    """Answer a question from one or more documents (one corpus), citing pages."""
    if len(args) < 2:
        raise InputError('give at least one file and a question: docai ask FILE... "QUESTION"')
    *files, question = args
    with _service(options) as service:
        result = service.ask([Path(f) for f in files], question)
    if as_json:
        print_json(result.to_json())
    else:
        a = result.answer
        sys.stdout.write(a.text.strip() + "\n")
        for c in a.citations:
            where = f"{Path(c.document).name} " if c.document and len(files) > 1 else ""
            snippet = " ".join(c.text.split())[:100]
            sys.stdout.write(f"  [{where}p. {c.page_no}] {snippet}\n")
        if a.also_retrieved:
            shown = ", ".join(
                (f"{Path(c.document).name} " if c.document and len(files) > 1 else "") + f"p. {c.page_no}"
                for c in a.also_retrieved
            )
            sys.stdout.write(f"  also retrieved (not cited): {shown}\n")
    return exit_codes.for_answer(result.answer.found)


@flags.with_option_flags(*BATCH_OPTIONS)
def batch(
    folder: Annotated[Path, typer.Argument(help="Folder of documents.")],
    schema: flags.Schema = None,
    fields: flags.Fields = None,
    glob: Annotated[str | None, typer.Option("--glob", help='Which files, e.g. "**/*.pdf".')] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Append results as JSON lines.")] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run files that failed before.")
    ] = False,
    executor: Annotated[str, typer.Option("--executor", help="local (processes here) or ray.")] = "local",
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="Ray cluster address (default: start one here).")
    ] = None,
    *,
    options: dict[str, Any],
) -> int:
    """Extract every document in a folder: progress bar, resumable, one bad file never stops the run."""
    if executor not in ("local", "ray"):
        raise typer.BadParameter("must be local or ray", param_hint="--executor")
    spec = _schema_spec(schema, fields)
    from docai.cli.batch_view import BatchView

    with _service(options) as service:
        with BatchView(enabled=not STATE.quiet) as view:
            summary = service.batch(
                folder,
                spec,
                glob=glob,
                out=out,
                retry_failed=retry_failed,
                on_result=view.on_result,
                progress=view.on_progress,
                executor=executor,
                ray_address=ray_address,
            )
        _print_summary(summary)
    if summary.interrupted:
        info("interrupted: run the same command again to resume")
    return exit_codes.for_batch(summary.counts, summary.interrupted)


def _print_summary(summary: BatchSummary) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{summary.total} files, {summary.pages} pages in {summary.duration_s:.1f} s")
    shown = [
        s
        for s in summary.counts
        if summary.counts[s] or s in ("ok", "review", "partial", "invalid", "failed")
    ]
    for status in shown:
        table.add_column(status, justify="right")
    table.add_row(*(str(summary.counts.get(s, 0)) for s in shown))
    console = Console(stderr=True)
    if not STATE.quiet:
        console.print(table)
    for r in summary.results:
        if r.status == "failed":
            console.print(Text.assemble(("failed ", "red"), f"{r.file}: {r.error}"), highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command()(ask)
    app.command()(batch)
