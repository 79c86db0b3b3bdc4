"""What an agent task costs, and how long it takes, on each model: the workload model of issue 4.

A workload (YAML, validated by ``Workload``) is a tree of roles; each role runs ``count`` instances of an LLM
loop of ``steps`` calls. For one instance of a role with N steps (token counts are expected values, never
rounded):

- Prompt of step 1: ``P1 = system + task``. After step i < N the context grows by the visible output,
  the reasoning (only with ``keep_reasoning_in_context``), the tool result and — after step 1 only — the
  ``count × returns_tokens`` of every child role: ``P(i+1) = Pi + growth``. There is no tool call and no
  tool result after the last step.
- Cached tokens: ``C1 = cache_hit_rate × system``; ``Ci = cache_hit_rate × P(i−1)`` for i ≥ 2.
- **Cache writes**: where the model's price tier has a cache-write rate (Claude: 6.25 per 1M) and
  ``cache_hit_rate > 0``, the whole uncached part of the prompt, ``Pi − Ci``, is billed as written to the
  cache (it is the prefix the next step will read). Otherwise that part is billed at the input rate.
- Each step is one request of ``pricing.price_requests`` (all steps of a role in one vectorised call): the tier
  is chosen by ``Pi`` (cliff: the whole request at that tier's rates), cached tokens at the cache-read rate (the
  input rate where none is known), output and reasoning at the output (reasoning) rate. The billed output of a
  step is ``output + reasoning``; ``output_tokens`` in results includes reasoning.
- Tool calls (steps 1..N−1) are charged at the model provider's fee for ``tool``. Where no fee is known they are
  priced at the workload's ``assumed_tool_fee`` when it sets one (``assumed_fee_tool_calls``, cost component
  ``assumed_tool_fees``: visible, never mixed with the provider's fees); otherwise they are counted as
  ``unpriced_tool_calls``, never priced at 0, and the cost is a lower bound (``lower_bound``: the true cost is at
  least that). ``tool: null`` is a tool run on your side (no fee).
- The first step whose ``Pi + output + reasoning`` exceeds the context window, or whose ``Pi`` exceeds the input
  cap (or whose output + reasoning exceeds ``max_output_tokens``), is reported (``exceeds_context_at_step``: the
  earliest such step of any role); steps that do not fit cost NaN ("cannot run"), never 0, and so does the task.
- ``count`` is the number of instances per task in total (not per parent instance); a workload file may ask for at
  most ``MAX_TOTAL_STEPS`` steps summed over its roles.
- Cost per task = Σ over roles of ``count ×`` the cost of one instance; monthly = tasks_per_month × cost per task.
  With success rate p and up to k attempts: expected attempts ``(1 − (1 − p)^k) / p``, chance of success
  ``1 − (1 − p)^k``, expected cost per successful task ``cost / p``.
- Latency of a step: time to first token + (output + reasoning) / output tokens per second + tool latency (not
  after the last step). A parent's wall time adds, per child role, ``ceil(count / parallelism) ×`` the child's
  wall time; its serial time adds ``count ×`` the child's serial time. Top-level roles are combined the same way.
  Speed-up = serial / wall.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.errors import (
    AnalyticsError,
    NoPriceError,
)
from analytics.core.pricing import (
    FIT_OK,
    FIT_OVER_CONTEXT_WINDOW,
    describe_fit,
    fit_codes,
    price_requests,
    prompt_cap,
    tier_index,
)
from analytics.core.registry import Registry
from analytics.core.schema import Model, PriceSchedule

from .model import MIXED, AssumedToolFee, Role, Workload, check_models, main_role
from .speeds import DEFAULT_SPEED, SpeedAssumption, model_speed

# -- the engine ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Everything besides the workload that changes a result."""

    region: str = "global"
    service_tier: str = "standard"
    on: dt.date | None = None
    currency: str = "USD"
    default_speed: SpeedAssumption = DEFAULT_SPEED
    speed_overrides: Mapping[str, SpeedAssumption] = field(default_factory=dict)


STEP_COLUMNS = [
    "role", "model", "count", "step", "prompt_tokens", "cached_tokens", "cache_write_tokens", "output_tokens",
    "reasoning_tokens", "tool_calls", "tier_index", "tier_up_to", "tier_switch", "fits", "limit",
    "input_cost", "cached_input_cost", "cache_write_cost", "output_cost", "reasoning_cost", "tool_fee_cost",
    "assumed_tool_fee_cost", "unpriced_tool_calls", "assumed_fee_tool_calls", "cost", "latency_s",
]
"""Per step of ONE instance of a role (multiply by ``count`` for the task)."""

