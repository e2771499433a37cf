"""`docai eval`: run an engine over a dataset and score it, compare two reports, say where data lives.

`docai eval DATASET ...` is a shortcut for `docai eval run DATASET ...`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from docai.cli import flags
from docai.cli.common import STATE, build_options, info

_DATASET_HELP = (
    "sroie, invoice2data, kleister-nda, financebench, icdar2013-tables, funsd, or a generic-format folder."
)
_DATA_HELP = "Dataset folder (default: $DOCAI_EVALDATA/NAME, else ../shared/evaldata/NAME)."


class _EvalGroup(TyperGroup):
    """A group whose unknown first word is a dataset: `eval sroie` means `eval run sroie`."""

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["run", *args]
        return super().resolve_command(ctx, args)


eval_app = typer.Typer(
    cls=_EvalGroup,
    help="Score engines on datasets: `docai eval DATASET` (= `eval run DATASET`), compare, fetch, list.",
    no_args_is_help=True,
    add_completion=False,
)


def _console() -> Any:
    from rich.console import Console

    return Console(file=sys.stdout, width=max(100, Console().width))


_LOGGED: dict[str, Any] = {}
_STARTED = time.perf_counter()  # progress lines count from the command's start


def _progress(stage: str, done: int, total: int) -> None:
    """A redrawn counter on a terminal; elsewhere (a pipe, a log file) a line every 10 items."""
    if STATE.quiet:
        return
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{stage}: {done}/{total}" + ("\n" if done == total else ""))
        sys.stderr.flush()
        return
    from docai.progress import ProgressLog

    log = _LOGGED.get(stage)
    if log is None or log.total != total or done <= log.done:
        log = _LOGGED[stage] = ProgressLog(
            f"eval {stage}", total, "items", every=10, seconds=60.0, started=_STARTED
        )
    log.step(done - log.done)


@eval_app.command("run")
def run_cmd(
    dataset: Annotated[str, typer.Argument(help=_DATASET_HELP)],
    data: Annotated[Path | None, typer.Option("--data", help=_DATA_HELP)] = None,
    engine: flags.Engine = None,
    model: flags.Model = None,
    base_url: flags.BaseUrl = None,
    api_key: flags.ApiKey = None,
    limit: flags.EvalLimit = None,
    out: flags.ReportOut = None,
    part: Annotated[
        str | None,
        typer.Option("--part", help="even|odd: one half by crc32 of question id or file name."),
    ] = None,
    lang: flags.Lang = None,
    ocr: flags.Ocr = None,
    worst: Annotated[int, typer.Option("--worst", help="How many worst documents to show.")] = 5,
    as_json: flags.JsonReport = False,
) -> None:
    """Run an engine over DATASET and print per-field and overall scores."""
    from docai.evals.datasets import load_dataset
    from docai.evals.report import render_report
    from docai.evals.runner import run_eval

    flags.check_choices(ocr=ocr)
    options = build_options(
        engine=engine, model=model, base_url=base_url, api_key=api_key, lang=lang, ocr=ocr
    )
    ds = load_dataset(dataset, data).part(part)
    info(
        f"{ds.name}: {len(ds.docs)} documents, {len(ds.questions)} questions, {len(ds.tables)} tables"
        + (f" (first {limit} documents)" if limit else "")
    )
    report = run_eval(ds, options, limit=limit, progress=_progress)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        info(f"report written to {out}")
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        render_report(report, _console(), worst=worst)


@eval_app.command("compare")
def compare_cmd(
    a: Annotated[Path, typer.Argument(help="Baseline report (JSON from `docai eval --out`).")],
    b: Annotated[Path, typer.Argument(help="New report.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Per-field deltas between two reports, and documents that got better or worse."""
    from docai.evals.report import compare_reports, load_report, render_compare

    cmp = compare_reports(load_report(a), load_report(b))
    if as_json:
        sys.stdout.write(json.dumps(cmp, indent=2, ensure_ascii=False) + "\n")
    else:
        render_compare(cmp, _console())


@eval_app.command("fetch")
def fetch_cmd(name: Annotated[str, typer.Argument(help="Dataset name, or all.")] = "all") -> None:
    """Say where to get a public dataset and under which licence (downloads nothing)."""
    from docai.errors import InputError
    from docai.evals.datasets import ALIASES
    from docai.evals.datasets.sources import SOURCES, describe

    key = ALIASES.get(name.lower(), name.lower())
    if key != "all" and key not in SOURCES:
        raise InputError(f"unknown dataset {name!r} (known: {', '.join(SOURCES)})")
    for n in SOURCES if key == "all" else [key]:
        sys.stdout.write(describe(n))
    sys.stdout.write("docai downloads nothing: put the files in a folder and pass --data PATH.\n")


@eval_app.command("list")
def list_cmd() -> None:
    """Known datasets and whether their default folder is here."""
    from docai.evals.datasets import DATASET_NAMES, default_data_path

    for name in DATASET_NAMES:
        path = default_data_path(name)
        state = "present" if path.is_dir() else "missing"
        sys.stdout.write(f"{name:18} {state:8} {path}\n")


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")
