"""The cost of requests and blended prices, vectorised over numpy arrays of requests.

Semantics (also in data/README.md):
- ``prompt_tokens`` is the whole prompt, cached tokens included; the tier is chosen by it (cliff: the whole
  request is billed at that tier's rates).
- Cost = (prompt − cached − cache_write − cache_write_1h) × input + cached × cache_read
  + cache_write × cache_write + cache_write_1h × cache_write_1h + output × output + reasoning × reasoning.
  ``cache_write`` is a write to the default (5-minute) cache, ``cache_write_1h`` to the 1-hour cache where the
  provider has one. An unknown cache-read or cache-write rate falls back to the input rate (the provider does not
  price them separately); an unknown reasoning rate falls back to the output rate.
  An unknown input or output rate makes the cost NaN: "no price", never 0.
- A request must fit: prompt ≤ max_input_tokens and output + reasoning ≤ max_output_tokens where the model sets
  them; prompt + output + reasoning ≤ context_window where it has no separate input cap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .clock import today
from .errors import AnalyticsError, ContextLimitError, NoPriceError, NotLiveError
from .lifecycle import status_label
from .registry import Registry
from .schema import Model, PriceSchedule, Tier

MTOK = 1_000_000

FIT_OK = 0
FIT_PROMPT_OVER_INPUT_CAP = 1
FIT_OUTPUT_OVER_CAP = 2
FIT_OVER_CONTEXT_WINDOW = 3
FIT_PROMPT_OVER_PRICED_TIERS = 4


@dataclass(frozen=True)
class TierRates:
    """The per-1M rates of one tier, in the schedule's currency, with every fallback applied (NaN = unknown)."""

    up_to: int | None
    input: float
    output: float
    cache_read: float
    cache_write: float
    cache_write_1h: float
    reasoning: float
    cache_read_known: bool

    @classmethod
    def of(cls, tier: Tier) -> TierRates:
        nan = float("nan")
        inp = tier.input_mtok if tier.input_mtok is not None else nan
        out = tier.output_mtok if tier.output_mtok is not None else nan
        return cls(
            up_to=tier.up_to,
            input=inp,
            output=out,
            cache_read=tier.cache_read_mtok if tier.cache_read_mtok is not None else inp,
            cache_write=tier.cache_write_mtok if tier.cache_write_mtok is not None else inp,
            cache_write_1h=tier.cache_write_1h_mtok if tier.cache_write_1h_mtok is not None else inp,
            reasoning=tier.reasoning_mtok if tier.reasoning_mtok is not None else out,
            cache_read_known=tier.cache_read_mtok is not None,
        )


def tier_bounds(schedule: PriceSchedule) -> np.ndarray:
    """The inclusive ``up_to`` bounds of the closed tiers, ascending (the open last tier has none)."""
    return np.array([t.up_to for t in schedule.tiers if t.up_to is not None], dtype=np.int64)


def tier_index(schedule: PriceSchedule, prompt_tokens: Any) -> np.ndarray:
    """Index of the tier each prompt falls in; ``len(schedule.tiers)`` where it is beyond every closed tier.

    ``up_to`` is inclusive: with bounds [32768, 131072], a prompt of 32,768 is tier 0 and 32,769 is tier 1.
    """
    prompts = np.asarray(prompt_tokens)
    index = np.searchsorted(tier_bounds(schedule), prompts, side="left")
    return np.minimum(index, len(schedule.tiers))


def tier_label(schedule: PriceSchedule, index: int) -> str:
    """Which prompts a tier covers, for people: "all", "≤ 200,000", "> 200,000", "32,769–131,072"."""
    if index >= len(schedule.tiers):
        return "beyond every tier"
    tier = schedule.tiers[index]
    previous = schedule.tiers[index - 1].up_to if index > 0 else None
    if tier.up_to is None:
        return "all" if previous is None else f"> {previous:,}"
    if previous is None:
        return f"≤ {tier.up_to:,}"
    return f"{previous + 1:,}–{tier.up_to:,}"


def tier_labels(schedule: PriceSchedule) -> list[str]:
    """``tier_label`` of every tier of a schedule, in order."""
    return [tier_label(schedule, i) for i in range(len(schedule.tiers))]