COMPONENTS = ("input", "cached_input", "cache_write", "output", "reasoning", "tool_fees", "assumed_tool_fees")
"""The cost components of a result's ``breakdown`` (``output`` and ``reasoning`` merge in the CLI's JSON)."""


@dataclass(frozen=True)
class RoleRun:
    """One role on one model: per-step figures of one instance, and the instance's totals."""

    role: Role
    model: str
    steps: pd.DataFrame
    """Columns ``STEP_COLUMNS``; one row per step of one instance."""
    tool_fee_known: bool
    speed: SpeedAssumption
    no_price: str | None = None
    """Why the role could not be priced at all (no schedule for the region/tier/date), else None."""

    @cached_property
    def instance_cost(self) -> float:
        return float(self.steps["cost"].sum(skipna=False)) if self.no_price is None else math.nan

    @cached_property
    def step_time_s(self) -> float:
        return float(self.steps["latency_s"].sum())

    @cached_property
    def exceeds_at_step(self) -> int | None:
        bad = self.steps.loc[~self.steps["fits"], "step"]
        return int(bad.iloc[0]) if len(bad) else None

    @cached_property
    def tier_switch_steps(self) -> list[int]:
        return [int(s) for s in self.steps.loc[self.steps["tier_switch"], "step"]]


def _children_returns(workload: Workload, role: Role) -> float:
    return float(sum(c.count * c.returns_tokens for c in workload.children(role.name)))


def role_step_tokens(workload: Workload, role: Role) -> dict[str, np.ndarray]:
    """Per-step token arrays of one instance (the semantics in the module docstring), vectorised over steps."""
    n = role.steps
    kept_reasoning = role.reasoning_tokens_per_step if role.keep_reasoning_in_context else 0.0
    growth = np.full(n - 1, role.output_tokens_per_step + kept_reasoning + role.tool_result_tokens_per_step)
    if n > 1:
        growth[0] += _children_returns(workload, role)
    prompt = role.system_prompt_tokens + role.task_tokens + np.concatenate([[0.0], np.cumsum(growth)])
    previous = np.concatenate([[role.system_prompt_tokens], prompt[:-1]])
    cached = role.cache_hit_rate * previous
    last = np.arange(1, n + 1) == n
    return {
        "step": np.arange(1, n + 1),
        "prompt": prompt,
        "cached": np.minimum(cached, prompt),
        "output": np.full(n, float(role.output_tokens_per_step)),
        "reasoning": np.full(n, float(role.reasoning_tokens_per_step)),
        "tool_calls": np.where(last, 0.0, role.tool_calls_per_step),
        "tool_latency": np.where(last, 0.0, role.tool_latency_s),
    }


