"""No function in docai's packages is over MAX_LINES lines, except the named offenders of today.

A function's length runs from its `def` line to its last line (docstring, comments and nested
functions included). The allow-list may only shrink: an offender that got short must leave it, and a
new long function fails the test."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.core.test_import_cycles import module_files

MAX_LINES = 80
ALLOWED: dict[str, int] = {
    "docai.evals.synth.invoices:draw_invoice": 145,
    "docai.evals.synth.reports:draw_annual_report": 177,
    "docai.evals.synth.reports:draw_statement": 88,
}
"""`module:qualified.name` -> its length when the list was made (a function may shrink, not grow)."""


def long_functions() -> dict[str, int]:
    """`module:qualified.name` -> length, for every function over MAX_LINES lines."""
    found: dict[str, int] = {}
    for module, path in module_files().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        _walk(module, tree, "", found)
    return found


def _walk(module: str, node: ast.AST, prefix: str, found: dict[str, int]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                length = (child.end_lineno or child.lineno) - child.lineno + 1
                if length > MAX_LINES:
                    found[f"{module}:{name}"] = length
            _walk(module, child, f"{name}.", found)
        else:
            _walk(module, child, prefix, found)


def test_the_measure_counts_def_to_last_line(tmp_path: Path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    tree = ast.parse(f"class C:\n    def m(self):\n    {body.replace(chr(10), chr(10) + '    ')}\n")
    found: dict[str, int] = {}
    _walk("mod", tree, "", found)
    assert found == {"mod:C.m": MAX_LINES + 1}


def test_no_new_function_over_the_limit():
    found = long_functions()
    new = {name: n for name, n in found.items() if name not in ALLOWED}
    assert not new, f"functions over {MAX_LINES} lines (split them into named steps): {new}"


def test_allowed_offenders_only_shrink():
    found = long_functions()
    grown = {name: (ALLOWED[name], n) for name, n in found.items() if name in ALLOWED and n > ALLOWED[name]}
    assert not grown, f"allowed long functions that grew (was, now): {grown}"
    fixed = sorted(set(ALLOWED) - set(found))
    assert not fixed, f"no longer over {MAX_LINES} lines, take them off ALLOWED: {fixed}"
