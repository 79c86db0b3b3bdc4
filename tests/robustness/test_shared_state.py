"""What one user does must not reach another through the server process: no module-level mutable state written at
run time (a dict or list at module level is shared by every session of the server), and every cached function in
the pages takes its inputs as hashed arguments (an ``_underscored`` argument is not part of the cache key, so a
cache keyed only by other arguments must be keyed by something unique to the content)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("analytics/**/*.py"), *ROOT.glob("pages/**/*.py"), ROOT / "dashboard.py"])
MUTATORS = {"append", "extend", "insert", "update", "setdefault", "add", "pop", "popitem", "clear", "remove",
            "discard", "__setitem__"}
ALLOWED = {
    # (file, name): why it is safe
    ("analytics/export.py", "_renderer"): "one kaleido browser per process, behind a lock: holds no user data",
}


def _module_mutables(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) and node.value is not None else []
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id in ("dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"))
        if mutable:
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _writes(tree: ast.Module, names: set[str]) -> list[tuple[str, int]]:
    """(name, line) of writes to module-level mutables from inside functions, and of ``global`` rebinding."""
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Global):
                found += [(n, node.lineno) for n in node.names]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
                    node.func.value, ast.Name) and node.func.value.id in names and node.func.attr in MUTATORS:
                found.append((node.func.value.id, node.lineno))
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
                            target.value.id in names:
                        found.append((target.value.id, node.lineno))
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_level_mutable_state_is_written_at_run_time(path: Path):
    relative = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    writes = [(n, line) for n, line in _writes(tree, _module_mutables(tree)) if (relative, n) not in ALLOWED]
    assert not writes, f"{relative}: module-level state written at run time (shared by every user): {writes}"


def _cached_functions(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                call = deco.func if isinstance(deco, ast.Call) else deco
                text = ast.unparse(call)
                if text.endswith(("cache_data", "cache_resource")):
                    yield node, text


@pytest.mark.parametrize("path", sorted(ROOT.glob("pages/**/*.py")), ids=lambda p: p.name)
def test_cached_page_functions_are_keyed_by_what_they_read(path: Path):
    """An argument excluded from the cache key (``_data``) must come with one that identifies it (a file id or a
    content hash), or two users' different files would share one cached result."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for func, _ in _cached_functions(tree):
        args = [a.arg for a in func.args.args]
        hidden = [a for a in args if a.startswith("_")]
        keys = [a for a in args if not a.startswith("_")]
        if hidden:
            assert any(k in ("file_key", "file_id", "digest", "content_hash", "sha256", "key") or
                       k.endswith(("_key", "_id", "_hash", "_digest")) for k in keys), (
                f"{path.name}:{func.lineno} {func.name}({', '.join(args)}): {hidden} are not part of the cache key "
                "and nothing identifying them is")
