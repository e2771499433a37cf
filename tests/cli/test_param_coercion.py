"""docai.cli.param_coercion gives, for every parameter of every docai command, the value or the error
that typer's own (pydantic) coercion gives; it takes the cheap path where it claims to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer._coercion import build_runtime_param

from docai.cli import param_coercion
from docai.cli.main import app

SAMPLES: tuple[Any, ...] = (
    "abc", "", " 12 ", "12", "1.5", "-3", "~/x.pdf", "a/../b.pdf", "-", "true", 0, 7, -2, 2.5, True,
    Path("x.pdf"), ("a.pdf", "b.pdf"), ["3", "x"], (), "007", "+4", "1_000", "2 ", "\u0663",
    "99999999999999999999", "123456789012345678",
)  # fmt: skip


def _params() -> list[tuple[str, Any, Any]]:
    """(command name, its click context, parameter) for every typer parameter of docai."""
    root = typer.main.get_command(app)
    found = []
    with root.make_context("docai", ["--help"], resilient_parsing=True) as root_ctx:
        for name, cmd in [("docai", root), *sorted(root.commands.items())]:
            subs = getattr(cmd, "commands", None)
            cmds = [(f"{name} {s}", c) for s, c in sorted(subs.items())] if subs and name != "docai" else []
            for label, c in [(name, cmd), *cmds]:
                ctx = typer.Context(c, parent=root_ctx, info_name=label)
                found += [(label, ctx, p) for p in c.params if hasattr(p, "type_descriptor")]
    return found


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        out = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as e:  # the comparison is of the error a user would see
        return "error", (type(e).__name__, str(e))
    return "value", (type(out).__name__, out if not isinstance(out, list) else [(type(v), v) for v in out])


def test_same_values_and_errors_as_typer() -> None:
    params = _params()
    assert len(params) > 100  # every command's parameters were found
    fast_taken = 0
    for label, ctx, param in params:
        desc = param.type_descriptor
        ours = param_coercion.LazyRuntimeParam(desc.parameter_info, desc.annotation, desc)
        theirs = build_runtime_param(desc)
        for value in SAMPLES:
            expected = _outcome(theirs, value, param, ctx)
            assert _outcome(ours, value, param, ctx) == expected, (label, param.name, value)
            if param_coercion.fast_value(desc, value, param, ctx) is not param_coercion.SLOW:
                fast_taken += 1
    assert fast_taken > len(params)  # the cheap path is really used (str, int, Path, lists)


def test_install_is_idempotent_and_active() -> None:
    assert param_coercion.install() is True
    assert param_coercion.install() is True
    assert typer.core.build_runtime_param is not build_runtime_param


@pytest.mark.parametrize("value", ["x.pdf", Path("x.pdf")])
def test_plain_path_needs_no_adapter(value: Any) -> None:
    param = next(p for label, _, p in _params() if label == "extract" and p.name == "files")
    lazy = param_coercion.LazyRuntimeParam(
        param.type_descriptor.parameter_info, param.type_descriptor.annotation, param.type_descriptor
    )
    assert lazy._coerce_value((value,), param=param, ctx=None) == [Path("x.pdf")]
    assert lazy.built == []  # typer's adapter was never built


def test_int_from_the_command_line_needs_no_adapter() -> None:
    """`docai batch --workers 2`: the digits become an int without pydantic (0.1 s of a cold start)."""
    param = next(p for label, _, p in _params() if label == "batch" and p.name == "workers")
    desc = param.type_descriptor
    lazy = param_coercion.LazyRuntimeParam(desc.parameter_info, desc.annotation, desc)
    assert lazy._coerce_value("2", param=param, ctx=None) == 2
    assert lazy.built == []
    lazy._coerce_value("+2", param=param, ctx=None)  # anything else is typer's
    assert lazy.built != []
