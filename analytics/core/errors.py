"""The project's own errors: every one says where (file, model, field) and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass


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
