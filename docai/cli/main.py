"""The `docai` command: parse arguments, call the service layer, print. No business logic here."""

from __future__ import annotations

import logging
import os
import sys
from importlib import import_module

import typer

from docai import __version__
from docai.cli import param_coercion, process_exit
from docai.cli.common import STATE
from docai.errors import DocaiError

param_coercion.install()  # typer's pydantic adapters only for values that need them (cold start)
Exit, Abort = typer.Exit, typer.Abort
try:  # typer >= 0.20 ships its own copy of click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer on plain click
    from click.exceptions import ClickException

app = typer.Typer(
    name="docai",
    help="Structured data and cited answers from PDFs and scans.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Each module adds its commands with register(app); modules import heavy libraries only inside commands.
_COMMAND_MODULES = (
    "docai.cli.inspect_cmd",
    "docai.cli.run_cmds",
    "docai.cli.store_cmds",
    "docai.cli.engines_cmd",
    "docai.cli.config_cmd",
    "docai.cli.eval_cmd",
    "docai.cli.ui_cmd",
    "docai.cli.review_cmds",
    "docai.cli.serve_cmds",
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"docai {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More logging (-vv for debug)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only results and errors."),
    db: str = typer.Option(None, "--db", help="Database file or SQLAlchemy URL (default: $DOCAI_DB)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show version."),
) -> None:
    STATE.verbose, STATE.quiet, STATE.db = verbose, quiet, db
    process_exit.command(ctx.invoked_subcommand)
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    if quiet:
        level = logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


for _name in _COMMAND_MODULES:
    try:
        _module = import_module(_name)
    except ModuleNotFoundError as _e:
        if _e.name != _name:
            raise
        continue
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: DocaiErrors become one line on stderr and their exit code, never a traceback.

    Run as the process's entry point (`argv` None), a one-shot command then ends the process without
    the interpreter's teardown once its outputs are flushed (docai/cli/process_exit.py)."""
    if argv is None:
        process_exit.arm()
    code = _run(argv)
    process_exit.returned(code)
    return code


def _run(argv: list[str] | None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        result = app(args=argv, prog_name="docai", standalone_mode=False)
    except Exit as e:
        return e.exit_code
    except Abort:
        sys.stderr.write("docai: interrupted\n")
        return 130
    except ClickException as e:
        e.show()
        return e.exit_code
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except DocaiError as e:
        sys.stderr.write(f"docai: error: {e}\n")
        return e.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("docai: interrupted\n")
        return 130
    except Exception as e:  # a bug: still one line unless -vv asks for the traceback
        if STATE.verbose >= 2:
            raise
        sys.stderr.write(f"docai: internal error: {type(e).__name__}: {e} (run with -vv for details)\n")
        return 70
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
