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
- Tool calls (steps 1..N−1) are charged at the model provider's fee for ``tool``; where no fee is known they are
  counted as ``unpriced_tool_calls``, never priced at 0. ``tool: null`` is a tool run on your side (no fee).
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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, model_validator

from analytics.core.errors import (
    AnalyticsError,
    Location,
    Locator,
    NoPriceError,
    Problem,
    RegistryError,
    UnknownModelError,
    field_path,
    problems_from_validation,
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
from analytics.core.registry import DATA_DIR, Registry
from analytics.core.safeyaml import parse_yaml_text, read_yaml_file, yaml_text_from_bytes
from analytics.core.schema import Strict
from analytics.core.scores import select_scores

WORKLOADS_DIR = DATA_DIR / "workloads"
"""The bundled presets: ``data/workloads/<name>.yaml``."""
SCHEMA_FILE = WORKLOADS_DIR / "workload.schema.json"
SCHEMA_COMMENT = "# yaml-language-server: $schema=./workload.schema.json"
MAX_TOTAL_STEPS = 20_000
"""Σ steps over the roles of a workload file (one instance each; ``count`` is not limited by this): a small file must
not ask for minutes of pricing. The engine itself takes any ``Workload`` (what-ifs stretch loops beyond it)."""
MIXED = "mixed"
"""The ``model`` of a result where every role runs on its own model."""



def _tokens(default: Any = ...) -> Any:
    """A token count: finite, non-negative, an expected value (may be fractional)."""
    return Field(default=default, ge=0, allow_inf_nan=False, le=1e12)



class WorkloadError(RegistryError):
    """A workload file that cannot be used: every problem names the file, the role and the field."""


# -- the YAML types ---------------------------------------------------------------------------------------------


class Role(Strict):
    """One kind of agent in the workload: ``count`` instances of a loop of ``steps`` LLM calls on ``model``."""

    name: str = Field(min_length=1, max_length=80)
    """Unique within the workload; children name it as their ``parent``."""
    model: str = Field(min_length=1, max_length=120)
    """A registry model id or alias (``kimi-k2.5``); a comparison may run every role on one model instead."""
    parent: str | None = None
    """The role this one reports to (its returns are appended to the parent's context after the parent's
    step 1); null for a top-level role."""
    count: int = Field(default=1, ge=1, le=1_000_000)
    """Instances of this role per task (in total, not per parent instance)."""
    parallelism: int = Field(default=1, ge=1, le=1_000_000)
    """Instances running at once; they run in waves of ``ceil(count / parallelism)``."""
    steps: int = Field(ge=1, le=100_000)
    """LLM calls in one instance's loop."""
    system_prompt_tokens: float = _tokens()
    """System prompt (instructions, tool definitions): the stable prefix the cache can serve at step 1."""
    task_tokens: float = _tokens()
    """The task handed to one instance (the user's question, a document, a sub-task)."""
    reasoning_tokens_per_step: float = _tokens(0)
    """Thinking tokens per call, billed as output (at the reasoning rate where one is known)."""
    output_tokens_per_step: float = _tokens()
    """Visible output per call (answer, tool-call arguments)."""
    tool_result_tokens_per_step: float = _tokens(0)
    """Tokens a tool returns after each step but the last, appended to the context."""
    tool_calls_per_step: float = Field(default=0, ge=0, allow_inf_nan=False, le=1e6)
    """Tool calls after each step but the last (expected value; may be fractional)."""
    tool: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    """Which provider tool fee applies (``web_search``); null for tools you run yourself (no provider fee)."""
    tool_latency_s: float = Field(default=0, ge=0, allow_inf_nan=False, le=1e6)
    """Seconds the tool takes after each step but the last."""
    keep_reasoning_in_context: bool = False
    """Whether the reasoning of a step stays in the context of the next steps."""
    cache_hit_rate: float = Field(default=0, ge=0, le=1)
    """Share of the re-sent prefix read from the provider's prompt cache (0–1)."""
    returns_tokens: float = _tokens(0)
    """Tokens one instance hands back to its parent."""


class Workload(Strict):
    """An agent workload: what one task runs, and how many tasks a month."""

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    tasks_per_month: float = Field(default=1000, ge=0, allow_inf_nan=False, le=1e12)
    """Tasks run per month, for the monthly projection."""
    success_rate: float | None = Field(default=None, gt=0, le=1)
    """Chance one attempt solves the task (0–1]; null when unknown (a benchmark score may stand in as a proxy)."""
    max_attempts: int = Field(default=1, ge=1, le=100)
    """Attempts allowed per task (retries after a failure)."""
    roles: list[Role] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _role_tree(self) -> Workload:
        problems = role_tree_problems(self.roles)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def children(self, name: str | None) -> list[Role]:
        return [r for r in self.roles if r.parent == name]


def short_name(name: object, limit: int = 40) -> str:
    """A role name for a message: long names are cut, so one error stays one readable line."""
    text = str(name)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def role_tree_problems(roles: list[Role]) -> list[str]:
    """Unique names, known parents, no cycles, and ≥ 2 steps for a role with children (returns arrive after
    step 1, so a one-step parent could never read them)."""
    problems: list[str] = []
    names = [r.name for r in roles]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"role name {short_name(name)!r} is used twice — give each role its own name")
    known = set(names)
    parent_of = {r.name: r.parent for r in roles}
    for i, role in enumerate(roles):
        if role.parent is not None and role.parent not in known:
            choices = ", ".join(short_name(n) for n in sorted(known)[:10]) + (", …" if len(known) > 10 else "")
            problems.append(f"roles[{i}] ({short_name(role.name)}).parent: no role named "
                            f"{short_name(role.parent)!r} — use one of {choices} or null for a top-level role")
    reported: set[str] = set()
    for role in roles:
        seen: list[str] = []
        current: str | None = role.name
        while current is not None and current in parent_of and current not in seen:
            seen.append(current)
            current = parent_of[current]
        if current is not None and current in seen:
            loop = seen[seen.index(current):]
            if not reported & set(loop):
                problems.append(f"roles form a cycle: {' → '.join(short_name(n) for n in [*loop, current])} — "
                                "one of them must have parent: null")
                reported |= set(loop)
    for i, role in enumerate(roles):
        if role.steps < 2 and any(r.parent == role.name for r in roles):
            problems.append(f"roles[{i}] ({short_name(role.name)}).steps: a role with children needs at least 2 steps "
                            "(children's returns are appended after step 1) — raise steps")
    return problems