def tiers_summary(schedule: PriceSchedule, factor: float = 1.0) -> str:
    """Every tier in one cell, input / output per 1M (times ``factor``, a currency conversion):
    "≤ 200,000: 3 / 15 · > 200,000: 6 / 22.5"; a single tier is "all: 3 / 15"."""
    def rate(value: float | None) -> str:
        return "unknown" if value is None else f"{value * factor:g}"

    return " · ".join(f"{label}: {rate(tier.input_mtok)} / {rate(tier.output_mtok)}"
                      for label, tier in zip(tier_labels(schedule), schedule.tiers, strict=True))


def prompt_cap(model: Model) -> int:
    return model.max_input_tokens or model.context_window


def fit_codes(model: Model, prompt_tokens: Any, completion_tokens: Any, whole: np.ndarray | None = None
              ) -> np.ndarray:
    """Per request: ``FIT_OK`` or the first limit it breaks (see the module docstring for the rule): the input cap,
    then the context window, then the output cap. ``whole`` is prompt + completion where the caller has it."""
    prompt = np.asarray(prompt_tokens, dtype=np.float64)
    completion = np.asarray(completion_tokens, dtype=np.float64)
    codes = np.zeros(np.broadcast(prompt, completion).shape, dtype=np.int8)
    # in reverse priority, each mask written only where it holds: a higher priority overwrites a lower one
    broken = []
    if model.max_output_tokens is not None:
        broken.append((completion > model.max_output_tokens, FIT_OUTPUT_OVER_CAP))
    if model.max_input_tokens is None:
        broken.append(((prompt + completion if whole is None else whole) > model.context_window,
                       FIT_OVER_CONTEXT_WINDOW))
    broken.append((prompt > prompt_cap(model), FIT_PROMPT_OVER_INPUT_CAP))
    for mask, code in broken:
        if mask.any():
            codes[mask] = code
    return codes


def describe_fit(model: Model, code: int, prompt: float, completion: float) -> str:
    """One sentence naming the limit a request breaks."""
    if code == FIT_PROMPT_OVER_INPUT_CAP:
        which = "input cap (max_input_tokens)" if model.max_input_tokens else "context window"
        return f"{model.id}: a prompt of {prompt:,.0f} tokens exceeds the {which} of {prompt_cap(model):,} tokens"
    if code == FIT_OUTPUT_OVER_CAP:
        return (f"{model.id}: {completion:,.0f} output + reasoning tokens exceed max_output_tokens "
                f"{model.max_output_tokens:,}")
    if code == FIT_OVER_CONTEXT_WINDOW:
        return (f"{model.id}: prompt {prompt:,.0f} + output {completion:,.0f} tokens exceed the context window of "
                f"{model.context_window:,} tokens")
    if code == FIT_PROMPT_OVER_PRICED_TIERS:
        return f"{model.id}: no price tier covers a prompt of {prompt:,.0f} tokens"
    return "fits"


@dataclass(frozen=True)
class RequestCosts:
    """Costs of many requests on one model, one array per component (NaN where no price is known)."""

    model: str
    currency: str
    schedule: PriceSchedule
    tier_index: np.ndarray
    tier_up_to: np.ndarray
    """The ``up_to`` of the tier applied (NaN for the open last tier or beyond every tier)."""
    input: np.ndarray
    cached_input: np.ndarray
    cache_write: np.ndarray
    """Writes to the default (5-minute) cache."""
    cache_write_1h: np.ndarray
    """Writes to the 1-hour cache."""
    output: np.ndarray
    reasoning: np.ndarray
    fit: np.ndarray
    """``FIT_OK`` (0) or the limit broken; costs of requests that do not fit are NaN."""

    @property
    def total(self) -> np.ndarray:
        return self.input + self.cached_input + self.cache_write + self.cache_write_1h + self.output + self.reasoning


def _tokens(value: Any, name: str) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.size and (not np.all(np.isfinite(array)) or np.any(array < 0)):
        raise AnalyticsError(f"{name} must be finite and non-negative token counts")
    return array


COMPONENTS = (("input", "input"), ("cached_input", "cache_read"), ("cache_write", "cache_write"),
              ("cache_write_1h", "cache_write_1h"), ("output", "output"), ("reasoning", "reasoning"))
"""Cost components in breakdown order, each with the ``TierRates`` rate it is billed at."""


