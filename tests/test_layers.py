"""The layers of the code: engine/ (pure NumPy) under server/, and no import circle in either.

The import graph is read from the source with `ast`, so imports under `if TYPE_CHECKING:`
count like any other: a circle hidden from the interpreter still ties the modules together for
a reader (neither can be understood, moved or tested without the other).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "server")

ALLOWED_CYCLES: set[frozenset[str]] = set()
"""Import circles known and left for now, each with why."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    return {module_name(path): path for package in PACKAGES
            for path in sorted((ROOT / package).rglob("*.py"))}


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project's modules that module `name` imports (TYPE_CHECKING imports included):
    `from server import protocol` names the module server.protocol, `from server.x import y`
    the module server.x (or server.x.y when y is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
    return {module for module in found if module in known and module != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: one shortest circle through each strongly connected group of
    modules (Tarjan's algorithm, then a breadth-first search inside the group)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return [shortest_cycle(group, edges) for group in groups]


def shortest_cycle(group: set[str], edges: dict[str, set[str]]) -> list[str]:
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(edges[node] & group):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    raise AssertionError(f"no circle in {sorted(group)}")


def test_the_import_graph_is_read_from_the_source() -> None:
    edges = graph()
    assert "server.protocol" in edges["server.runner"]
    assert "engine.trainer" in edges["server.session.training"]
    assert any("server.session" in module for module in edges["server.rooms.member"])


def test_no_module_imports_one_that_imports_it_back() -> None:
    found = [cycle for cycle in cycles(graph()) if frozenset(cycle) not in ALLOWED_CYCLES]
    assert not found, "import circles: " + "; ".join(" -> ".join(c) for c in found)


def test_engine_imports_nothing_from_the_server() -> None:
    edges = graph()
    wrong = sorted(f"{name} imports {target}" for name, targets in edges.items()
                   if name.startswith("engine") for target in targets
                   if target.startswith("server"))
    assert not wrong, "; ".join(wrong)
