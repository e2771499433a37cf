"""Reading and writing a dotted field path ('vendor.name') in the nested data being filled."""

from __future__ import annotations

from typing import Any


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    d = data
    for p in parts[:-1]:
        d = d.setdefault(p, {})
    d[parts[-1]] = value


def get_path(data: dict[str, Any], path: str) -> Any:
    d: Any = data
    for p in path.split("."):
        if not isinstance(d, dict):
            return None
        d = d.get(p)
    return d
