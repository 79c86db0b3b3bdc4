"""Latency assumptions: a model's measured output speed and time to first token from the registry, or a default
the user sets where none is measured."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from analytics.core.registry import Registry


@dataclass(frozen=True)
class SpeedAssumption:
    """Serving speed used for latency: from the registry where it is known, else a default the user sees."""

    output_tokens_per_s: float = 50.0
    time_to_first_token_s: float = 1.0
    source: str = "default assumption"


DEFAULT_SPEED = SpeedAssumption()
"""Used where the registry has no measured speed; shown on the page and in ``--help``, and overridable."""


def model_speed(registry: Registry, model_id: str, default: SpeedAssumption = DEFAULT_SPEED,
                overrides: Mapping[str, SpeedAssumption] | None = None) -> SpeedAssumption:
    """The speed of ``model_id``: an override, else the registry's (each missing figure from ``default``)."""
    model_id = registry.resolve_id(model_id)
    if overrides and model_id in overrides:
        return overrides[model_id]
    speed = registry.model(model_id).speed
    if speed is None or (speed.output_tokens_per_s is None and speed.time_to_first_token_s is None):
        return default
    return SpeedAssumption(
        output_tokens_per_s=speed.output_tokens_per_s or default.output_tokens_per_s,
        time_to_first_token_s=(speed.time_to_first_token_s if speed.time_to_first_token_s is not None
                               else default.time_to_first_token_s),
        source=speed.source,
    )


def speed_table(registry: Registry, model_ids: Iterable[str], default: SpeedAssumption = DEFAULT_SPEED) -> pd.DataFrame:
    """One row per model: the speed used for latency and where it comes from."""
    rows = []
    for model_id in dict.fromkeys(registry.resolve_id(m) for m in model_ids):
        speed = model_speed(registry, model_id, default)
        rows.append({"model": model_id, "output_tokens_per_s": speed.output_tokens_per_s,
                     "time_to_first_token_s": speed.time_to_first_token_s, "source": speed.source})
    return pd.DataFrame(rows, columns=["model", "output_tokens_per_s", "time_to_first_token_s", "source"])
