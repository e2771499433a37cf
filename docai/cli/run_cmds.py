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

if TYPE_CHECKING:
    from docai.file_result import BatchSummary, FileResult
    from docai.service import Service


# Command parameters that are Options fields: each command passes its locals() and only these are read.
_OPTION_FLAGS = (
    "engine", "model", "base_url", "api_key", "server", "think", "pages", "password", "ocr", "lang",
    "rasterizer", "concurrency", "slicing", "max_tokens", "pages_per_request", "max_context", "device",
    "dtype", "load_in_4bit", "workers", "verify_with", "min_confidence",
)  # fmt: skip


def _service(params: dict[str, Any]) -> Service:
    """A service whose options are config + env, overridden by the flags the user gave."""
    from docai.service import Service

    given = {k: params[k] for k in _OPTION_FLAGS if k in params}
    if params.get("force"):
        given["force"] = True
    return Service(build_options(**given))


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


def extract(
    files: Annotated[list[Path], typer.Argument(help="PDFs or images.")],
    schema: flags.Schema = None,
    fields: flags.Fields = None,
    engine: flags.Engine = None,
    model: flags.Model = None,
    base_url: flags.BaseUrl = None,
    api_key: flags.ApiKey = None,
    server: flags.Server = None,
    think: flags.Think = None,
    pages: flags.Pages = None,
    password: flags.Password = None,
    ocr: flags.Ocr = None,
    lang: flags.Lang = None,
    rasterizer: flags.Rasterizer = None,
    concurrency: flags.Concurrency = None,
    slicing: flags.Slicing = None,
    max_tokens: flags.MaxTokens = None,
    pages_per_request: flags.PagesPerRequest = None,
    max_context: flags.MaxContext = None,
    device: flags.Device = None,
    dtype: flags.Dtype = None,
    load_in_4bit: flags.LoadIn4bit = None,
    verify_with: flags.VerifyWith = None,
    min_confidence: flags.MinConfidence = None,
    force: flags.Force = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write results to this file.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | jsonl | csv")] = "json",
    data_only: Annotated[bool, typer.Option("--data-only", help="Print only the extracted data.")] = False,
) -> int:
    """Extract structured data that follows a JSON Schema. Exit 0 only when every file is ok."""
    flags.check_choices(
        ocr=ocr, rasterizer=rasterizer, slicing=slicing, verify_with=verify_with, server=server
    )
    if fmt not in ("json", "jsonl", "csv"):
        raise typer.BadParameter("must be json, jsonl or csv", param_hint="--format")
    spec = _schema_spec(schema, fields)
    check_out_path(out)
    with _service(locals()) as service:
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


def ask(
    args: Annotated[list[str], typer.Argument(help="FILE... QUESTION", metavar="FILE... QUESTION")],
    engine: flags.Engine = None,
    model: flags.Model = None,
    base_url: flags.BaseUrl = None,
    api_key: flags.ApiKey = None,
    server: flags.Server = None,
    think: flags.Think = None,
    pages: flags.Pages = None,
    password: flags.Password = None,
    ocr: flags.Ocr = None,
    lang: flags.Lang = None,
    max_tokens: flags.MaxTokens = None,
    pages_per_request: flags.PagesPerRequest = None,
    max_context: flags.MaxContext = None,
    device: flags.Device = None,
    dtype: flags.Dtype = None,
    load_in_4bit: flags.LoadIn4bit = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> int:
    """Answer a question from one or more documents (one corpus), citing pages."""
    flags.check_choices(ocr=ocr, server=server)
    if len(args) < 2:
        raise InputError('give at least one file and a question: docai ask FILE... "QUESTION"')
    *files, question = args
    with _service(locals()) as service:
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


def batch(
    folder: Annotated[Path, typer.Argument(help="Folder of documents.")],
    schema: flags.Schema = None,
    fields: flags.Fields = None,
    glob: Annotated[str | None, typer.Option("--glob", help='Which files, e.g. "**/*.pdf".')] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", help="Worker processes (CPU engines).")
    ] = None,
    concurrency: flags.Concurrency = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Append results as JSON lines.")] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run files that failed before.")
    ] = False,
    engine: flags.Engine = None,
    model: flags.Model = None,
    base_url: flags.BaseUrl = None,
    api_key: flags.ApiKey = None,
    server: flags.Server = None,
    think: flags.Think = None,
    pages: flags.Pages = None,
    ocr: flags.Ocr = None,
    lang: flags.Lang = None,
    max_tokens: flags.MaxTokens = None,
    pages_per_request: flags.PagesPerRequest = None,
    max_context: flags.MaxContext = None,
    device: flags.Device = None,
    dtype: flags.Dtype = None,
    load_in_4bit: flags.LoadIn4bit = None,
    verify_with: flags.VerifyWith = None,
    min_confidence: flags.MinConfidence = None,
    force: flags.Force = False,
    executor: Annotated[str, typer.Option("--executor", help="local (processes here) or ray.")] = "local",
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="Ray cluster address (default: start one here).")
    ] = None,
) -> int:
    """Extract every document in a folder: progress bar, resumable, one bad file never stops the run."""
    flags.check_choices(ocr=ocr, verify_with=verify_with, server=server)
    if executor not in ("local", "ray"):
        raise typer.BadParameter("must be local or ray", param_hint="--executor")
    if workers is not None and workers < 1:
        raise typer.BadParameter("must be at least 1", param_hint="--workers")
    spec = _schema_spec(schema, fields)
    from docai.cli.batch_view import BatchView

    with _service(locals()) as service:
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