def _checked_tokens(prompt_tokens, output_tokens, cached_tokens, reasoning_tokens, cache_write_tokens,
                    cache_write_1h_tokens=0, *, check=True):
    """The six token arrays as float64, broadcast to one shape; validated unless ``check`` is False."""
    arrays = [np.asarray(a, dtype=np.float64) for a in
              (prompt_tokens, output_tokens, cached_tokens, reasoning_tokens, cache_write_tokens,
               cache_write_1h_tokens)]
    if check:
        names = ("prompt", "output", "cached", "reasoning", "cache-write", "1-hour cache-write")
        for array, name in zip(arrays, names, strict=True):
            _tokens(array, f"{name} tokens")
    prompt, output, cached, reasoning, writes, writes_1h = np.broadcast_arrays(*arrays)
    if check and np.any(cached + writes + writes_1h > prompt):
        raise AnalyticsError("cached + cache-write tokens cannot exceed the prompt (the prompt includes them)")
    return prompt, output, cached, reasoning, writes, writes_1h


@dataclass(frozen=True)
class TokenArrays:
    """The token arrays of many requests (float64, one shape), with what every model's pricing reuses: computed
    once per log rather than once per model."""

    prompt: np.ndarray
    output: np.ndarray
    cached: np.ndarray
    reasoning: np.ndarray
    writes: np.ndarray
    """Writes to the default (5-minute) cache."""
    writes_1h: np.ndarray
    """Writes to the 1-hour cache."""
    uncached: np.ndarray
    """prompt − cached − both kinds of cache writes: the tokens billed at the input rate."""
    completion: np.ndarray
    """output + reasoning: what the output cap and the window count."""
    used: dict[str, bool]
    """Per cost component (``COMPONENTS``): whether any request has tokens of it."""
    _whole: list = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, prompt_tokens: Any, output_tokens: Any, cached_tokens: Any = 0, reasoning_tokens: Any = 0,
           cache_write_tokens: Any = 0, cache_write_1h_tokens: Any = 0, *, check: bool = True) -> TokenArrays:
        prompt, output, cached, reasoning, writes, writes_1h = _checked_tokens(
            prompt_tokens, output_tokens, cached_tokens, reasoning_tokens, cache_write_tokens, cache_write_1h_tokens,
            check=check)
        any_cached, any_writes, any_writes_1h = bool(cached.any()), bool(writes.any()), bool(writes_1h.any())
        uncached = prompt
        for used_at_all, part in ((any_cached, cached), (any_writes, writes), (any_writes_1h, writes_1h)):
            if used_at_all:
                uncached = uncached - part
        any_reasoning = bool(reasoning.any())
        completion = output + reasoning if any_reasoning else output
        used = {"input": bool(uncached.any()), "cached_input": any_cached, "cache_write": any_writes,
                "cache_write_1h": any_writes_1h, "output": bool(output.any()), "reasoning": any_reasoning}
        return cls(prompt, output, cached, reasoning, writes, writes_1h, uncached, completion, used)

    @property
    def whole(self) -> np.ndarray:
        """prompt + completion (computed on first use: only models without an input cap need it)."""
        if not self._whole:
            self._whole.append(self.prompt + self.completion)
        return self._whole[0]

    def of_component(self, name: str) -> np.ndarray:
        return {"input": self.uncached, "cached_input": self.cached, "cache_write": self.writes,
                "cache_write_1h": self.writes_1h, "output": self.output, "reasoning": self.reasoning}[name]

    def take(self, rows: np.ndarray) -> TokenArrays:
        """The same requests' subset (rows of one schedule period)."""
        return TokenArrays.of(self.prompt[rows], self.output[rows], self.cached[rows], self.reasoning[rows],
                              self.writes[rows], self.writes_1h[rows], check=False)


def _rate_table(registry: Registry, schedule: PriceSchedule, attr: str, currency: str) -> np.ndarray:
    """One component's per-1-token rate per tier (NaN where unknown, and for "beyond every tier")."""
    factor = registry.convert(1.0, schedule.currency, currency) / MTOK
    return np.array([getattr(TierRates.of(t), attr) for t in schedule.tiers] + [np.nan], dtype=np.float64) * factor


