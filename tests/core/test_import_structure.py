"""The layering rules, read from the source's imports (ast), so a new edge that breaks them
fails here rather than as a circular import at start-up or a worker that loads the web stack.

- No cycle between the backend's packages (`backend.<name>`), counting only imports run when
  a module loads (not those inside functions or under TYPE_CHECKING), nor between modules.
- The plumbing (`backend.core`, `backend.db`, `backend.config`) imports no domain package and
  not the Celery app (`backend.worker`): the app hands itself to core at start-up.
- A router does not import another router, and does not build queries (`select(`): the
  services do.
- The installed `techbroker` command (`backend.cli*`) imports nothing from `scripts/`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BACKEND = ROOT / "backend"
PLUMBING = {"backend.core", "backend.db", "backend.config"}
NOT_DOMAIN = PLUMBING | {"backend.app", "backend.main", "backend.cli", "backend.worker",
                         "backend.models", "backend.migrations", "backend.demo"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(encoding="utf-8"))
            for p in BACKEND.rglob("*.py") if "migrations" not in p.parts}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _load_time(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements run when the module loads: not in functions, not under TYPE_CHECKING."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if isinstance(node, ast.ClassDef):
                yield from _load_time(node.body)
            continue
        if isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _load_time(node.body)
            yield from _load_time(node.orelse)
            continue
        if isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody,
                          *[h.body for h in node.handlers]):
                yield from _load_time(block)
            continue
        if isinstance(node, ast.With):
            yield from _load_time(node.body)
            continue
        yield node


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    is_package = (BACKEND.parent / Path(*package) / "__init__.py").exists()
    base = package if is_package else package[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(module: str, *, load_time: bool = True) -> set[str]:
    """The modules `module` imports (a `from x import y` counts `x.y` when that is a module)."""
    tree = modules()[module]
    nodes = _load_time(tree.body) if load_time else ast.walk(tree)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node)
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules()}
    return found


def package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _backend_edges(module: str) -> set[str]:
    return {m for m in imports(module) if m in modules() and m != module}


# Domain imports against the layering (listings < deals < rewards < integrity < intake) that
# are still there: each closes a cycle between two domains. Known debt, listed so that no new
# one appears; the test fails when one goes, so the list only shrinks. Empty now: where a
# lower domain needs a higher one, the higher hands it over as it loads (see the README).
KNOWN_BACK_EDGES: set[tuple[str, str]] = set()


def _package_graph() -> dict[str, set[str]]:
    """Packages and the packages their modules import when they load. Routers are left out:
    they are the top of every package (the app imports them, nothing else does), and may
    call any domain's services; the rule for them is that they import no other router."""
    graph: dict[str, set[str]] = {}
    for module in modules():
        if _is_router(module):
            continue
        graph.setdefault(package(module), set()).update(
            package(m) for m in _backend_edges(module) if package(m) != package(module))
    return graph


def test_no_cycle_between_packages() -> None:
    graph = _package_graph()
    assert {(a, b) for a, b in KNOWN_BACK_EDGES if b not in graph.get(a, set())} == set(), (
        "a known back edge is gone: strike it from KNOWN_BACK_EDGES")
    assert _cycles({a: bs - {b for x, b in KNOWN_BACK_EDGES if x == a}
                    for a, bs in graph.items()}) == []


def test_plumbing_is_in_no_cycle() -> None:
    assert [c for c in _cycles(_package_graph()) if set(c) & PLUMBING] == []


def test_no_cycle_between_modules() -> None:
    """Package `__init__` modules that only re-export are left out: importing `a.b` loads `a`
    first, which is not an edge from `a.b` back to `a`."""
    graph = {m: {i for i in _backend_edges(m) if not m.startswith(i + ".")} for m in modules()}
    assert _cycles(graph) == []


def test_plumbing_knows_no_domain_and_no_worker() -> None:
    found = []
    for module in modules():
        if package(module) in PLUMBING:
            found += [f"{module} imports {m}" for m in imports(module, load_time=False)
                      if m.startswith("backend.") and package(m) not in PLUMBING
                      and package(m) != "backend.models"]
    assert found == []


def _is_router(module: str) -> bool:
    tail = module.rsplit(".", 1)[-1]
    return tail == "router" or tail.endswith("_router")


def test_a_router_imports_no_other_router() -> None:
    found = [f"{m} imports {i}" for m in modules() if _is_router(m)
             for i in imports(m, load_time=False) if i != m and i in modules() and _is_router(i)]
    assert found == []


def test_routers_build_no_queries() -> None:
    found = [f"{m}:{n.lineno}" for m, tree in modules().items() if _is_router(m)
             for n in ast.walk(tree) if isinstance(n, ast.Call)
             and ((isinstance(n.func, ast.Name) and n.func.id == "select")
                  or (isinstance(n.func, ast.Attribute) and n.func.attr == "select"))]
    assert found == []


def test_the_command_imports_nothing_from_scripts() -> None:
    found = [f"{m} imports {i}" for m in modules() if m.startswith("backend.cli")
             for i in imports(m, load_time=False) if i.split(".")[0] == "scripts"]
    assert found == []


def test_the_rules_see_imports() -> None:
    """The rules above are not vacuous: they see the imports that are there."""
    assert "backend.config" in imports("backend.db")
    assert "backend.core.routing" in imports("backend.core.deps")
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_worker_loads_no_web_stack() -> None:
    """Counting a task needs no FastAPI: the worker's module loads neither it nor a router."""
    import subprocess
    import sys

    code = ("import sys, backend.worker; backend.worker._count_task(None, 'SUCCESS'); "
            "print(sorted(m for m in sys.modules if m in "
            "{'fastapi', 'starlette', 'backend.core.metrics', 'backend.core.routing'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={**__import__("os").environ,
                                                     "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"
