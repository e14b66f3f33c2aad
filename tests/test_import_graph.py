"""No import cycle inside ``toolkit``: the import graph, read with ast from every module, has no loop.

Every ``import`` and ``from ... import`` counts, including those inside functions (a cycle hidden in a
function still couples the modules and breaks when the import moves to the top). Imports under
``if TYPE_CHECKING:`` are left out: they never run. ``from package import name`` is an edge to the
submodule ``package.name`` when that is a module, else to the package's ``__init__``. Importing
``a.b`` also runs ``a/__init__.py``, but that implicit edge is not counted: a package's ``__init__``
re-exporting its own submodules would otherwise make every package a cycle.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"

def module_files(root: Path) -> dict[str, Path]:
    """Dotted module name -> file for every ``.py`` under the package folder ``root``."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Line numbers of the statements under ``if TYPE_CHECKING:`` (they never run)."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def import_edges(root: Path) -> dict[str, dict[str, int]]:
    """The package's import graph: module -> {imported module of the same package: first line importing it}."""
    modules = module_files(root)
    package = root.name
    graph: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped = _type_checking_lines(tree)
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skipped:
                continue
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[:len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            for target in targets:
                # `import toolkit.a.b.c` where c is a name: the nearest enclosing module is imported
                while target and target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in modules and target != name and target.split(".")[0] == package:
                    graph[name].setdefault(target, node.lineno)
    return graph


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted, sorted by first name."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def describe(cycle: list[str], graph: dict[str, dict[str, int]], root: Path) -> str:
    """One readable loop through the component: ``a (a.py:12) -> b (b.py:30) -> a``, line of each import."""
    members = set(cycle)
    path = [cycle[0]]
    while True:
        nxt = min(t for t in graph[path[-1]] if t in members)
        if nxt in path:
            path = path[path.index(nxt):] + [nxt]
            break
        path.append(nxt)
    files = module_files(root)
    steps = [f"{a} ({files[a].relative_to(root.parent)}:{graph[a][b]})" for a, b in zip(path, path[1:], strict=False)]
    return " -> ".join([*steps, path[-1]])


def _report(cycles: list[list[str]], graph: dict[str, dict[str, int]], root: Path) -> str:
    return "import cycles (module (file:line of the import) -> ...):\n" + "\n".join(
        "  " + describe(c, graph, root) for c in cycles)


# -- the walker on a small package built in the test ---------------------------------------------------------

def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_walker_finds_imports_inside_functions_relative_imports_and_submodules(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "from pkg.a import run\n",
        "a.py": "import os\n\ndef run():\n    from pkg.sub import b\n    return b\n",
        "sub/__init__.py": "",
        "sub/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\nfrom . import c\n",
        "sub/c.py": "from ..a import run\nimport pkg.sub.b as bee\n",
    })
    graph = import_edges(root)
    assert graph == {
        "pkg": {"pkg.a": 1},
        "pkg.a": {"pkg.sub.b": 4},
        "pkg.sub": {},
        "pkg.sub.b": {"pkg.sub.c": 4},
        "pkg.sub.c": {"pkg.a": 1, "pkg.sub.b": 2},
    }
    cycles = import_cycles(graph)
    assert cycles == [["pkg.a", "pkg.sub.b", "pkg.sub.c"]]
    assert _report(cycles, graph, root) == (
        "import cycles (module (file:line of the import) -> ...):\n"
        "  pkg.a (pkg/a.py:4) -> pkg.sub.b (pkg/sub/b.py:4) -> pkg.sub.c (pkg/sub/c.py:1) -> pkg.a")


def test_walker_sees_no_cycle_in_a_package_that_re_exports_its_submodules(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "from pkg.a import one\nfrom pkg.b import two\n",
        "a.py": "def one():\n    return 1\n",
        "b.py": "from pkg.a import one\n\ndef two():\n    return one() + 1\n",
    })
    assert import_cycles(import_edges(root)) == []


# -- the toolkit ----------------------------------------------------------------------------------------------

def test_every_toolkit_module_is_in_the_graph():
    graph = import_edges(TOOLKIT)
    assert {"toolkit", "toolkit.cli", "toolkit.report.render", "toolkit.maturity.model"} <= set(graph)
    assert "toolkit.maturity.model" in graph["toolkit.maturity.evidence"]


def test_no_import_cycle_in_toolkit():
    graph = import_edges(TOOLKIT)
    cycles = import_cycles(graph)
    assert not cycles, _report(cycles, graph, TOOLKIT)