def _add_components(registry: Registry, schedule: PriceSchedule, tokens: TokenArrays, currency: str,
                    tier: int | np.ndarray) -> np.ndarray:
    """Σ tokens × rate over the components, in ``COMPONENTS`` order, at ``tier`` (one tier for every request, or
    one per request): one buffer, one pass per component used. An unknown rate costs nothing on zero tokens and
    makes the cost NaN otherwise (unknown is not zero)."""
    total = None
    scratch = None
    n_tiers = len(schedule.tiers)
    for name, attr in COMPONENTS:
        if not tokens.used[name]:
            continue  # zero tokens cost nothing, even at an unknown rate
        column = tokens.of_component(name)
        table = _rate_table(registry, schedule, attr, currency)
        rate = table[tier]
        if np.isnan(table[:n_tiers]).any():
            term = np.where(column == 0, 0.0, column * rate)
        else:
            term = np.multiply(column, rate, out=scratch)
            scratch = term
        if total is None:
            total, scratch = term, None
        else:
            total += term
    return np.zeros(tokens.prompt.shape, dtype=np.float64) if total is None else total


def totals_of(registry: Registry, model: Model, schedule: PriceSchedule, tokens: TokenArrays, currency: str
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``(total, fit, tier_index)`` of many requests on one schedule (NaN where a request does not fit or has no
    price; ``tier_index`` None when the schedule has one open tier): the replay's inner loop.

    Every request is first priced at the first tier's rates (scalars: one pass per component); the few whose
    prompt is beyond the first tier are then priced again at their own tier's. The sums are the same,
    operation for operation, as pricing each request at its tier directly."""
    fit = fit_codes(model, tokens.prompt, tokens.completion,
                    whole=tokens.whole if model.max_input_tokens is None else None)
    total = _add_components(registry, schedule, tokens, currency, 0)
    index = None
    n_tiers = len(schedule.tiers)
    if not (n_tiers == 1 and schedule.tiers[0].up_to is None):
        index = np.zeros(tokens.prompt.shape, dtype=np.int8)
        above = np.flatnonzero(tokens.prompt > schedule.tiers[0].up_to)
        if len(above):
            tiers = tier_index(schedule, tokens.prompt[above]).astype(np.int8)
            index[above] = tiers
            total[above] = _add_components(registry, schedule, tokens.take(above), currency, tiers.astype(np.intp))
            beyond = above[tiers >= n_tiers]
            if len(beyond):
                fit[beyond[fit[beyond] == FIT_OK]] = FIT_PROMPT_OVER_PRICED_TIERS
    unfit = np.flatnonzero(fit)
    if len(unfit):
        total[unfit] = np.nan
    return total, fit, index


def _component_costs(registry, model, schedule, prompt, output, cached, reasoning, writes, writes_1h, currency):
    """The engine: per component, the cost array (None where no request uses it), the fit codes and the tier index.

    One gather per component over the per-tier rate table, not a loop per request; a schedule with one open
    tier uses scalars. Costs of requests that do not fit are not yet NaN: callers mask with ``fit``.
    """
    n_tiers = len(schedule.tiers)
    open_single_tier = n_tiers == 1 and schedule.tiers[0].up_to is None
    index = np.zeros(prompt.shape, dtype=np.intp) if open_single_tier else tier_index(schedule, prompt)
    fit = fit_codes(model, prompt, output + reasoning)
    if not open_single_tier:
        fit[(fit == FIT_OK) & (index >= n_tiers)] = FIT_PROMPT_OVER_PRICED_TIERS

    factor = registry.convert(1.0, schedule.currency, currency) / MTOK
    rates = [TierRates.of(t) for t in schedule.tiers]
    uncached = prompt - cached - writes - writes_1h if (cached.any() or writes.any() or writes_1h.any()) else prompt
    tokens_of = {"input": uncached, "cached_input": cached, "cache_write": writes, "cache_write_1h": writes_1h,
                 "output": output, "reasoning": reasoning}
    components: dict[str, np.ndarray | None] = {}
    for name, attr in COMPONENTS:
        tokens = tokens_of[name]
        if not tokens.any():
            components[name] = None  # zero tokens cost nothing, even at an unknown rate
            continue
        table = np.array([getattr(r, attr) for r in rates] + [np.nan], dtype=np.float64) * factor
        term = tokens * (table[0] if open_single_tier else table[index])
        if np.isnan(table[:n_tiers]).any():
            term = np.where(tokens == 0, 0.0, term)
        components[name] = term
    return components, fit, index


def price_requests(
    registry: Registry,
    model_id: str,
    prompt_tokens: Any,
    output_tokens: Any,
    cached_tokens: Any = 0,
    reasoning_tokens: Any = 0,
    cache_write_tokens: Any = 0,
    cache_write_1h_tokens: Any = 0,
    *,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
    schedule: PriceSchedule | None = None,
) -> RequestCosts:
    """Price arrays of requests on one model: one numpy pass per component, no Python loop per request.

    ``prompt_tokens`` includes ``cached_tokens`` and both kinds of cache writes. Requests that break a limit come
    back with NaN costs and a non-zero ``fit`` code rather than an exception; ``price_request`` raises instead.
    """
    model = registry.model(model_id)
    schedule = schedule or registry.schedule(model.id, region, service_tier, on)
    arrays = _checked_tokens(prompt_tokens, output_tokens, cached_tokens, reasoning_tokens, cache_write_tokens,
                             cache_write_1h_tokens)
    components, fit, index = _component_costs(registry, model, schedule, *arrays, currency)
    outside = fit != FIT_OK
    costs = {}
    for name, term in components.items():
        array = np.zeros(fit.shape) if term is None else np.array(term, dtype=np.float64, copy=True)
        array[outside] = np.nan
        costs[name] = array
    nan = float("nan")
    up_to = np.array([t.up_to if t.up_to is not None else nan for t in schedule.tiers] + [nan], dtype=np.float64)
    return RequestCosts(model=model.id, currency=currency, schedule=schedule, tier_index=index,
                        tier_up_to=up_to[index], fit=fit, **costs)


def request_totals(
    registry: Registry,
    model_id: str,
    prompt_tokens: Any,
    output_tokens: Any,
    cached_tokens: Any = 0,
    reasoning_tokens: Any = 0,
    cache_write_tokens: Any = 0,
    cache_write_1h_tokens: Any = 0,
    *,
    schedule: PriceSchedule,
    currency: str = "USD",
    check: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(total, fit, tier_index)`` of many requests on one schedule: the same sum as
    ``price_requests(...).total`` (NaN where a request does not fit or has no price), without keeping the
    components — for replaying millions of requests. ``check=False`` skips the token checks for arrays the
    caller has already validated.
    """
    tokens = TokenArrays.of(prompt_tokens, output_tokens, cached_tokens, reasoning_tokens, cache_write_tokens,
                            cache_write_1h_tokens, check=check)
    total, fit, index = totals_of(registry, registry.model(model_id), schedule, tokens, currency)
    return total, fit, np.zeros(fit.shape, dtype=np.intp) if index is None else index


@dataclass(frozen=True)
class Quote:
    """The cost of one request, with what was applied and where the prices come from."""

    model: str
    currency: str
    cost: float
    tier: int | None
    """``up_to`` of the tier applied; None for an open last tier."""
    tier_index: int
    breakdown: dict[str, float]
    region: str
    service_tier: str
    on: dt.date
    source: str
    checked_on: dt.date

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "currency": self.currency,
            "cost": self.cost,
            "tier": self.tier,
            "tier_index": self.tier_index,
            "breakdown": self.breakdown,
            "region": self.region,
            "service_tier": self.service_tier,
            "on": self.on.isoformat(),
            "source": self.source,
            "checked_on": self.checked_on.isoformat(),
        }