# -- loading ------------------------------------------------------------------------------------------------------


_HINTS = {
    "extra_forbidden": "unknown field: check its spelling against data/workloads/workload.schema.json",
    "missing": "this field is required: add it",
    "greater_than_equal": "must not be negative",
}


def _locate(raw: Any) -> Locator:
    """A workload's error location: ``roles[2] (researcher).steps``."""
    def locate(loc: Location) -> tuple[str | None, str]:
        if len(loc) >= 2 and loc[0] == "roles" and isinstance(loc[1], int):
            roles = raw.get("roles") if isinstance(raw, dict) else None
            name = None
            if isinstance(roles, list) and loc[1] < len(roles) and isinstance(roles[loc[1]], dict):
                name = roles[loc[1]].get("name")
            where = f"roles[{loc[1]}]" + (f" ({short_name(name)})" if name else "")
            return None, where + ("." + field_path(loc[2:]) if loc[2:] else "")
        return None, field_path(loc)

    return locate


def workload_from_data(raw: Any, name: str) -> Workload:
    """Validate parsed YAML; a ``WorkloadError`` lists every problem with file, role and field."""
    if not isinstance(raw, dict):
        raise WorkloadError([Problem(name, f"expected a YAML mapping at the top, got {type(raw).__name__}",
                                     hint="start with name:, roles: … (see data/workloads/*.yaml)")])
    try:
        workload = Workload.model_validate(raw)
    except ValidationError as exc:
        raise WorkloadError(problems_from_validation(exc, name, locate=_locate(raw), hints=_HINTS,
                                                     split_lines=True)) from None
    total = sum(role.steps for role in workload.roles)
    if total > MAX_TOTAL_STEPS:
        raise WorkloadError([Problem(name, f"the roles have {total:,} steps in all, over the {MAX_TOTAL_STEPS:,} "
                                           "a workload may ask for", field="roles",
                                     hint="shorten the loops (steps); instances (count) are not limited")])
    return workload


def parse_workload(text: str, name: str = "uploaded workload") -> Workload:
    """A workload from YAML text (an upload): size-bounded, no Python tags, no alias bombs."""
    return workload_from_data(parse_yaml_text(text, name), name)


def workload_from_bytes(data: bytes, name: str = "uploaded workload") -> Workload:
    """A workload from an uploaded file's bytes, with the checks ``safeyaml.read_yaml_file`` makes on a path:
    the size bound before decoding, strict UTF-8, no NUL bytes."""
    try:
        text = yaml_text_from_bytes(data, name)
    except RegistryError as exc:
        raise WorkloadError(exc.problems) from None
    return parse_workload(text, name)


