"""The project's own errors: every one says where (file, model, field) and what to do about it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError


class AnalyticsError(Exception):
    """Base of every error this package raises on purpose; the CLI prints it as one line, no traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can."""

    file: str
    message: str
    model: str | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.model:
            where.append(f"model {self.model}")
        if self.field:
            where.append(self.field)
        text = f"{': '.join(where)}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class RegistryError(AnalyticsError):
    """The registry (or a workload / usage file) could not be loaded; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownModelError(AnalyticsError):
    """A model id (or alias) that is not in the registry."""


class NoPriceError(AnalyticsError):
    """The registry has no price for this model / region / service tier / date (unknown is not zero)."""


class NotLiveError(NoPriceError):
    """The model cannot be called on the date asked: retired (shut down) or not yet released."""


class ContextLimitError(AnalyticsError):
    """A request that does not fit the model's context window, input cap or output cap."""


class CurrencyError(AnalyticsError):
    """A currency with no FX rate in data/fx.yaml."""


class LayerError(AnalyticsError):
    """A registry folder given to layer on the bundled one (``--registry``, ``LLM_COSTS_REGISTRY``, ``--data``)
    that does not exist, cannot be read, or holds no registry file: never ignored (the CLI exits 2)."""


# -- pydantic's errors as ours ------------------------------------------------------------------------------------

Location = list[str | int]
Locator = Callable[[Location], tuple[str | None, str]]
"""Where a pydantic error location points, for people: (the model id or None, the field path)."""
_LISTED_FIELD = re.compile(r"^[A-Za-z_]+\[\d+\]")


def field_path(loc: Location) -> str:
    """``["tiers", 0, "up_to"]`` → ``tiers[0].up_to``."""
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")


def problems_from_validation(exc: ValidationError, file: str, *, locate: Locator | None = None,
                             hints: Mapping[str, str] | None = None, split_lines: bool = False) -> list[Problem]:
    """The one translation of a pydantic ``ValidationError`` into ``Problem``s: one per error, located by
    ``locate`` (default: the field path, no model), pydantic's "Value error, " prefix dropped, the offending value
    shown when short, and a fix-it hint chosen by the error's type from ``hints``.

    ``split_lines``: a validator of the whole document may report several findings, one per line
    (``roles[2]: text``); each becomes its own problem, the ``name[i]`` before the colon its field."""
    problems = []
    for err in exc.errors():
        loc = list(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if split_lines and not loc and err["type"] == "value_error":
            for line in message.splitlines():
                where, sep, text = line.partition(": ")
                listed = sep and _LISTED_FIELD.match(where)
                problems.append(Problem(file, text, field=where) if listed else Problem(file, line))
            continue
        model, field = locate(loc) if locate else (None, field_path(loc))
        if err["type"] not in ("value_error", "assertion_error") and "input" in err:
            shown = repr(err["input"])
            if len(shown) <= 60:
                message += f" (got {shown})"
        problems.append(Problem(file, message, model=model, field=field or None,
                                hint=(hints or {}).get(err["type"])))
    return problems
