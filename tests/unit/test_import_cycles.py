"""Imports inside `app/` point one way (docs/ARCHITECTURE.md): no cycle between the packages of
`app/`, none between the domain packages of `app/services`, and none between any two modules
at run time.

The graph is read with `ast`, like the core-isolation test: every `import app…` and
`from app… import …` (relative imports included), at any depth — a function-level import hides
a cycle from Python, not from this test. Package-level checks count typing-only imports too
(`if TYPE_CHECKING:`); the module-level check leaves them out, since SQLAlchemy's typed
relationships (`Mapped["Event"]`) need them in both directions and they never run.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"

Edges = dict[str, set[tuple[str, str, str]]]


def _modules() -> dict[str, Path]:
    found = {}
    for path in APP.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module an imported dotted name lives in (`app.services.agenda.jobs.run_job` →
    `app.services.agenda.jobs`)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _typing_only(tree: ast.Module) -> set[int]:
    """Line numbers of the statements under `if TYPE_CHECKING:`."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                for sub in ast.walk(child):
                    if hasattr(sub, "lineno"):
                        lines.add(sub.lineno)
    return lines


def _imports(module: str, path: Path) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, typing only) for every import of `app` code in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = _typing_only(tree)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            # `from app.services import audit` imports the module `audit`, not the package.
            targets = [f"{source}.{alias.name}" for alias in node.names] or [source]
        for target in targets:
            if target == "app" or target.startswith("app."):
                resolved = _resolve(target)
                if resolved is not None and resolved != module:
                    yield resolved, node.lineno, node.lineno in typing_only


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _graph(depth: int, prefix: str, *, with_typing: bool) -> Edges:
    """Edges between the groups of `depth` dotted parts under `prefix`, each with the import
    that makes it (importer module:line → imported module)."""
    graph: Edges = defaultdict(set)
    for module, path in MODULES.items():
        if not module.startswith(prefix):
            continue
        for target, line, typing_only in _imports(module, path):
            if (typing_only and not with_typing) or not target.startswith(prefix):
                continue
            a, b = ".".join(module.split(".")[:depth]), ".".join(target.split(".")[:depth])
            if a != b:
                graph[a].add((b, f"{_shown(path)}:{line}", target))
    return graph


def _cycles(graph: Edges) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _, _ in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    nodes = set(graph) | {t for edges in graph.values() for t, _, _ in edges}
    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def _explain(graph: Edges, cycles: list[list[str]]) -> str:
    lines = []
    for component in cycles:
        lines.append(" ↔ ".join(component))
        for node in component:
            for target, where, imported in sorted(graph.get(node, ())):
                if target in component:
                    lines.append(f"    {where} imports {imported}")
    return "\n".join(lines)


LEVELS = {
    # between blueprints, services, models, the core packages, cli …
    "packages of app": (2, "app", True),
    # between the domain packages of the services (agenda, mail, sourcing …)
    "packages of app.services": (3, "app.services", True),
    # between any two modules, wherever they are, at run time
    "modules of app": (99, "app", False),
}


@pytest.mark.parametrize("level", list(LEVELS))
def test_imports_have_no_cycle(level):
    depth, prefix, with_typing = LEVELS[level]
    graph = _graph(depth, prefix, with_typing=with_typing)
    cycles = _cycles(graph)
    assert not cycles, f"import cycles between {level}:\n{_explain(graph, cycles)}"


def test_cycle_finder_reports_a_cycle_and_the_imports_that_make_it():
    graph: Edges = {
        "a": {("b", "a.py:1", "b")},
        "b": {("c", "b.py:2", "c")},
        "c": {("a", "c.py:3", "a.f")},
        "d": {("a", "d.py:4", "a")},
    }
    cycles = _cycles(graph)
    assert cycles == [["a", "b", "c"]]
    assert _explain(graph, cycles).splitlines() == [
        "a ↔ b ↔ c",
        "    a.py:1 imports b",
        "    b.py:2 imports c",
        "    c.py:3 imports a.f",
    ]


def test_graph_sees_function_level_and_relative_imports():
    """The services' old cycle went through an import inside a function; the walk sees it."""
    graph = _graph(99, "app", with_typing=False)
    edges = {(a, b) for a, targets in graph.items() for b, _, _ in targets}
    # app/cli.py imports the worker inside a command function
    assert ("app.cli", "app.services.worker") in edges
    # the package __init__ of the agenda blueprint imports its view modules
    assert ("app.agenda", "app.agenda.edits") in edges


def test_a_new_cycle_between_service_packages_fails(tmp_path, monkeypatch):
    """Adding `from app.services.mail import delivery` to the agenda would make a cycle."""
    path = APP / "services" / "agenda" / "schedules.py"
    original = path.read_text(encoding="utf-8")
    patched = tmp_path / "schedules.py"
    patched.write_text(original + "\nfrom app.services.mail import delivery\n", encoding="utf-8")
    monkeypatch.setitem(MODULES, "app.services.agenda.schedules", patched)
    graph = _graph(3, "app.services", with_typing=True)
    (cycle,) = _cycles(graph)
    assert {"app.services.agenda", "app.services.mail"} <= set(cycle)
