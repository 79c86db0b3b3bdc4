"""What-ifs on a workload: one parameter scaled (sensitivity, the tornado), the loop length where the cheaper of
two models changes (break-even), and a benchmark score standing in for the success rate."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.errors import AnalyticsError
from analytics.core.registry import Registry
from analytics.core.scores import select_scores

from .engine import Settings, run_workload
from .model import Workload, main_role


def with_role_changes(workload: Workload, changes: Mapping[str, Mapping[str, Any]]) -> Workload:
    """A copy with some fields of some roles changed (validated again)."""
    roles = [role.model_copy(update=dict(changes.get(role.name, {}))).model_dump() for role in workload.roles]
    return Workload.model_validate({**workload.model_dump(), "roles": roles})


SENSITIVITY_PARAMETERS = (
    "steps", "count", "system_prompt_tokens", "task_tokens", "output_tokens_per_step", "reasoning_tokens_per_step",
    "tool_result_tokens_per_step", "tool_calls_per_step", "cache_hit_rate", "returns_tokens",
)
"""The role fields a tornado chart varies (on every role at once)."""


def _scaled(workload: Workload, parameter: str, factor: float) -> Workload:
    changes: dict[str, dict[str, Any]] = {}
    for role in workload.roles:
        value = getattr(role, parameter) * factor
        if parameter in ("steps", "count"):
            floor = 2 if parameter == "steps" and workload.children(role.name) else 1
            value = max(floor, round(value))
        elif parameter == "cache_hit_rate":
            value = min(1.0, value)
        changes[role.name] = {parameter: value}
    return with_role_changes(workload, changes)


def sensitivity(workload: Workload, registry: Registry, model: str | None = None, settings: Settings = Settings(),
                swing: float = 0.5, metric: str = "cost_per_task") -> pd.DataFrame:
    """Tornado data: ``metric`` with each parameter at ×(1 − swing) and ×(1 + swing) on every role, the rest at
    base; sorted by the width of the swing, widest first. ``metric`` is a ``WorkloadResult`` attribute.
    ``lower_bound`` (and ``unpriced_tool_calls``) say whether the base leaves out tool calls with no known fee:
    then tool calls move the cost by less than they would at any real fee."""
    if not 0 < swing < 1:
        raise AnalyticsError(f"swing must be between 0 and 1, got {swing}")
    base_result = run_workload(workload, registry, model, settings)
    base = getattr(base_result, metric)
    rows = []
    for parameter in SENSITIVITY_PARAMETERS:
        low = getattr(run_workload(_scaled(workload, parameter, 1 - swing), registry, model, settings), metric)
        high = getattr(run_workload(_scaled(workload, parameter, 1 + swing), registry, model, settings), metric)
        rows.append({"parameter": parameter, "base": base, "low": low, "high": high,
                     "low_delta": low - base, "high_delta": high - base,
                     "range": abs(high - low) if np.isfinite(high - low) else math.inf,
                     "lower_bound": base_result.lower_bound,
                     "unpriced_tool_calls": base_result.unpriced_tool_calls})
    frame = pd.DataFrame(rows)
    return frame.sort_values("range", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class BreakEven:
    """Cost per task of two models as one role's step count grows; where the cheaper one changes."""

    role: str
    model_a: str
    model_b: str
    table: pd.DataFrame
    """steps, cost_a, cost_b, cheaper ("a", "b", "tie" or "" where one cannot run)."""
    crossings: list[int]
    """Step counts at which the cheaper model changes (the first step count of the new order)."""
    lower_bound_a: bool = False
    """True when model A's costs leave out tool calls with no known fee (they are lower bounds)."""
    lower_bound_b: bool = False


def break_even(workload: Workload, registry: Registry, model_a: str, model_b: str, role: str | None = None,
               max_steps: int | None = None, settings: Settings = Settings()) -> BreakEven:
    """Cost per task on ``model_a`` vs ``model_b`` for 1..``max_steps`` steps of ``role`` (others unchanged).

    The role's prefix of steps does not depend on its length, so one run at ``max_steps`` gives every length:
    cost(N) = rest of the task + count × (Σ_{i ≤ N} step cost − tool fees of step N, which has no tool call).
    """
    name = role or main_role(workload).name
    target = workload.role(name)
    longest = max_steps or max(2 * target.steps, 10)
    floor = 2 if workload.children(name) else 1
    stretched = with_role_changes(workload, {name: {"steps": max(longest, floor)}})
    curves, bounds = {}, {}
    for key, model in (("a", model_a), ("b", model_b)):
        result = run_workload(stretched, registry, model, settings)
        bounds[key] = result.unpriced_tool_calls > 0
        run = next(r for r in result.roles if r.role.name == name)
        rest = sum(r.role.count * r.instance_cost for r in result.roles if r.role.name != name)
        steps = run.steps
        running = steps["cost"].cumsum(skipna=False).to_numpy()
        # the tool call after step N is not made when N is the last step
        last_fee = (steps["tool_fee_cost"] + steps["assumed_tool_fee_cost"]).to_numpy()
        curves[key] = rest + target.count * (running - last_fee)
    counts = np.arange(1, longest + 1)
    table = pd.DataFrame({"steps": counts, "cost_a": curves["a"][:longest], "cost_b": curves["b"][:longest]})
    diff = table["cost_a"] - table["cost_b"]
    table["cheaper"] = np.select([diff < 0, diff > 0, diff == 0], ["a", "b", "tie"], default="")
    table = table[table["steps"] >= floor].reset_index(drop=True)
    crossings = []
    previous = ""
    for steps_n, cheaper in zip(table["steps"], table["cheaper"], strict=True):
        if cheaper in ("a", "b"):
            if previous and cheaper != previous:
                crossings.append(int(steps_n))
            previous = cheaper
    return BreakEven(name, registry.resolve_id(model_a), registry.resolve_id(model_b), table, crossings,
                     bounds["a"], bounds["b"])


def benchmark_proxies(registry: Registry, models: Iterable[str], condition: str = "tools",
                      reporters: Iterable[str] | str | None = None) -> dict[str, tuple[float, str] | None]:
    """Per model, its HLE score (chosen by ``scores.select_scores``: best under ``condition`` from ``reporters``)
    as a stand-in success rate: (score / 100, a label that says it is a proxy); None where none is reported."""
    table = select_scores(registry, condition, reporters, "best").set_index("model")
    out: dict[str, tuple[float, str] | None] = {}
    for model in models:
        model_id = registry.resolve_id(model)
        score = table["score"].get(model_id) if model_id in table.index else None
        if score is None or not np.isfinite(score) or score <= 0:
            out[model_id] = None
            continue
        row = table.loc[model_id]
        out[model_id] = (float(score) / 100,
                         f"HLE {float(score):g}% ({row['condition']}, {row['reporter']}) as a proxy")
    return out
