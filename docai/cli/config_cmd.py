"""`docai config show|path|options`: the options in force, where they come from, and every option there is."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from docai.cli.common import build_options, print_json
from docai.options import SECTIONS, config_path, option_specs

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


def option_rows() -> list[dict[str, Any]]:
    """Every option: its config key and section, default, choices, flag, variables, help, cache role."""
    section_of = {cls.__name__: name for name, cls in SECTIONS.items()}
    return [
        {
            "key": s.name,
            "section": section_of.get(s.group, s.group),
            "type": s.kind.__name__ + (" | None" if s.optional else ""),
            "default": s.default,
            "choices": list(s.choices) if s.choices else None,
            "flag": s.flag[0] if s.flag else f"--set {s.name}=...",
            "env": list(s.env),
            "help": s.describe(),
            "changes_results": not s.neutral,
        }
        for s in option_specs().values()
    ]


@config_app.command("options")
def options(
    as_json: Annotated[bool, typer.Option("--json", help="Print them as JSON.")] = False,
) -> None:
    """Every option: config key (top level or under its [section]), flag, DOCAI_* variable, default."""
    rows = sorted(option_rows(), key=lambda r: (list(SECTIONS).index(r["section"]), r["key"]))
    if as_json:
        print_json(rows)
        return
    for r in rows:
        default = "none" if r["default"] is None else repr(r["default"])
        typer.echo(f"[{r['section']}] {r['key']} = {default}  ({r['flag']}, {r['env'][0]})")
        typer.echo(f"    {r['help']}")


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