def preset_names() -> list[str]:
    """The bundled presets, by file stem, in a stable order."""
    return sorted(p.stem for p in WORKLOADS_DIR.glob("*.yaml"))


def preset_path(name: str) -> Path:
    return WORKLOADS_DIR / f"{name}.yaml"


def load_workload(file_or_preset: str | Path) -> Workload:
    """A preset by name (``agent-swarm``) or a YAML file by path."""
    text = str(file_or_preset)
    path = Path(text)
    if not path.suffix and "/" not in text and preset_path(text).is_file():
        path = preset_path(text)
    elif not path.is_file():
        presets = ", ".join(preset_names())
        raise WorkloadError([Problem(text, "no such workload file or preset", hint=f"presets: {presets}")])
    return workload_from_data(read_yaml_file(path, text), text)


def workload_yaml(workload: Workload) -> str:
    """The workload as YAML (with the schema comment), e.g. to download an edited workload."""
    import yaml

    data = workload.model_dump(mode="json")
    return SCHEMA_COMMENT + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def workload_json_schema() -> dict:
    """The JSON Schema of a workload file (``data/workloads/workload.schema.json``)."""
    schema = Workload.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = ("An agent workload (analytics/workloads.py). Generated by "
                             "`python -m analytics workload-schema`; do not edit by hand.")
    return schema


def check_models(workload: Workload, registry: Registry, file: str = "workload",
                 models: Iterable[str] = ()) -> None:
    """Every role's model (and every model to compare) is in the registry; else one error with suggestions."""
    problems = []
    for i, role in enumerate(workload.roles):
        try:
            registry.resolve_id(role.model)
        except UnknownModelError as exc:
            problems.append(Problem(file, str(exc), field=f"roles[{i}] ({short_name(role.name)}).model"))
    for model in models:
        try:
            registry.resolve_id(model)
        except UnknownModelError as exc:
            problems.append(Problem(file, str(exc), field="--model"))
    if problems:
        raise WorkloadError(problems)


# -- speeds -------------------------------------------------------------------------------------------------------


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
    "unpriced_tool_calls", "cost", "latency_s",
]
"""Per step of ONE instance of a role (multiply by ``count`` for the task)."""

