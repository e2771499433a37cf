"""How one option is declared: `opt(default, help, ...)` on a dataclass field, read back as an `OptionSpec`.

Everything that reaches options (CLI flags, `--set KEY=VALUE`, the config file, `DOCAI_*` variables, the
HTTP API, the cache key, `docai config options`) reads these specs, so a new option is one `opt(...)` line
in the class of the stage or engine it belongs to.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import types
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from docai.errors import OptionError

_META = "docai.option"
FlagDecl = bool | str | tuple[str, ...]


@dataclass(frozen=True)
class _Declared:
    help: str
    flag: FlagDecl
    neutral: bool
    secret: bool
    per_call: bool
    at_least: float | None
    at_most: float | None
    env: tuple[str, ...]


def opt(
    default: Any,
    help: str,
    *,
    flag: FlagDecl = False,
    neutral: bool = False,
    secret: bool = False,
    per_call: bool = False,
    at_least: float | None = None,
    at_most: float | None = None,
    env: tuple[str, ...] = (),
) -> Any:
    """One option. `flag`: True for `--name` (`--name/--no-name` for a bool), or the flag's own
    declarations; without one the option is reached by `--set name=value`. `neutral`: the option cannot
    change a result (left out of the cache key). `per_call`: differs per call, not per engine instance.
    `env`: variable names besides `DOCAI_NAME`."""
    declared = _Declared(help, flag, neutral, secret, per_call, at_least, at_most, env)
    return field(default=default, metadata={_META: declared})


@dataclass(frozen=True)
class OptionSpec:
    """One option as every reader sees it."""

    name: str
    group: str
    """The class that declares it (IngestOptions, OpenAIOptions, ...)."""
    default: Any
    kind: type
    """bool, int, float or str."""
    optional: bool
    choices: tuple[str, ...] | None
    help: str
    flag: tuple[str, ...] | None
    neutral: bool
    secret: bool
    per_call: bool
    at_least: float | None
    at_most: float | None
    env: tuple[str, ...]

    def describe(self) -> str:
        """The help text, with the choices when there are some."""
        return f"{self.help}: {' | '.join(self.choices)}." if self.choices else self.help

    @property
    def flag_name(self) -> str:
        """How messages name it: its long flag, else `--set NAME`."""
        return self.flag[0].split("/")[0] if self.flag else f"--set {self.name}"


def _kind(hint: Any) -> tuple[type, bool, tuple[str, ...] | None]:
    """(base type, None allowed, choices) of an annotation like `int`, `str | None`, `Literal[...]`."""
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        kind, _, choices = _kind(rest[0])
        return kind, True, choices
    if origin is Literal:
        return type(args[0]), False, tuple(str(a) for a in args)
    return hint, False, None


def _flag_decls(name: str, kind: type, flag: FlagDecl) -> tuple[str, ...] | None:
    if flag is False:
        return None
    if flag is True:
        long = "--" + name.replace("_", "-")
        return (f"{long}/--no-{long[2:]}",) if kind is bool else (long,)
    return (flag,) if isinstance(flag, str) else tuple(flag)


def _declaring_class(cls: type, name: str) -> str:
    for klass in cls.__mro__:
        if name in inspect.get_annotations(klass):
            return klass.__name__
    return cls.__name__


@cache
def specs_of(cls: type) -> dict[str, OptionSpec]:
    """Every option of a dataclass of options, by name, in declaration order."""
    hints = typing.get_type_hints(cls)
    out: dict[str, OptionSpec] = {}
    for f in dataclasses.fields(cls):
        d = f.metadata.get(_META)
        if d is None:
            raise TypeError(f"{cls.__name__}.{f.name} is not declared with opt()")
        kind, optional, choices = _kind(hints[f.name])
        out[f.name] = OptionSpec(
            f.name, _declaring_class(cls, f.name), f.default, kind, optional, choices, d.help,
            _flag_decls(f.name, kind, d.flag), d.neutral, d.secret, d.per_call, d.at_least, d.at_most,
            ("DOCAI_" + f.name.upper(), *d.env),
        )  # fmt: skip
    return out


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def coerce(spec: OptionSpec, value: Any, source: str) -> Any:
    """`value` (from a flag, a config file, a variable or a caller) as the option's type, or OptionError."""
    where = f"option {spec.name} in {source}"
    if value is None:
        if spec.optional:
            return None
        raise OptionError(f"{where} cannot be empty")
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    typed = _PARSERS[spec.kind](value)
    if typed is None:
        raise OptionError(f"{where} must be {_WANTED[spec.kind]}, not {value!r}")
    return typed


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    low = value.strip().lower() if isinstance(value, str) else None
    return True if low in _TRUE else False if low in _FALSE else None


def _as_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


def _as_float(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


_PARSERS = {bool: _as_bool, int: _as_int, float: _as_float, str: _as_str}
_WANTED = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def check_value(spec: OptionSpec, value: Any) -> None:
    """OptionError if `value` is outside the option's choices or range (None passes where allowed)."""
    if value is None:
        return
    if spec.choices and str(value) not in spec.choices:
        raise OptionError(f"{spec.flag_name} must be one of {', '.join(spec.choices)}, not {value!r}")
    label = spec.flag_name.removeprefix("--set ").removeprefix("--")
    if spec.at_least is not None and value < spec.at_least:
        raise OptionError(f"{label} must be at least {_num(spec.at_least)}")
    if spec.at_most is not None and value > spec.at_most:
        raise OptionError(f"{label} must be at most {_num(spec.at_most)}")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
