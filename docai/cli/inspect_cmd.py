"""`docai inspect FILE...`: what docai sees in documents, page by page, without running an engine."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from docai.cli import flags
from docai.cli.common import build_options, print_json
from docai.errors import DocaiError
from docai.option_checks import check_options
from docai.options import IngestOptions

_log = logging.getLogger(__name__)


def _print_human(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    head = (
        f"[bold]{report['path']}[/bold]  {report['mime']}  {report['page_count']} pages"
        f"  {'encrypted' if report['encrypted'] else 'not encrypted'}  sha256 {report['sha256'][:16]}…"
    )
    table = Table(title=head, title_justify="left", show_edge=False)
    for col in ("page", "size (pt)", "rot", "text", "words", "dpi", "grid", "overview", "tokens"):
        table.add_column(col, justify="right" if col not in ("text", "grid") else "left")
    for r in report["pages"]:
        grid = f"{r['grid'][0]}x{r['grid'][1]}" if r["grid"] else "-"
        table.add_row(
            str(r["page"]),
            f"{r['width_pt']:.0f}x{r['height_pt']:.0f}",
            str(r["rotation"]),
            r["text_source"],
            str(r["words"]),
            f"{r['render_dpi']:.0f}",
            grid,
            f"{r['overview'][0]}x{r['overview'][1]}",
            str(r["tokens"]),
        )
    console.print(table)
    console.print(f"  total image tokens: {report['tokens']}")


@flags.with_option_flags(IngestOptions)
def inspect(
    files: Annotated[list[Path], typer.Argument(help="PDFs or images to inspect.")],
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    *,
    options: dict[str, Any],
) -> None:
    """Page count, hash, encryption, and per page: size, text source, words, slice grid, tokens."""
    from docai.parsers.summary import summarize_document

    opts = build_options(**options)
    check_options(opts)  # --pages abc, --lang klingon: one usage error, not one per file
    reports: list[dict[str, Any]] = []
    failed: DocaiError | None = None
    for f in files:
        try:
            report = summarize_document(f, opts)
        except DocaiError as e:
            failed = e
            sys.stderr.write(f"docai: error: {e}\n")
            reports.append({"path": str(f), "ok": False, "error": str(e)})
            continue
        if as_json:
            reports.append(report)
        else:
            _print_human(report)
    if as_json:
        print_json({"documents": reports, "failed": sum(1 for r in reports if not r["ok"])})
    if failed is not None:
        raise typer.Exit(failed.exit_code)


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
