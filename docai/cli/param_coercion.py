"""Typer's parameter coercion, without pydantic for the plain values docai's commands take.

typer 0.2x coerces every value through a pydantic TypeAdapter that it builds for every parameter of the
command being run, given or not: on a cold one-page `docai extract` (33 parameters) that is about a
quarter of a second, pydantic's import included. `install()` makes that lazy: a parameter's adapter is
built only when a value needs it, and a value whose coercion is the identity or plain (a str for a str
parameter, an int or a string of digits for an unbounded int one, a non-empty str for a plain Path,
lists of those) skips it.
Everything else goes through typer's own coercion, unchanged. tests/cli/test_param_coercion.py checks,
parameter by parameter of docai's commands, that both give the same values and the same errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

try:  # typer >= 0.2x with pydantic coercion; another typer keeps its own
    from typer import core as _typer_core
    from typer._coercion import RuntimeParam, TypeDescriptor
    from typer._coercion import build_runtime_param as _typer_runtime_param
    from typer._param_types import coerce_cli_path, routes_to_path
except ImportError:  # pragma: no cover - depends on the installed typer
    _typer_core = None

SLOW = object()  # this value needs typer's own coercion
_DIGITS = re.compile(r"[0-9]{1,18}")
"""An int option's text that needs no pydantic: ASCII digits only (no sign, space or underscore), short
enough that no size rule can apply."""


def _plain(info: Any) -> bool:
    """No parser, range or clamp: typer's adapter for int, float and str is then the identity on them."""
    return info.parser is None and info.min is None and info.max is None and not info.clamp


def _leaf(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    """The coerced value when it can be had without pydantic, else SLOW."""
    if not _plain(info):
        return SLOW
    if annotation in (str, int, float) and type(value) is annotation:
        return value
    if annotation is int and type(value) is str and _DIGITS.fullmatch(value):
        return int(value)  # a plain decimal from the command line (`--workers 2`): pydantic gives the same
    if annotation is Path and routes_to_path(annotation, info) and info.path_type in (None, Path):
        if type(value) is str and value:
            value = Path(value)  # what pydantic's Path validator gives for a non-empty str
        if isinstance(value, Path):
            return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)
    return SLOW


def fast_value(descriptor: Any, value: Any, param: Any = None, ctx: Any = None) -> Any:
    """`value` coerced for `descriptor` without pydantic, or SLOW (also for any file parameter)."""
    if descriptor.file_annotation is not None:
        return SLOW
    annotation, info = descriptor.annotation, descriptor.parameter_info
    if get_origin(annotation) is list:
        (item_type,) = get_args(annotation) or (Any,)
        items = value if isinstance(value, (list, tuple)) else [value]
        out = [_leaf(item_type, info, item, param, ctx) for item in items]
        return SLOW if any(v is SLOW for v in out) else out
    return _leaf(annotation, info, value, param, ctx)


if _typer_core is not None:

    @dataclass(frozen=True)
    class LazyRuntimeParam(RuntimeParam):
        """typer's RuntimeParam, built at the first value that needs it."""

        descriptor: TypeDescriptor
        built: list[RuntimeParam] = field(default_factory=list, compare=False)

        def typer_param(self) -> RuntimeParam:
            if not self.built:
                self.built.append(_typer_runtime_param(self.descriptor))
            return self.built[0]

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            fast = fast_value(self.descriptor, value, param, ctx)
            if fast is not SLOW:
                return fast
            return self.typer_param()._coerce_value(value, param=param, ctx=ctx)

    def _lazy_runtime_param(descriptor: TypeDescriptor) -> RuntimeParam:
        return LazyRuntimeParam(descriptor.parameter_info, descriptor.annotation, descriptor)


def install() -> bool:
    """Route typer's parameter coercion through LazyRuntimeParam (False where typer is another shape)."""
    if _typer_core is None:
        return False
    current = _typer_core.build_runtime_param
    if current is _lazy_runtime_param:
        return True
    if current is not _typer_runtime_param:  # replaced by something else: leave it be
        return False
    _typer_core.build_runtime_param = _lazy_runtime_param
    return True
