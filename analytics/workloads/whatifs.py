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
    name, longest, floor = _loop_range(workload, role, max_steps)
    curve_a, bound_a = _loop_cost_curve(workload, registry, model_a, name, longest, floor, settings)
    curve_b, bound_b = _loop_cost_curve(workload, registry, model_b, name, longest, floor, settings)
    return _break_even_of(registry, name, model_a, model_b, curve_a, curve_b, floor, bound_a, bound_b)


def _loop_range(workload: Workload, role: str | None, max_steps: int | None) -> tuple[str, int, int]:
    """The role followed, the longest loop drawn (default twice its steps, at least 10) and the shortest (2 when
    the role has children: their results join its context after step 1)."""
    name = role or main_role(workload).name
    target = workload.role(name)
    return name, max_steps or max(2 * target.steps, 10), 2 if workload.children(name) else 1


def _loop_cost_curve(workload: Workload, registry: Registry, model: str, name: str, longest: int, floor: int,
                     settings: Settings) -> tuple[np.ndarray, bool]:
    """Cost per task for 1..``longest`` steps of role ``name`` on ``model`` (NaN where it cannot run), and whether
    it leaves out tool calls with no known fee (a lower bound)."""
    target = workload.role(name)
    stretched = with_role_changes(workload, {name: {"steps": max(longest, floor)}})
    result = run_workload(stretched, registry, model, settings)
    run = next(r for r in result.roles if r.role.name == name)
    rest = sum(r.role.count * r.instance_cost for r in result.roles if r.role.name != name)
    steps = run.steps
    running = steps["cost"].cumsum(skipna=False).to_numpy()
    # the tool call after step N is not made when N is the last step
    last_fee = (steps["tool_fee_cost"] + steps["assumed_tool_fee_cost"]).to_numpy()
    return (rest + target.count * (running - last_fee))[:longest], result.unpriced_tool_calls > 0


def _break_even_of(registry: Registry, name: str, model_a: str, model_b: str, curve_a: np.ndarray,
                   curve_b: np.ndarray, floor: int, bound_a: bool = False, bound_b: bool = False) -> BreakEven:
    counts = np.arange(1, len(curve_a) + 1)
    table = pd.DataFrame({"steps": counts, "cost_a": curve_a, "cost_b": curve_b})
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
                     bound_a, bound_b)


def crossing_pair(workload: Workload, registry: Registry, models: Iterable[str], role: str | None = None,
                  max_steps: int | None = None, settings: Settings = Settings(),
                  preferred: tuple[str, str] | None = None) -> tuple[str, str] | None:
    """Two of ``models`` whose cost per task changes order within the loop lengths ``break_even`` draws — a
    default pair whose chart shows a break-even, not two lines that never meet. ``preferred`` when it crosses,
    else the first crossing pair in the order given; None when no pair crosses. One run per model (not per pair).

    On the agent-swarm preset (researcher loop of 8 steps, drawn to 16) Qwen3-Max-Thinking and Claude Opus 4.5
    never cross, while Qwen3-Max-Thinking and GPT-5.2 do at 14 steps (Qwen's 32K tier)."""
    name, longest, floor = _loop_range(workload, role, max_steps)
    ids = list(dict.fromkeys(registry.resolve_id(m) for m in models))
    curves: dict[str, np.ndarray] = {}

    def curve(model: str) -> np.ndarray:
        if model not in curves:
            curves[model] = _loop_cost_curve(workload, registry, model, name, longest, floor, settings)[0]
        return curves[model]

    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    if preferred and all(m in registry.entries for m in preferred) and preferred[0] != preferred[1]:
        pairs.insert(0, (registry.resolve_id(preferred[0]), registry.resolve_id(preferred[1])))
    for a, b in pairs:
        if _break_even_of(registry, name, a, b, curve(a), curve(b), floor).crossings:
            return a, b
    return None


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
