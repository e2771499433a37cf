"""`docai config show|path`: the options in force and where they come from."""

from __future__ import annotations

import typer

from docai.cli.common import build_options, print_json
from docai.options import config_path

config_app = typer.Typer(help="Show configuration (config file, DOCAI_* variables).", no_args_is_help=True)


@config_app.command("show")
def show() -> None:
    """The options in force after config file and environment (secrets masked)."""
    opts = build_options()
    print_json({"config_file": str(config_path()), "options": opts.public_dict()})


@config_app.command("path")
def path() -> None:
    """Where the config file is read from."""
    typer.echo(str(config_path()))


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
