"""Shared bits of the CLI: global state, building Options from flags, printing."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from docai.options import Options, load_options


@dataclass
class CliState:
    verbose: int = 0
    quiet: bool = False
    db: str | None = None


STATE = CliState()


def build_options(**flags: Any) -> Options:
    """Options from config + env, then the flags the user actually gave (None = not given)."""
    if STATE.db is not None and flags.get("db") is None:
        flags["db"] = STATE.db
    return load_options(flags)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def info(message: str) -> None:
    """A human message on stderr (suppressed by --quiet)."""
    if not STATE.quiet:
        sys.stderr.write(message + "\n")