def _uncached_part(prompt: np.ndarray, cached: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``prompt − cached`` where ``where``, nudged down by float rounding so that cached + writes ≤ prompt
    holds exactly (the pricing engine checks it)."""
    writes = np.where(where, np.maximum(prompt - cached, 0.0), 0.0)
    for _ in range(64):
        excess = cached + writes - prompt
        bad = excess > 0
        if not bad.any():
            break
        writes = np.where(bad, np.maximum(np.nextafter(writes - excess, -np.inf), 0.0), writes)
    return writes


def run_role(workload: Workload, role: Role, registry: Registry, model_id: str | None = None,
             settings: Settings = Settings()) -> RoleRun:
    """Price one instance of ``role`` on ``model_id`` (default: its own model): one ``price_requests`` call."""
    model_id = registry.resolve_id(model_id or role.model)
    model = registry.model(model_id)
    t = role_step_tokens(workload, role)
    n = role.steps
    speed = model_speed(registry, model_id, settings.default_speed, settings.speed_overrides)
    completion = t["output"] + t["reasoning"]
    fits, limits = _fits(model, t["prompt"], completion)
    fee = registry.tool_fee(model_id, role.tool, settings.on) if role.tool else None
    fee_known = role.tool is None or fee is not None
    assumed = None if fee_known else workload.assumed_tool_fee
    columns: dict[str, Any] = {
        "role": np.full(n, role.name, dtype=object), "model": np.full(n, model_id, dtype=object),
        "count": np.full(n, role.count), "step": t["step"], "prompt_tokens": t["prompt"],
        "cached_tokens": t["cached"], "output_tokens": t["output"], "reasoning_tokens": t["reasoning"],
        "tool_calls": t["tool_calls"], "fits": fits,
        "latency_s": speed.time_to_first_token_s + completion / speed.output_tokens_per_s + t["tool_latency"],
        "unpriced_tool_calls": t["tool_calls"] if not fee_known and assumed is None else np.zeros(n),
        "assumed_fee_tool_calls": t["tool_calls"] if assumed is not None else np.zeros(n),
    }
    try:
        schedule = registry.schedule(model_id, settings.region, settings.service_tier, settings.on)
    except NoPriceError as exc:
        nan = np.full(n, np.nan)
        columns.update(cache_write_tokens=np.zeros(n), tier_index=np.full(n, -1), tier_up_to=nan,
                       tier_switch=np.zeros(n, dtype=bool), input_cost=nan, cached_input_cost=nan,
                       cache_write_cost=nan, output_cost=nan, reasoning_cost=nan, tool_fee_cost=nan,
                       assumed_tool_fee_cost=nan, cost=nan)
        return RoleRun(role, model_id, _step_frame(columns, limits), fee_known, speed, no_price=str(exc))
    columns.update(_priced_columns(registry, model, role, t, schedule, fee, assumed, fits, limits, settings))
    return RoleRun(role, model_id, _step_frame(columns, limits), fee_known, speed)


def _fits(model: Model, prompt: np.ndarray, completion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which steps fit the model (window, input cap, output cap), and the limit text per step: the reason in
    words for the first step that does not fit; the later ones point back to it."""
    over_window = prompt + completion > model.context_window
    over_cap = prompt > prompt_cap(model)
    codes = fit_codes(model, prompt, completion)
    fits = ~(over_window | over_cap | (codes != FIT_OK))
    limits = np.full(len(prompt), "", dtype=object)
    bad = np.flatnonzero(~fits)
    if bad.size:
        first = int(bad[0])
        limits[bad] = f"does not fit (from step {first + 1})"
        limits[first] = describe_fit(model, int(codes[first]) or FIT_OVER_CONTEXT_WINDOW, prompt[first],
                                     completion[first])
    return fits, limits


def _priced_columns(registry: Registry, model: Model, role: Role, t: dict[str, np.ndarray], schedule: PriceSchedule,
                    fee: Any, assumed: AssumedToolFee | None, fits: np.ndarray, limits: np.ndarray,
                    settings: Settings) -> dict[str, Any]:
    """The priced step columns: tier, cache writes, cost per component (NaN where a step does not fit or has no
    price: never 0); tool calls at the provider's ``fee``, else at the ``assumed`` one in its own column; a step
    beyond every priced tier gets its limit text in ``limits``."""
    n = role.steps
    index = tier_index(schedule, t["prompt"])
    writes = np.zeros(n)
    if role.cache_hit_rate > 0:
        has_write_rate = np.array([tier.cache_write_mtok is not None for tier in schedule.tiers] + [False])
        writes = _uncached_part(t["prompt"], t["cached"], has_write_rate[index])
    costs = price_requests(
        registry, model.id, t["prompt"], t["output"], t["cached"], t["reasoning"], writes,
        currency=settings.currency, schedule=schedule,
    )
    tool_cost, assumed_cost = np.zeros(n), np.zeros(n)
    if fee is not None:
        tool_cost = t["tool_calls"] * registry.convert(fee.per_thousand_calls / 1000, fee.currency, settings.currency)
    elif assumed is not None:
        assumed_cost = t["tool_calls"] * registry.convert(assumed.per_thousand_calls / 1000, assumed.currency,
                                                          settings.currency)
    nan_unless_fits = np.where(fits, 1.0, np.nan)
    components = {
        "input_cost": costs.input, "cached_input_cost": costs.cached_input, "cache_write_cost": costs.cache_write,
        "output_cost": costs.output, "reasoning_cost": costs.reasoning, "tool_fee_cost": tool_cost,
        "assumed_tool_fee_cost": assumed_cost,
    }
    components = {k: v * nan_unless_fits for k, v in components.items()}
    unpriced = np.flatnonzero(fits & (costs.fit != FIT_OK))  # beyond every priced tier: no price, not 0
    if unpriced.size:
        first = int(unpriced[0])
        limits[unpriced] = f"no price (from step {first + 1})"
        limits[first] = describe_fit(model, int(costs.fit[first]), t["prompt"][first],
                                     t["output"][first] + t["reasoning"][first])
    return {"cache_write_tokens": writes, "tier_index": index, "tier_up_to": costs.tier_up_to,
            "tier_switch": np.concatenate([[False], index[1:] != index[:-1]]), **components,
            "cost": sum(components.values())}


def _step_frame(columns: dict[str, Any], limits: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({**columns, "limit": limits}, columns=STEP_COLUMNS)


@dataclass(frozen=True)
class SuccessMath:
    """Retries: p per attempt, up to k attempts."""

    success_rate: float
    max_attempts: int
    proxy: str | None = None
    """What stands in for p when it is not measured (``HLE 50.2% (tools) as a proxy``), else None."""

    @cached_property
    def expected_attempts(self) -> float:
        p, k = self.success_rate, self.max_attempts
        return (1 - (1 - p) ** k) / p

    @cached_property
    def success_probability(self) -> float:
        return 1 - (1 - self.success_rate) ** self.max_attempts


@dataclass(frozen=True)
class WorkloadResult:
    """A workload on one model (or ``mixed``: every role on its own model)."""

    workload: Workload
    model: str
    currency: str
    roles: list[RoleRun]
    tasks_per_month: float
    success: SuccessMath | None

    # -- tokens and cost ---------------------------------------------------------------------------------------
    def _task_sum(self, column: str) -> float:
        """Σ over roles of count × Σ over the steps of one instance (NaN stays NaN)."""
        return float(sum(run.role.count * run.steps[column].sum(skipna=False) for run in self.roles))

    @cached_property
    def steps(self) -> pd.DataFrame:
        """Every role's steps (one instance each), stacked; ``count`` says how many instances run them."""
        return pd.concat([run.steps for run in self.roles], ignore_index=True)

    @cached_property
    def breakdown(self) -> dict[str, float]:
        """Cost per task by component (``COMPONENTS``)."""
        names = {"input": "input_cost", "cached_input": "cached_input_cost", "cache_write": "cache_write_cost",
                 "output": "output_cost", "reasoning": "reasoning_cost", "tool_fees": "tool_fee_cost",
                 "assumed_tool_fees": "assumed_tool_fee_cost"}
        return {k: self._task_sum(col) for k, col in names.items()}

    @cached_property
    def cost_per_task(self) -> float:
        """NaN when any step cannot be priced or does not fit: unknown, never a partial sum."""
        return float(sum(run.role.count * run.instance_cost for run in self.roles))

    @cached_property
    def prompt_tokens(self) -> float:
        return self._task_sum("prompt_tokens")

    @cached_property
    def cached_tokens(self) -> float:
        return self._task_sum("cached_tokens")

    @cached_property
    def cache_write_tokens(self) -> float:
        return self._task_sum("cache_write_tokens")

    @cached_property
    def output_tokens(self) -> float:
        """Billed output: visible output + reasoning."""
        return self._task_sum("output_tokens") + self._task_sum("reasoning_tokens")

    @cached_property
    def reasoning_tokens(self) -> float:
        return self._task_sum("reasoning_tokens")

    @cached_property
    def tool_calls(self) -> float:
        return self._task_sum("tool_calls")

    @cached_property
    def unpriced_tool_calls(self) -> float:
        """Provider tool calls per task with no known fee and none assumed: not in the cost."""
        return self._task_sum("unpriced_tool_calls")

    @cached_property
    def assumed_fee_tool_calls(self) -> float:
        """Provider tool calls per task with no known fee, priced at the workload's assumed fee."""
        return self._task_sum("assumed_fee_tool_calls")

    @cached_property
    def lower_bound(self) -> bool:
        """True when the cost leaves out unpriced tool calls: the true cost is at least ``cost_per_task``
        (and the monthly and per-success figures are lower bounds too). False for a cost that cannot run."""
        return self.unpriced_tool_calls > 0 and math.isfinite(self.cost_per_task)

    @cached_property
    def monthly_cost(self) -> float:
        return self.tasks_per_month * self.cost_per_task

    @cached_property
    def cost_per_successful_task(self) -> float | None:
        return None if self.success is None else self.cost_per_task / self.success.success_rate

    @cached_property
    def no_price(self) -> list[str]:
        return [run.no_price for run in self.roles if run.no_price]

    # -- limits and tiers ---------------------------------------------------------------------------------------
    @cached_property
    def exceeds_context(self) -> list[dict[str, Any]]:
        """Per role that breaks a limit: the first such step and why."""
        out = []
        for run in self.roles:
            step = run.exceeds_at_step
            if step is not None:
                reason = run.steps.loc[run.steps["step"] == step, "limit"].iloc[0]
                out.append({"role": run.role.name, "model": run.model, "step": step, "reason": reason})
        return out

    @cached_property
    def exceeds_context_at_step(self) -> int | None:
        """The earliest step (in its role's loop) at which any role breaks its model's window or input cap."""
        steps = [e["step"] for e in self.exceeds_context]
        return min(steps) if steps else None

    @cached_property
    def tier_switches(self) -> list[dict[str, Any]]:
        """Every step at which a role's prompt moves to another price tier."""
        out = []
        for run in self.roles:
            frame = run.steps
            for step in run.tier_switch_steps:
                row = frame.loc[frame["step"] == step].iloc[0]
                before = frame.loc[frame["step"] == step - 1].iloc[0]
                out.append({"role": run.role.name, "model": run.model, "step": step,
                            "prompt_tokens": float(row["prompt_tokens"]),
                            "from_tier_up_to": _none_if_nan(before["tier_up_to"]),
                            "to_tier_up_to": _none_if_nan(row["tier_up_to"])})
        return out

    # -- latency ------------------------------------------------------------------------------------------------
    def _times(self, role_name: str | None) -> tuple[float, float]:
        """(wall, serial) of one instance of ``role_name`` including its children; None = the whole task."""
        runs = {run.role.name: run for run in self.roles}
        wall = serial = 0.0
        if role_name is not None:
            wall = serial = runs[role_name].step_time_s
        for child in self.workload.children(role_name):
            child_wall, child_serial = self._times(child.name)
            wall += math.ceil(child.count / child.parallelism) * child_wall
            serial += child.count * child_serial
        return wall, serial

    @cached_property
    def wall_time_s(self) -> float:
        return self._times(None)[0]

    @cached_property
    def serial_time_s(self) -> float:
        return self._times(None)[1]

    @cached_property
    def speedup(self) -> float:
        wall = self.wall_time_s
        return self.serial_time_s / wall if wall > 0 else math.nan

    def summary(self) -> dict[str, Any]:
        """The CLI's JSON result for this model (issue 4's exact keys); NaN becomes null when printed."""
        b = self.breakdown
        return {
            "model": self.model,
            "cost_per_task": self.cost_per_task,
            "prompt_tokens": self.prompt_tokens,
            "cached_tokens": self.cached_tokens,
            "output_tokens": self.output_tokens,
            "exceeds_context_at_step": self.exceeds_context_at_step,
            "wall_time_s": self.wall_time_s,
            "serial_time_s": self.serial_time_s,
            "speedup": self.speedup,
            "monthly_cost": self.monthly_cost,
            "cost_per_successful_task": self.cost_per_successful_task,
            "unpriced_tool_calls": self.unpriced_tool_calls,
            "lower_bound": self.lower_bound,
            "assumed_fee_tool_calls": self.assumed_fee_tool_calls,
            "assumed_tool_fee": (self.workload.assumed_tool_fee.model_dump()
                                 if self.workload.assumed_tool_fee is not None else None),
            "breakdown": {
                "input": b["input"], "cached_input": b["cached_input"], "cache_write": b["cache_write"],
                "output": b["output"] + b["reasoning"], "tool_fees": b["tool_fees"],
                "assumed_tool_fees": b["assumed_tool_fees"],
            },
        }

    def row(self) -> dict[str, Any]:
        """One flat row for a results table (the page, CSV export)."""
        b = self.breakdown
        success = self.success
        return {
            "model": self.model, "cost_per_task": self.cost_per_task, "monthly_cost": self.monthly_cost,
            "cost_per_successful_task": self.cost_per_successful_task,
            "success_rate": success.success_rate if success else math.nan,
            "success_proxy": success.proxy if success and success.proxy else "",
            "expected_attempts": success.expected_attempts if success else math.nan,
            "success_probability": success.success_probability if success else math.nan,
            "prompt_tokens": self.prompt_tokens, "cached_tokens": self.cached_tokens,
            "cache_write_tokens": self.cache_write_tokens, "output_tokens": self.output_tokens,
            "reasoning_tokens": self.reasoning_tokens, "tool_calls": self.tool_calls,
            "unpriced_tool_calls": self.unpriced_tool_calls, "assumed_fee_tool_calls": self.assumed_fee_tool_calls,
            "lower_bound": self.lower_bound,
            **{f"{k}_cost": v for k, v in b.items()},
            "exceeds_context_at_step": self.exceeds_context_at_step or math.nan,
            "limit": "; ".join(f"{e['role']}: {e['reason']}" for e in self.exceeds_context) or
                     "; ".join(self.no_price),
            "tier_switches": len(self.tier_switches),
            "wall_time_s": self.wall_time_s, "serial_time_s": self.serial_time_s, "speedup": self.speedup,
            "currency": self.currency,
        }


def _none_if_nan(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def run_workload(workload: Workload, registry: Registry, model: str | None = None, settings: Settings = Settings(),
                 *, tasks_per_month: float | None = None, success_rate: float | None = None,
                 success_proxy: str | None = None) -> WorkloadResult:
    """Every role on its own model (``model=None``: ``mixed``), or every role on ``model``.

    ``success_rate`` overrides the workload's (e.g. a benchmark score as a labelled proxy, ``success_proxy``).
    """
    check_models(workload, registry, workload.name, [model] if model else [])
    runs = [run_role(workload, role, registry, model, settings) for role in workload.roles]
    p = success_rate if success_rate is not None else workload.success_rate
    if p is not None and not 0 < p <= 1:
        raise AnalyticsError(f"success rate must be in (0, 1], got {p}")
    success = SuccessMath(p, workload.max_attempts, success_proxy) if p is not None else None
    return WorkloadResult(
        workload=workload, model=registry.resolve_id(model) if model else MIXED, currency=settings.currency,
        roles=runs, tasks_per_month=workload.tasks_per_month if tasks_per_month is None else tasks_per_month,
        success=success,
    )


def compare(workload: Workload, registry: Registry, models: Iterable[str] = (), settings: Settings = Settings(),
            *, success_rate: float | None = None, success_rates: Mapping[str, tuple[float, str] | None] | None = None,
            tasks_per_month: float | None = None) -> list[WorkloadResult]:
    """One result per model (every role on it); no models: one ``mixed`` result.

    ``success_rate`` replaces the workload's for every model; ``success_rates``, per model id, a (rate, label)
    that replaces it for that model (``whatifs.benchmark_proxies`` gives one; a model it lacks keeps the other)."""
    models = list(models)
    if not models:
        return [run_workload(workload, registry, None, settings, tasks_per_month=tasks_per_month,
                             success_rate=success_rate)]
    check_models(workload, registry, workload.name, models)
    results = []
    for model in models:
        rate, label = (success_rates or {}).get(registry.resolve_id(model)) or (success_rate, None)
        results.append(run_workload(workload, registry, model, settings, tasks_per_month=tasks_per_month,
                                    success_rate=rate, success_proxy=label))
    return results


def results_table(results: Iterable[WorkloadResult]) -> pd.DataFrame:
    """One row per result (``WorkloadResult.row``)."""
    return pd.DataFrame([r.row() for r in results])


def breakdown_table(results: Iterable[WorkloadResult]) -> pd.DataFrame:
    """Long form: model, component, cost per task — for a stacked bar."""
    rows = [{"model": r.model, "component": k, "cost": v} for r in results for k, v in r.breakdown.items()]
    return pd.DataFrame(rows, columns=["model", "component", "cost"])


def cumulative_cost(result: WorkloadResult, role: str | None = None) -> pd.DataFrame:
    """Running cost of ``role`` (all its instances: count × one instance) step by step, with tier switches;
    ``unpriced_tool_calls`` (all instances) where a step's tool calls have no known fee (the cost leaves them
    out: a lower bound)."""
    name = role or main_role(result.workload).name
    run = next((r for r in result.roles if r.role.name == name), None)
    if run is None:
        raise AnalyticsError(f"no role named {name!r} in workload {result.workload.name!r}")
    frame = run.steps[["role", "model", "step", "prompt_tokens", "tier_index", "tier_up_to", "tier_switch",
                       "fits", "cost", "unpriced_tool_calls"]].copy()
    frame["model"] = result.model
    frame["unpriced_tool_calls"] = frame["unpriced_tool_calls"] * run.role.count
    frame["step_cost"] = frame["cost"] * run.role.count
    frame["cumulative_cost"] = frame["step_cost"].cumsum(skipna=False)
    return frame.drop(columns="cost")
