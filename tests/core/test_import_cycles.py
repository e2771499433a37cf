"""No import cycle among docai's modules.

Every module of the installed packages (mapped from their folders as pyproject's `package-dir` does) is
parsed with `ast`; imports at module level and inside functions count, those under `if TYPE_CHECKING:`
do not (they never run). A cycle is reported as its strongly connected component."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIRS = {
    "docai": "docai",
    "docai.parsers": "parsers",
    "docai.storage": "storage",
    "docai.webui": "webui",
    "docai.evals": "evals",
}
SKIP_PARTS = {"migrations", "__pycache__"}


def module_files() -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the mapped packages."""
    found: dict[str, Path] = {}
    for package, folder in PACKAGE_DIRS.items():
        root = REPO / folder
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root)
            if SKIP_PARTS.intersection(rel.parts):
                continue
            parts = [p for p in rel.with_suffix("").parts if p != "__init__"]
            found[".".join([package, *parts])] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """Import statements anywhere in `body` (functions and classes included) outside TYPE_CHECKING."""
    out: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            out.extend(_imports(node.orelse))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
            continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                out.extend(_imports([child]))
            elif isinstance(child, ast.ExceptHandler | ast.match_case):
                out.extend(_imports(child.body))
    return out


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest known module that `name` (a module or a name inside one) lives in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _targets(module: str, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    if isinstance(node, ast.Import):
        return {t for a in node.names if (t := _resolve(a.name, modules))}
    base = node.module or ""
    if node.level:
        package = module.split(".") if modules[module].name == "__init__.py" else module.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    return {t for a in node.names if (t := _resolve(f"{base}.{a.name}", modules))}


def import_graph() -> dict[str, set[str]]:
    """Module -> the docai modules it imports (itself excluded)."""
    modules = module_files()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in _imports(tree.body):
            edges |= _targets(module, node, modules)
        edges.discard(module)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(found)


def test_the_graph_sees_every_package_and_function_level_imports():
    graph = import_graph()
    for package in PACKAGE_DIRS:
        assert package in graph, package
    # a relative import and an import inside a function are both followed
    assert "docai.results" in graph["docai.service"] or "docai.document" in graph["docai.service"]
    assert any(len(edges) > 0 for m, edges in graph.items() if m.startswith("docai.parsers."))


def test_cycles_finds_a_cycle_it_is_given():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_type_checking_imports_do_not_count():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x\nelse:\n    import y\n"
        "def f():\n    import z\n"
    )
    names = [a.name for node in _imports(tree.body) for a in node.names]
    assert names == ["TYPE_CHECKING", "y", "z"]


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import cycles (each a strongly connected component):\n" + "\n".join(
        " <-> ".join(c) for c in found
    )