COMPONENTS = ("input", "cached_input", "cache_write", "output", "reasoning", "tool_fees")
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
    latency = (speed.time_to_first_token_s + completion / speed.output_tokens_per_s + t["tool_latency"])

    over_window = t["prompt"] + completion > model.context_window
    over_cap = t["prompt"] > prompt_cap(model)
    codes = fit_codes(model, t["prompt"], completion)
    fits = ~(over_window | over_cap | (codes != FIT_OK))

    limits = np.full(n, "", dtype=object)
    bad = np.flatnonzero(~fits)
    if bad.size:  # the reason in words for the first step that does not fit; the later ones point back to it
        first = int(bad[0])
        limits[bad] = f"does not fit (from step {first + 1})"
        limits[first] = describe_fit(model, int(codes[first]) or FIT_OVER_CONTEXT_WINDOW, t["prompt"][first],
                                     completion[first])
    columns: dict[str, Any] = {
        "role": np.full(n, role.name, dtype=object), "model": np.full(n, model_id, dtype=object),
        "count": np.full(n, role.count), "step": t["step"], "prompt_tokens": t["prompt"],
        "cached_tokens": t["cached"], "output_tokens": t["output"], "reasoning_tokens": t["reasoning"],
        "tool_calls": t["tool_calls"], "fits": fits, "latency_s": latency,
    }
    fee = registry.tool_fee(model_id, role.tool, settings.on) if role.tool else None
    fee_known = role.tool is None or fee is not None
    columns["unpriced_tool_calls"] = np.zeros(n) if fee_known else t["tool_calls"]

    def frame() -> pd.DataFrame:
        columns["limit"] = limits
        return pd.DataFrame(columns, columns=STEP_COLUMNS)

    try:
        schedule = registry.schedule(model_id, settings.region, settings.service_tier, settings.on)
    except NoPriceError as exc:
        nan = np.full(n, np.nan)
        columns.update(cache_write_tokens=np.zeros(n), tier_index=np.full(n, -1), tier_up_to=nan,
                       tier_switch=np.zeros(n, dtype=bool), input_cost=nan, cached_input_cost=nan,
                       cache_write_cost=nan, output_cost=nan, reasoning_cost=nan, tool_fee_cost=nan, cost=nan)
        return RoleRun(role, model_id, frame(), fee_known, speed, no_price=str(exc))

    index = tier_index(schedule, t["prompt"])
    writes = np.zeros(n)
    if role.cache_hit_rate > 0:
        has_write_rate = np.array([tier.cache_write_mtok is not None for tier in schedule.tiers] + [False])
        writes = _uncached_part(t["prompt"], t["cached"], has_write_rate[index])
    costs = price_requests(
        registry, model_id, t["prompt"], t["output"], t["cached"], t["reasoning"], writes,
        currency=settings.currency, schedule=schedule,
    )
    if fee is not None:
        per_call = registry.convert(fee.per_thousand_calls / 1000, fee.currency, settings.currency)
        tool_cost = t["tool_calls"] * per_call
    else:
        tool_cost = np.zeros(n)
    nan_unless_fits = np.where(fits, 1.0, np.nan)
    components = {
        "input_cost": costs.input, "cached_input_cost": costs.cached_input, "cache_write_cost": costs.cache_write,
        "output_cost": costs.output, "reasoning_cost": costs.reasoning, "tool_fee_cost": tool_cost,
    }
    components = {k: v * nan_unless_fits for k, v in components.items()}
    unpriced = np.flatnonzero(fits & (costs.fit != FIT_OK))  # beyond every priced tier: no price, not 0
    if unpriced.size:
        first = int(unpriced[0])
        limits[unpriced] = f"no price (from step {first + 1})"
        limits[first] = describe_fit(model, int(costs.fit[first]), t["prompt"][first], completion[first])
    columns.update(
        cache_write_tokens=writes, tier_index=index, tier_up_to=costs.tier_up_to,
        tier_switch=np.concatenate([[False], index[1:] != index[:-1]]), **components,
        cost=sum(components.values()),
    )
    return RoleRun(role, model_id, frame(), fee_known, speed)


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
                 "output": "output_cost", "reasoning": "reasoning_cost", "tool_fees": "tool_fee_cost"}
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
        return self._task_sum("unpriced_tool_calls")

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
            "breakdown": {
                "input": b["input"], "cached_input": b["cached_input"], "cache_write": b["cache_write"],
                "output": b["output"] + b["reasoning"], "tool_fees": b["tool_fees"],
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
            "unpriced_tool_calls": self.unpriced_tool_calls,
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
            **kwargs: Any) -> list[WorkloadResult]:
    """One result per model (every role on it); no models: one ``mixed`` result."""
    models = list(models)
    if not models:
        return [run_workload(workload, registry, None, settings, **kwargs)]
    check_models(workload, registry, workload.name, models)
    return [run_workload(workload, registry, m, settings, **kwargs) for m in models]


def results_table(results: Iterable[WorkloadResult]) -> pd.DataFrame:
    """One row per result (``WorkloadResult.row``)."""
    return pd.DataFrame([r.row() for r in results])


def breakdown_table(results: Iterable[WorkloadResult]) -> pd.DataFrame:
    """Long form: model, component, cost per task — for a stacked bar."""
    rows = [{"model": r.model, "component": k, "cost": v} for r in results for k, v in r.breakdown.items()]
    return pd.DataFrame(rows, columns=["model", "component", "cost"])


# -- what-ifs ------------------------------------------------------------------------------------------------------


def main_role(workload: Workload) -> Role:
    """The role a per-step view follows by default: the one making the most calls per task (count × steps;
    the first such role on a tie)."""
    return max(workload.roles, key=lambda r: r.count * r.steps)