def price_request(
    registry: Registry,
    model_id: str,
    prompt_tokens: float,
    output_tokens: float,
    cached_tokens: float = 0,
    reasoning_tokens: float = 0,
    cache_write_tokens: float = 0,
    cache_write_1h_tokens: float = 0,
    *,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
) -> Quote:
    """Price one request; raises ``ContextLimitError`` or ``NoPriceError`` with a one-line reason."""
    day = on or today()
    model = registry.model(model_id)
    costs = price_requests(
        registry, model.id, [prompt_tokens], [output_tokens], [cached_tokens], [reasoning_tokens],
        [cache_write_tokens], [cache_write_1h_tokens], region=region, service_tier=service_tier, on=day,
        currency=currency,
    )
    code = int(costs.fit[0])
    if code != FIT_OK:
        raise ContextLimitError(describe_fit(model, code, prompt_tokens, output_tokens + reasoning_tokens))
    breakdown = {
        "input": float(costs.input[0]),
        "cached_input": float(costs.cached_input[0]),
        "cache_write": float(costs.cache_write[0]),
        "cache_write_1h": float(costs.cache_write_1h[0]),
        "output": float(costs.output[0]),
        "reasoning": float(costs.reasoning[0]),
    }
    total = float(costs.total[0])
    if not np.isfinite(total):
        unknown = [k for k, v in breakdown.items() if not np.isfinite(v)]
        raise NoPriceError(f"{model.id}: the registry has no {' / '.join(unknown)} price for this tier "
                           f"({region}/{service_tier}); unknown is not zero")
    index = int(costs.tier_index[0])
    return Quote(
        model=model.id, currency=currency, cost=total, tier=costs.schedule.tiers[index].up_to, tier_index=index,
        breakdown=breakdown, region=region, service_tier=service_tier, on=day, source=costs.schedule.source,
        checked_on=costs.schedule.checked_on,
    )


