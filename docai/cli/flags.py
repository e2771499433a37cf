"""Flags shared by commands (typer Annotated aliases), so every command spells an option the same way.

The flags of options are not written here: `with_option_flags` makes one for every option declared with
a flag in docai/options.py (plus `--set KEY=VALUE` for any option), and `option_flag(name)` is the type
of one such flag for a command that declares its own few.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from docai.option_spec import check_value, coerce, specs_of
from docai.options import option_spec, option_specs


def option_flag(name: str) -> Any:
    """The typer parameter type of the option `name`'s flag (None when not given)."""
    spec = option_specs()[name]
    if spec.flag is None:
        raise TypeError(f"option {name} has no flag (declare flag=True in docai/options.py)")
    return Annotated[spec.kind | None, typer.Option(*spec.flag, help=spec.describe(), show_default=False)]


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Any option by name, e.g. --set semantic=false (repeatable; `docai config options` lists them).",
        show_default=False,
    ),
]


def flagged(*groups: type, exclude: tuple[str, ...] = ()) -> list[str]:
    """Names of the options of `groups` (inherited ones included) that have a flag, in their order."""
    names: list[str] = []
    for group in groups:
        names.extend(n for n, s in specs_of(group).items() if s.flag and n not in names and n not in exclude)
    return names


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """`--set KEY=VALUE` items as typed options (unknown keys and bad values are usage errors)."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r}: give KEY=VALUE", param_hint="--set")
        spec = option_spec(key.strip(), "--set")
        out[spec.name] = coerce(spec, value.strip(), "--set")
    return out


def given_options(values: dict[str, Any], sets: list[str] | None = None) -> dict[str, Any]:
    """The options a command was given: `--set` items, then its flags (not None), each checked against
    its choices and range (OptionError, exit 2, before any work)."""
    given = parse_set(sets)
    given.update({k: v for k, v in values.items() if v is not None})
    for name, value in given.items():
        check_value(option_specs()[name], value)
    return given


def with_option_flags(*groups: type, exclude: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Any]:
    """Give a command a flag for every flagged option of `groups`, and `--set`; the command receives
    the options the user gave as its `options` keyword (a dict, only what was given)."""
    names = flagged(*groups, exclude=exclude)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func, eval_str=True)
        own = [p for n, p in signature.parameters.items() if n != "options"]
        kw = inspect.Parameter.KEYWORD_ONLY
        added = [inspect.Parameter(n, kw, default=None, annotation=option_flag(n)) for n in names]
        added.append(inspect.Parameter("set_options", kw, default=None, annotation=SetOption))

        def command(**kwargs: Any) -> Any:
            values = {n: kwargs.pop(n, None) for n in names}
            options = given_options(values, kwargs.pop("set_options", None))
            return func(**kwargs, options=options)

        params = [*own, *added]
        command.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
            setattr(command, attr, getattr(func, attr))
        return command

    return decorate


# flags of options that commands with only a few of them declare themselves
Engine = option_flag("engine")
Model = option_flag("model")
BaseUrl = option_flag("base_url")
ApiKey = option_flag("api_key")
Lang = option_flag("lang")
Ocr = option_flag("ocr")
Server = option_flag("server")
Think = option_flag("think")
Pages = option_flag("pages")
Password = option_flag("password")
Rasterizer = option_flag("rasterizer")
MaxPages = option_flag("max_pages")
Concurrency = option_flag("concurrency")
Slicing = option_flag("slicing")
MaxTokens = option_flag("max_tokens")
PagesPerRequest = option_flag("pages_per_request")
MaxContext = option_flag("max_context")
Device = option_flag("device")
Dtype = option_flag("dtype")
LoadIn4bit = option_flag("load_in_4bit")
VerifyWith = option_flag("verify_with")
MinConfidence = option_flag("min_confidence")
Force = option_flag("force")
Schema = Annotated[
    str | None,
    typer.Option(
        "--schema", "-s", help="JSON Schema file, JSON text, saved name, or example (invoice, ...)."
    ),
]
Fields = Annotated[
    str | None,
    typer.Option(
        "--fields", help='Shorthand schema: "invoice_number, total number, items list[desc, amount number]"'
    ),
]


def check_choices(**values: Any) -> None:
    """Reject a value outside its option's choices or range with a usage error (exit 2)."""
    given_options(values)


# the eval commands (`docai eval run`, `docai eval reviewed`)
EvalLimit = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Only the first N documents.")]
ReportOut = Annotated[Path | None, typer.Option("--out", "-o", help="Write the full JSON report here.")]
JsonReport = Annotated[bool, typer.Option("--json", help="Print the JSON report instead of tables.")]