def cumulative_cost(result: WorkloadResult, role: str | None = None) -> pd.DataFrame:
    """Running cost of ``role`` (all its instances: count × one instance) step by step, with tier switches."""
    name = role or main_role(result.workload).name
    run = next((r for r in result.roles if r.role.name == name), None)
    if run is None:
        raise AnalyticsError(f"no role named {name!r} in workload {result.workload.name!r}")
    frame = run.steps[["role", "model", "step", "prompt_tokens", "tier_index", "tier_up_to", "tier_switch",
                       "fits", "cost"]].copy()
    frame["model"] = result.model
    frame["step_cost"] = frame["cost"] * run.role.count
    frame["cumulative_cost"] = frame["step_cost"].cumsum(skipna=False)
    return frame.drop(columns="cost")


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
    base; sorted by the width of the swing, widest first. ``metric`` is a ``WorkloadResult`` attribute."""
    if not 0 < swing < 1:
        raise AnalyticsError(f"swing must be between 0 and 1, got {swing}")
    base = getattr(run_workload(workload, registry, model, settings), metric)
    rows = []
    for parameter in SENSITIVITY_PARAMETERS:
        low = getattr(run_workload(_scaled(workload, parameter, 1 - swing), registry, model, settings), metric)
        high = getattr(run_workload(_scaled(workload, parameter, 1 + swing), registry, model, settings), metric)
        rows.append({"parameter": parameter, "base": base, "low": low, "high": high,
                     "low_delta": low - base, "high_delta": high - base,
                     "range": abs(high - low) if np.isfinite(high - low) else math.inf})
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


def break_even(workload: Workload, registry: Registry, model_a: str, model_b: str, role: str | None = None,
               max_steps: int | None = None, settings: Settings = Settings()) -> BreakEven:
    """Cost per task on ``model_a`` vs ``model_b`` for 1..``max_steps`` steps of ``role`` (others unchanged).

    The role's prefix of steps does not depend on its length, so one run at ``max_steps`` gives every length:
    cost(N) = rest of the task + count × (Σ_{i ≤ N} step cost − tool fees of step N, which has no tool call).
    """
    name, longest, floor = _loop_range(workload, role, max_steps)
    curve_a = _loop_cost_curve(workload, registry, model_a, name, longest, floor, settings)
    curve_b = _loop_cost_curve(workload, registry, model_b, name, longest, floor, settings)
    return _break_even_of(registry, name, model_a, model_b, curve_a, curve_b, floor)


def _loop_range(workload: Workload, role: str | None, max_steps: int | None) -> tuple[str, int, int]:
    """The role followed, the longest loop drawn (default twice its steps, at least 10) and the shortest (2 when
    the role has children: their results join its context after step 1)."""
    name = role or main_role(workload).name
    target = workload.role(name)
    return name, max_steps or max(2 * target.steps, 10), 2 if workload.children(name) else 1


def _loop_cost_curve(workload: Workload, registry: Registry, model: str, name: str, longest: int, floor: int,
                     settings: Settings) -> np.ndarray:
    """Cost per task for 1..``longest`` steps of role ``name`` on ``model`` (NaN where it cannot run)."""
    target = workload.role(name)
    stretched = with_role_changes(workload, {name: {"steps": max(longest, floor)}})
    result = run_workload(stretched, registry, model, settings)
    run = next(r for r in result.roles if r.role.name == name)
    rest = sum(r.role.count * r.instance_cost for r in result.roles if r.role.name != name)
    steps = run.steps
    running = steps["cost"].cumsum(skipna=False).to_numpy()
    # the tool call after step N is not made when N is the last step
    last_fee = steps["tool_fee_cost"].to_numpy()
    return (rest + target.count * (running - last_fee))[:longest]


def _break_even_of(registry: Registry, name: str, model_a: str, model_b: str, curve_a: np.ndarray,
                   curve_b: np.ndarray, floor: int) -> BreakEven:
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
    return BreakEven(name, registry.resolve_id(model_a), registry.resolve_id(model_b), table, crossings)


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
            curves[model] = _loop_cost_curve(workload, registry, model, name, longest, floor, settings)
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


# -- editing as a table ------------------------------------------------------------------------------------------

ROLE_FIELDS = tuple(Role.model_fields)
"""The columns of a role table, in the YAML's order."""
_INTEGER_FIELDS = ("count", "parallelism", "steps")
_OPTIONAL_TEXT = ("parent", "tool")


def roles_frame(workload: Workload) -> pd.DataFrame:
    """One row per role, one column per field: what a table editor shows."""
    return pd.DataFrame([role.model_dump() for role in workload.roles], columns=list(ROLE_FIELDS))


def _cell(field_name: str, value: Any) -> Any:
    """A table cell back to a YAML value: empty text and NaN are null; whole numbers stay whole."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        value = value.strip()
        if field_name in _OPTIONAL_TEXT and value in ("", "none", "null", "None"):
            return None
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if field_name in _INTEGER_FIELDS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def workload_from_frame(base: Workload, frame: pd.DataFrame, name: str = "edited workload",
                        **fields: Any) -> Workload:
    """``base`` with its roles replaced by the rows of ``frame`` (and top-level ``fields`` changed); validated,
    a ``WorkloadError`` naming the role and field otherwise. Rows left wholly empty are dropped."""
    roles = []
    for record in frame.to_dict("records"):
        row = {k: _cell(k, v) for k, v in record.items() if k in ROLE_FIELDS}
        if all(v is None for v in row.values()):
            continue
        roles.append({k: v for k, v in row.items() if v is not None or k in _OPTIONAL_TEXT})
    raw = {**base.model_dump(mode="json"), **fields, "roles": roles}
    return workload_from_data(raw, name)