def parse_ratio(text: str) -> tuple[float, float]:
    """``"3:1"`` → (3.0, 1.0). Both parts non-negative, not both zero."""
    parts = str(text).replace("/", ":").split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        a, b = float(parts[0]), float(parts[1])
    except ValueError:
        raise AnalyticsError(f"ratio {text!r} is not of the form INPUT:OUTPUT, e.g. 3:1") from None
    if not (np.isfinite(a) and np.isfinite(b)) or a < 0 or b < 0 or a + b == 0:
        raise AnalyticsError(f"ratio {text!r}: both parts must be non-negative and not both zero")
    return a, b


def blend(input_rate: Any, output_rate: Any, ratio: tuple[float, float] = (3, 1),
          cache_read_rate: Any = None, cache_hit: float = 0.0) -> Any:
    """Blended price per 1M tokens at ``ratio`` (input:output): ``(a × in_eff + b × out) / (a + b)``, where
    ``in_eff = (1 − cache_hit) × input + cache_hit × cache_read``. 3:1 of $2 / $12 = (3 × 2 + 12) / 4 = $4.50."""
    a, b = ratio
    read = input_rate if cache_read_rate is None else cache_read_rate
    effective_input = (1 - cache_hit) * np.asarray(input_rate, dtype=float) + cache_hit * np.asarray(read, dtype=float)
    return (a * effective_input + b * np.asarray(output_rate, dtype=float)) / (a + b)


@dataclass(frozen=True)
class Blended:
    model: str
    blended_per_mtok: float | None
    """None when no price is known, or the prompt size does not fit the model."""
    input_per_mtok: float | None
    output_per_mtok: float | None
    cache_read_per_mtok: float | None
    tier: int | None
    status: str
    """``ok``, ``no price``, the limit broken, or the lifecycle ("retired 2026-03-09 → gemini-3.1-pro",
    "not released until …") where the model cannot be called on the date."""
    currency: str
    tier_label: str = ""
    """The prompts the tier applied covers ("all", "≤ 200,000", "> 200,000")."""


def blended_price(
    registry: Registry,
    model_id: str,
    ratio: tuple[float, float] = (3, 1),
    prompt_tokens: int | None = None,
    cache_hit: float = 0.0,
    *,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
) -> Blended:
    """The blended price of ``model_id``; ``prompt_tokens`` picks the tier (default: the first tier)."""
    if not 0 <= cache_hit <= 1:
        raise AnalyticsError(f"cache-hit share must be between 0 and 1, got {cache_hit}")
    model = registry.model(model_id)
    try:
        schedule = registry.schedule(model.id, region, service_tier, on)
    except NotLiveError:
        label = status_label(model, on or today())
        return Blended(model.id, None, None, None, None, None, label, currency)
    except NoPriceError:
        return Blended(model.id, None, None, None, None, None, "no price", currency)
    index = 0
    if prompt_tokens is not None:
        code = int(fit_codes(model, prompt_tokens, 0))
        index = int(tier_index(schedule, prompt_tokens))
        if code != FIT_OK:
            return Blended(model.id, None, None, None, None, None, "prompt beyond window", currency)
        if index >= len(schedule.tiers):
            return Blended(model.id, None, None, None, None, None, "no price", currency)
    tier = schedule.tiers[index]
    rates = TierRates.of(tier)
    factor = registry.convert(1.0, schedule.currency, currency)

    def known(value: float) -> float | None:
        return None if np.isnan(value) else value * factor

    value = float(blend(rates.input, rates.output, ratio, rates.cache_read, cache_hit))  # schedule currency
    return Blended(
        model=model.id,
        blended_per_mtok=known(value),
        input_per_mtok=known(rates.input),
        output_per_mtok=known(rates.output),
        cache_read_per_mtok=known(rates.cache_read) if rates.cache_read_known else None,
        tier=tier.up_to,
        status="ok" if not np.isnan(value) else "no price",
        currency=currency,
        tier_label=tier_label(schedule, index),
    )
