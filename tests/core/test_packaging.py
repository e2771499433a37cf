"""pyproject's explicit package list must name every package folder, or a wheel would miss modules."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _on_disk() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    names = set()
    for package, folder in config["package-dir"].items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            rel = init.parent.relative_to(base)
            if "migrations" in rel.parts:
                continue  # shipped as package data for Alembic
            names.add(".".join([package, *rel.parts]) if rel.parts else package)
    return names


def test_every_package_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    missing = _on_disk() - listed
    assert not missing, f"add to [tool.setuptools] packages: {sorted(missing)}"
