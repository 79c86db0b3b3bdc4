"""Recorded model names → registry ids: what a usage log calls a model is rarely the registry's id.

Logs write dated snapshots (``gpt-5.2-2025-12-11``), provider prefixes (``anthropic/claude-opus-4.5``),
OpenRouter permaslugs (``openai/gpt-5.2-20251211``, ``anthropic/claude-4.5-opus-20251124`` — family and version
swapped) and variants (``:free``). A name resolves when it, or a name derived from it by the rules below, is a
registry id or alias (ignoring case). Never by similarity: a wrong guess would misprice silently, so what stays
unknown is listed with its row count.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from analytics.core.registry import Registry

_DATE_SUFFIX = re.compile(r"(?:[-@](?:\d{8}|\d{4}-\d{2}-\d{2})|-\d{4})$")
_CLAUDE_PERMASLUG = re.compile(r"^(.*?claude-)(\d+(?:[.-]\d+)?)-(opus|sonnet|haiku)(.*)$", re.IGNORECASE)


def _drop_variant(name: str) -> str:
    """``openai/gpt-5.2:free`` → ``openai/gpt-5.2``; Bedrock's ``…-v1:0`` → ``…``."""
    return re.sub(r"(?:-v\d+)?:[\w.-]+$", "", name)


def _drop_prefix(name: str) -> str:
    """``openai/gpt-5.2`` → ``gpt-5.2``; Bedrock's ``us.anthropic.claude-…`` → ``claude-…``."""
    name = name.rsplit("/", 1)[-1]
    return re.sub(r"^(?:(?:us|eu|apac|au|jp|global)\.)?(?:anthropic|openai|google|meta|amazon|mistral)\.", "",
                  name)


def _drop_date(name: str) -> str:
    """``gpt-5.2-20251211`` / ``gpt-5.2-2025-12-11`` / ``claude-opus-4-5@20251101`` / ``kimi-k2.5-0127``."""
    return _DATE_SUFFIX.sub("", name)


def _family_first(name: str) -> str:
    """OpenRouter's Claude permaslugs put the version first: ``claude-4.5-opus`` → ``claude-opus-4.5``."""
    return _CLAUDE_PERMASLUG.sub(lambda m: f"{m[1]}{m[3]}-{m[2]}{m[4]}", name)


RULES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("variant suffix", _drop_variant),
    ("provider prefix", _drop_prefix),
    ("date suffix", _drop_date),
    ("permaslug order", _family_first),
)
"""Applied in this order, each to every name the earlier ones produced; the fewest rules win."""


def candidates(name: str) -> list[str]:
    """The name, then every name the rules derive from it (fewest rules applied first), without repeats."""
    found = [name.strip()]
    for _, rule in RULES:
        found += [rule(n) for n in found]
    return [n for n in dict.fromkeys(found) if n]


def resolve_many(registry: Registry, names: list[str]) -> dict[str, str | None]:
    """Each recorded name → the registry id it stands for, or None when no rule makes it one."""
    known = {k.lower(): registry.aliases.get(k, k) for k in [*registry.entries, *registry.aliases]}
    return {name: next((known[c.lower()] for c in candidates(str(name)) if c.lower() in known), None)
            for name in names}


def resolve_recorded(registry: Registry, name: str) -> str | None:
    """The registry id one recorded model name stands for, or None."""
    return resolve_many(registry, [name])[name]
