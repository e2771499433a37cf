"""`docai engines [--json]`: which engines can run here, and why not."""

from __future__ import annotations

import typer

from docai.cli import flags
from docai.cli.common import build_options, print_json


def engines(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    model: flags.Model = None,
    base_url: flags.BaseUrl = None,
    api_key: flags.ApiKey = None,
) -> None:
    """List engines with whether each is usable with the current options (no model is loaded)."""
    from docai.engines import engine_names, engine_status

    options = build_options(model=model, base_url=base_url, api_key=api_key)
    rows = [engine_status(name, options) for name in engine_names()]
    if as_json:
        print_json([{"name": r.name, "usable": r.usable, "why": r.why} for r in rows])
        return
    width = max(len(r.name) for r in rows) if rows else 0
    for r in rows:
        mark = "yes" if r.usable else "no "
        typer.echo(f"{r.name:<{width}}  {mark}  {r.why}")


def register(app: typer.Typer) -> None:
    app.command("engines")(engines)
