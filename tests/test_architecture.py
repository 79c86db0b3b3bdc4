"""The layering, checked from the source (every module ast-parsed; nothing imported, no allow-list).

Imports go one way: core ← workloads, replay, sources ← charts, formatting, export ← cli, pages, dashboard.py.
Only pages/ and dashboard.py import streamlit; only analytics/cli/ imports argparse; no project module is imported
inside a function (an optional heavy third-party package may be); the import graph has no cycle; every page
starts with the router guard (pages/ui/nav.py says why).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("analytics", "pages", "dashboard")

LAYERS = {
    "analytics": 0,  # the package's own __init__ (a docstring and the version)
    "analytics.core": 0,
    "analytics.workloads": 1,
    "analytics.replay": 1,
    "analytics.sources": 1,
    "analytics.charts": 2,
    "analytics.formatting": 2,
    "analytics.export": 2,
    "analytics.cli": 3,
    "analytics.__main__": 3,
    "pages": 4,
    "dashboard": 5,
}
"""Module (or package) → layer: a module imports only from its own layer or lower ones."""
INDEPENDENT = {"analytics.workloads", "analytics.replay", "analytics.sources"}
"""Sibling features of one layer that never import each other."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted([*ROOT.glob("analytics/**/*.py"), *ROOT.glob("pages/**/*.py"),
                                               ROOT / "dashboard.py"])}
PAGE_SCRIPTS = sorted(p for p in ROOT.glob("pages/*.py") if p.name != "__init__.py")


@cache
def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(name: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The project modules an import statement reads (a ``from package import module`` names the module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] in PROJECT]
    if node.level:
        package = name if _is_package(name) else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    if base.split(".")[0] not in PROJECT:
        return []
    found = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    return found or [base]


def _imports(name: str, *, top_level_only: bool) -> list[tuple[str, int]]:
    tree = _tree(name)
    nodes = tree.body if top_level_only else ast.walk(tree)
    return [(target, node.lineno) for node in nodes if isinstance(node, (ast.Import, ast.ImportFrom))
            for target in _resolve(name, node)]


def _function_imports(name: str) -> list[tuple[ast.Import | ast.ImportFrom, int]]:
    found = []
    for func in ast.walk(_tree(name)):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [(node, node.lineno) for node in ast.walk(func) if isinstance(node, (ast.Import, ast.ImportFrom))]
    return found


def _layer_key(name: str) -> str:
    while name not in LAYERS:
        name = name.rpartition(".")[0]
        assert name, "every module sits in the layer table"
    return name


def _third_party(name: str) -> set[str]:
    roots = set()
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_sits_on_a_layer_and_imports_only_downwards(name: str):
    key = _layer_key(name)
    for target, line in _imports(name, top_level_only=False):
        if target.split(".")[0] not in PROJECT or target not in MODULES and _layer_key(target) == target:
            assert target in MODULES, f"{name}:{line} imports {target}, which is not a module of the project"
        target_key = _layer_key(target)
        assert LAYERS[target_key] <= LAYERS[key], (
            f"{name}:{line} imports {target} (layer {LAYERS[target_key]}) from layer {LAYERS[key]}: imports go "
            "core ← workloads, replay, sources ← charts, formatting, export ← cli, pages, dashboard.py")
        if key in INDEPENDENT and target_key in INDEPENDENT:
            assert key == target_key, f"{name}:{line} imports {target}: {key} and {target_key} are independent"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_project_module_is_imported_inside_a_function(name: str):
    for node, line in _function_imports(name):
        assert not _resolve(name, node) and not getattr(node, "level", 0), (
            f"{name}:{line}: a project module imported inside a function; import it at the top (a cycle it hid "
            "shows up in test_the_import_graph_has_no_cycle)")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_pages_import_streamlit_and_only_the_cli_imports_argparse(name: str):
    roots = _third_party(name)
    if "streamlit" in roots:
        assert name == "dashboard" or name.startswith("pages"), f"{name} imports streamlit"
    if "argparse" in roots:
        assert name.startswith("analytics.cli"), f"{name} imports argparse: only analytics/cli/ does"


def test_the_import_graph_has_no_cycle():
    graph = {name: sorted({t for t, _ in _imports(name, top_level_only=False) if t in MODULES} - {name})
             for name in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in graph[name]:
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_the_layer_table_names_only_what_exists():
    for key in LAYERS:
        assert key in MODULES, f"the layer table names {key}, which is not a module or package"


@pytest.mark.parametrize("path", PAGE_SCRIPTS, ids=lambda p: p.name)
def test_every_page_starts_with_the_router_guard(path: Path):
    body = ast.parse(path.read_text(encoding="utf-8")).body
    statements = body[1:] if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else body
    first, second = statements[0], statements[1]
    assert ast.unparse(first) == "from pages.ui.nav import require_router", f"{path.name}: the guard comes first"
    assert ast.unparse(second) == "require_router()", f"{path.name}: require_router() before any other import"


def test_the_guard_imports_nothing_but_streamlit():
    """A guarded page pays for nothing before the rerun hands it to the router."""
    assert _third_party("pages.ui.nav") <= {"__future__", "streamlit"}
    assert not _imports("pages.ui.nav", top_level_only=False)


def test_nothing_imports_a_page_script():
    scripts = {_module_name(p) for p in PAGE_SCRIPTS}
    for name in MODULES:
        for target, line in _imports(name, top_level_only=False):
            assert target not in scripts, f"{name}:{line} imports the page script {target}"


def test_dashboard_calls_navigation_before_importing_the_shared_helpers():
    body = _tree("dashboard").body
    lines = {ast.unparse(node): node.lineno for node in body}
    navigation = next(n.lineno for n in body if "st.navigation(" in ast.unparse(n))
    helpers = next(n.lineno for n in body if isinstance(n, ast.ImportFrom) and n.module == "pages.ui.common")
    assert navigation < helpers, lines
