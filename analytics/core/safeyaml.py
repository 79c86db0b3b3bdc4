"""Reading untrusted YAML safely: bounded size, no Python tags, no alias bombs, errors that name the file.

Used for the registry, uploaded registries and workload files alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, RegistryError

MAX_YAML_BYTES = 2 * 1024 * 1024
"""A registry or workload file larger than this (2 MiB) is refused before it is parsed."""
MAX_EXPANDED_NODES = 200_000
"""A document whose aliases expand to more nodes than this is refused (a "billion laughs" bomb)."""


_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML was built with it: about 4x faster than the pure-Python one (a 2 MiB upload parses
in seconds, not a minute) and it refuses nesting deeper than 1,000 levels itself. Safe either way: the constructor
is PyYAML's SafeConstructor."""


class _Loader(_SafeBase):
    """A safe loader that leaves timestamps as text: pydantic parses dates, so a bad one names its field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


MAX_DEPTH = 200
"""Deeper nesting than this is refused (no registry or workload needs more than a dozen levels)."""


class _TooDeep(Exception):
    pass


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    """Nodes the document would have with every alias expanded, computed without expanding it."""
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > MAX_DEPTH:
        raise _TooDeep
    memo[key] = MAX_EXPANDED_NODES + 1  # a node reached again while being sized is a cycle: treat as huge
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo, depth + 1) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(
            _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1) for k, v in node.value
        )
    else:
        size = 1
    memo[key] = min(size, MAX_EXPANDED_NODES + 1)
    return memo[key]


def _first_duplicate_key(node: yaml.Node, seen: set[int]) -> tuple[str, int] | None:
    """(key, line) of the first plain key written twice in one mapping; each node is visited once (aliases
    share nodes, so this stays linear in the document's size, not its expanded size)."""
    if id(node) in seen:
        return None
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if (key_node.tag, key_node.value) in keys:
                    return key_node.value[:80], key_node.start_mark.line + 1
                keys.add((key_node.tag, key_node.value))
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        return None
    for child in children:
        found = _first_duplicate_key(child, seen)
        if found is not None:
            return found
    return None


def parse_yaml_text(text: str, name: str) -> Any:
    """Parse one YAML document from ``text``; ``name`` (a file name) goes into every error."""
    if len(text.encode("utf-8", errors="replace")) > MAX_YAML_BYTES:
        raise RegistryError(
            [Problem(name, f"file is larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB", hint="split it or trim it")]
        )
    loader = _Loader(text)
    try:
        return _parse(loader, text, name)
    finally:
        loader.dispose()


def _parse(loader: _Loader, text: str, name: str) -> Any:
    """Compose the document once, check its size, depth and keys on the node tree, then construct it safely."""
    node = _compose(loader, name)
    _check_size(node, name)
    duplicate = _first_duplicate_key(node, set())
    if duplicate is not None:
        key, line = duplicate
        raise RegistryError([Problem(name, f"duplicate key {key!r} at line {line}",
                                     hint="a key may appear once per mapping (YAML would silently keep only the "
                                          "last one)")])
    return _construct(loader, node, name)


def _compose(loader: _Loader, name: str) -> yaml.Node:
    try:
        node = loader.get_single_node()  # composed once; the checks and the constructor reuse it
    except RecursionError:
        raise RegistryError([Problem(name, "YAML nested too deeply", hint="flatten the document")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise RegistryError(
            [Problem(name, f"not valid YAML at {where}: {exc.problem}", hint="fix the syntax there")]
        ) from None
    except yaml.YAMLError as exc:
        raise RegistryError([Problem(name, f"not valid YAML: {exc}")]) from None
    if node is None:
        raise RegistryError([Problem(name, "the file is empty", hint="see data/README.md for the format")])
    return node


def _check_size(node: yaml.Node, name: str) -> None:
    """Refuse a document nested too deeply, or whose values (aliases expanded) are too many."""
    memo: dict[int, int] = {}
    try:
        too_big = _expanded_size(node, memo) > MAX_EXPANDED_NODES
    except _TooDeep:
        raise RegistryError([Problem(name, f"YAML nested more than {MAX_DEPTH} levels deep",
                                     hint="flatten the document")]) from None
    except RecursionError:
        too_big = True
    if too_big and len(memo) > MAX_EXPANDED_NODES:  # big without any alias: just far too many values
        raise RegistryError([Problem(name, f"more than {MAX_EXPANDED_NODES:,} YAML values",
                                     hint="a registry or workload file needs far fewer: split it or trim it")])
    if too_big:
        raise RegistryError([Problem(name, "YAML aliases expand to too many nodes (an alias bomb?)",
                                     hint="write the values out instead of nesting anchors and aliases")])


def _construct(loader: _Loader, node: yaml.Node, name: str) -> Any:
    try:
        return loader.construct_document(node)  # a SafeConstructor: no Python tags
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}" if mark else ""
        raise RegistryError([Problem(name, f"refused YAML tag{where}: {exc.problem}",
                                     hint="only plain YAML (maps, lists, strings, numbers, dates) is allowed; "
                                          "remove the !!tag")]) from None
    except yaml.YAMLError as exc:
        raise RegistryError([Problem(name, f"not valid YAML: {exc}")]) from None
    # e.g. `!!int x` or an empty `!!float`: a tag whose value does not convert (PyYAML raises plain errors)
    except (ValueError, TypeError, RecursionError, IndexError, KeyError, OverflowError, AttributeError) as exc:
        if "integer string conversion" in str(exc):  # Python refuses ints of more than 4,300 digits
            raise RegistryError([Problem(name, "a number has more than 4,300 digits",
                                         hint="write a plausible figure")]) from None
        raise RegistryError(
            [Problem(name, f"a value cannot be read: {str(exc)[:120]}", hint="remove explicit !!tags")]
        ) from None


def read_yaml_file(path: Path, name: str | None = None) -> Any:
    """Read and parse ``path``, refusing files over the size bound before reading them whole."""
    label = name or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RegistryError([Problem(label, f"cannot read the file: {exc.strerror}")]) from None
    if size > MAX_YAML_BYTES:
        raise RegistryError(
            [Problem(label, f"file is {size / 1e6:.1f} MB, over the {MAX_YAML_BYTES // (1024 * 1024)} MiB bound",
                     hint="split it or trim it")]
        )
    return parse_yaml_text(yaml_text_from_bytes(path.read_bytes(), label), label)


def yaml_text_from_bytes(data: bytes, name: str) -> str:
    """A file's bytes as YAML text, refused when over the size bound (checked before decoding), not UTF-8, or
    binary (NUL bytes): the checks every YAML input passes, a path on disk or an upload."""
    if len(data) > MAX_YAML_BYTES:
        raise RegistryError([Problem(name, f"file is {len(data) / 1e6:.1f} MB, over the "
                                           f"{MAX_YAML_BYTES // (1024 * 1024)} MiB bound", hint="split it or trim it")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryError(
            [Problem(name, f"not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8")]
        ) from None
    if "\x00" in text:
        raise RegistryError([Problem(name, "binary file (contains NUL bytes)", hint="give a YAML text file")])
    return text
