"""The cost of one request against its prompt length, per model: step curves with each tier's cliff, where each
model's window ends, and the crossovers (the prompt size at which model A becomes dearer than model B).

Every cost comes from ``pricing.price_requests`` on a numpy grid of prompt sizes that holds every tier bound
``b`` and ``b + 1``, so the cliff (the whole request re-priced once the prompt passes ``b``) is drawn exactly
where it is. Between two bounds a request's cost is linear in its prompt, which is what lets ``crossovers``
find the exact token count where two curves cross.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AnalyticsError, NoPriceError
from .pricing import FIT_OK, fit_codes, price_requests, prompt_cap, tier_bounds
from .registry import Registry
from .schema import Model, PriceSchedule

DEFAULT_START = 1_000
"""Curves start at a 1K-token prompt."""
GRID_POINTS = 160
"""Log-spaced points per curve, on top of the tier bounds and the window end."""
TIE_TOLERANCE = 1e-3
"""Two costs within 0.1% of the dearer one are a tie. Two curves that meet and part by less are not a crossover,
and a crossover is reported at the first prompt at which the dearer model costs at least 0.1% more — not at the
token where the lines touch, where the table would read "$0.028002 vs $0.028002"."""

CURVE_COLUMNS = ["model", "name", "provider", "country", "prompt_tokens", "cost", "tier_index", "tier_up_to",
                 "currency"]
END_COLUMNS = ["model", "name", "provider", "country", "max_prompt_tokens", "cost_at_end", "tiers", "tier_bounds",
               "status", "currency"]
CROSSOVER_COLUMNS = ["prompt_tokens", "dearer", "dearer_name", "cheaper", "cheaper_name", "dearer_cost",
                     "cheaper_cost", "kind", "currency"]


def max_prompt(model: Model, output_tokens: float) -> int:
    """The largest prompt that fits with ``output_tokens`` of output; 0 when the output alone does not fit.

    With a separate input cap (``max_input_tokens``) the prompt may use all of it as long as the output fits
    ``max_output_tokens``; without one, prompt + output must fit the context window.
    """
    if model.max_output_tokens is not None and output_tokens > model.max_output_tokens:
        return 0
    limit = prompt_cap(model) if model.max_input_tokens else model.context_window - math.ceil(output_tokens)
    limit = max(0, min(limit, prompt_cap(model)))
    if limit and int(fit_codes(model, limit, output_tokens)) != FIT_OK:  # pragma: no cover - defensive
        return 0
    return limit


def prompt_grid(bounds: Iterable[int], start: int, stop: int, points: int = GRID_POINTS) -> np.ndarray:
    """Integer prompt sizes from ``start`` to ``stop`` (inclusive): log-spaced, plus every ``b`` and ``b + 1``
    of ``bounds`` that lies inside, so each cliff is drawn between its last cheap and first dear token."""
    if stop < start:
        return np.array([], dtype=np.int64)
    spaced = np.geomspace(start, stop, num=max(points, 2)) if stop > start else np.array([start])
    extra = [v for b in bounds for v in (b, b + 1) if start <= v <= stop]
    grid = np.unique(np.concatenate([np.rint(spaced), np.array(extra, dtype=float), [start, stop]]))
    return grid.astype(np.int64)


@dataclass(frozen=True)
class _Priced:
    model: Model
    schedule: PriceSchedule
    limit: int
    bounds: list[int]


def _priced_models(
    registry: Registry, models: Iterable[str] | None, output_tokens: float, start: int,
    region: str, service_tier: str, on: dt.date | None,
) -> tuple[list[_Priced], list[dict]]:
    """The models that can be costed, and a status row for each that cannot (never dropped silently)."""
    ids = [registry.resolve_id(m) for m in models] if models else registry.model_ids()
    priced, skipped = [], []
    for model_id in ids:
        entry = registry.entry(model_id)
        model = entry.model
        base = {"model": model.id, "name": model.name, "provider": entry.provider.name,
                "country": entry.provider.country}
        try:
            schedule = registry.schedule(model.id, region, service_tier, on)
        except NoPriceError:
            skipped.append({**base, "status": "no price"})
            continue
        limit = max_prompt(model, output_tokens)
        if limit < start:
            status = "output over max_output_tokens" if limit == 0 else "window smaller than the first prompt"
            skipped.append({**base, "status": status})
            continue
        bounds = [int(b) for b in tier_bounds(schedule)]
        priced.append(_Priced(model, schedule, limit, bounds))
    return priced, skipped


def _costs(registry: Registry, item: _Priced, prompts: np.ndarray, output_tokens: float, cache_hit: float,
           currency: str):
    prompts = np.asarray(prompts, dtype=float)
    return price_requests(registry, item.model.id, prompts, output_tokens, cached_tokens=cache_hit * prompts,
                          schedule=item.schedule, currency=currency)


def _check(output_tokens: float, cache_hit: float, start: int) -> None:
    if not (math.isfinite(output_tokens) and output_tokens >= 0):
        raise AnalyticsError(f"output tokens must be a non-negative number, got {output_tokens}")
    if not 0 <= cache_hit <= 1:
        raise AnalyticsError(f"cache-hit share must be between 0 and 1, got {cache_hit}")
    if start < 1:
        raise AnalyticsError(f"the first prompt size must be at least 1 token, got {start}")


def cost_curves(
    registry: Registry,
    models: Iterable[str] | None = None,
    output_tokens: float = 1_000,
    cache_hit: float = 0.0,
    *,
    start: int = DEFAULT_START,
    points: int = GRID_POINTS,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
) -> pd.DataFrame:
    """Long table: the cost of one request per model and prompt size, from ``start`` to the model's window end.

    ``cache_hit`` is the share of the prompt read from cache. Rows are sorted by model then prompt; a model's
    grid holds each tier bound ``b`` and ``b + 1``, so consecutive rows across a cliff show its jump.
    """
    _check(output_tokens, cache_hit, start)
    priced, _ = _priced_models(registry, models, output_tokens, start, region, service_tier, on)
    frames = []
    for item in priced:
        entry = registry.entry(item.model.id)
        grid = prompt_grid(item.bounds, start, item.limit, points)
        costs = _costs(registry, item, grid, output_tokens, cache_hit, currency)
        frames.append(pd.DataFrame({
            "model": item.model.id, "name": item.model.name, "provider": entry.provider.name,
            "country": entry.provider.country, "prompt_tokens": grid, "cost": costs.total,
            "tier_index": costs.tier_index.astype(int), "tier_up_to": costs.tier_up_to, "currency": currency,
        }))
    if not frames:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[CURVE_COLUMNS]


def window_ends(
    registry: Registry,
    models: Iterable[str] | None = None,
    output_tokens: float = 1_000,
    cache_hit: float = 0.0,
    *,
    start: int = DEFAULT_START,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
) -> pd.DataFrame:
    """Per model: the largest prompt that fits with this output, the cost of that request, and the tier bounds.

    Models that cannot be costed are listed too, with a NaN cost and the reason in ``status``.
    """
    _check(output_tokens, cache_hit, start)
    priced, skipped = _priced_models(registry, models, output_tokens, start, region, service_tier, on)
    rows = []
    for item in priced:
        entry = registry.entry(item.model.id)
        cost = float(_costs(registry, item, np.array([item.limit]), output_tokens, cache_hit, currency).total[0])
        rows.append({
            "model": item.model.id, "name": item.model.name, "provider": entry.provider.name,
            "country": entry.provider.country, "max_prompt_tokens": item.limit, "cost_at_end": cost,
            "tiers": len(item.schedule.tiers), "tier_bounds": ", ".join(f"{b:,}" for b in item.bounds),
            "status": "ok" if np.isfinite(cost) else "no price", "currency": currency,
        })
    for row in skipped:
        rows.append({**row, "max_prompt_tokens": np.nan, "cost_at_end": np.nan, "tiers": np.nan, "tier_bounds": "",
                     "currency": currency})
    return pd.DataFrame(rows, columns=END_COLUMNS)


def _segments(bounds_a: list[int], bounds_b: list[int], start: int, stop: int) -> list[tuple[int, int]]:
    """[lo, hi] ranges in which neither model changes tier (so both costs are linear in the prompt)."""
    cuts = sorted({b for b in [*bounds_a, *bounds_b] if start <= b < stop})
    segments, lo = [], start
    for b in cuts:
        segments.append((lo, b))
        lo = b + 1
    segments.append((lo, stop))
    return segments


def _pair_crossovers(registry: Registry, a: _Priced, b: _Priced, output_tokens: float, cache_hit: float,
                     start: int, currency: str) -> list[dict]:
    stop = min(a.limit, b.limit)
    if stop < start:
        return []
    segments = _segments(a.bounds, b.bounds, start, stop)
    ends = np.array([p for seg in segments for p in seg], dtype=float)

    def diff(prompts: np.ndarray) -> np.ndarray:
        """Cost of A minus cost of B; a difference within ``TIE_TOLERANCE`` of the dearer cost is a tie (0)."""
        cost_a = _costs(registry, a, prompts, output_tokens, cache_hit, currency).total
        cost_b = _costs(registry, b, prompts, output_tokens, cache_hit, currency).total
        delta = cost_a - cost_b
        tie = np.abs(delta) <= TIE_TOLERANCE * np.maximum(np.abs(cost_a), np.abs(cost_b))
        return np.where(tie, 0.0, delta)

    d = diff(ends)
    if not np.all(np.isfinite(d)):
        return []
    events = []
    last_sign = 0
    for i, value in enumerate(d):
        sign = int(np.sign(value))
        if sign == 0 or sign == last_sign:
            continue
        if last_sign != 0:
            seg_index, is_hi = divmod(i, 2)
            lo, hi = segments[seg_index]
            if not is_hi:
                crossing, kind = lo, "cliff"  # the sign changed across a tier bound
            else:
                crossing, kind = _first_with_sign(diff, lo, hi, sign), "slope"
            dearer, cheaper = (a, b) if sign > 0 else (b, a)
            cost_a = float(_costs(registry, a, np.array([crossing]), output_tokens, cache_hit, currency).total[0])
            cost_b = float(_costs(registry, b, np.array([crossing]), output_tokens, cache_hit, currency).total[0])
            events.append({
                "prompt_tokens": int(crossing), "dearer": dearer.model.id, "dearer_name": dearer.model.name,
                "cheaper": cheaper.model.id, "cheaper_name": cheaper.model.name,
                "dearer_cost": cost_a if sign > 0 else cost_b, "cheaper_cost": cost_b if sign > 0 else cost_a,
                "kind": kind, "currency": currency,
            })
        last_sign = sign
    return events


def _first_with_sign(diff, lo: int, hi: int, sign: int) -> int:
    """The smallest integer prompt in [lo, hi] whose difference has ``sign`` (``hi`` has it). Inside a segment both
    costs are linear in the prompt, so (A − B) / max(A, B) is monotonic and a binary search finds it."""
    while lo < hi:
        middle = (lo + hi) // 2
        if np.sign(diff(np.array([middle], dtype=float))[0]) == sign:
            hi = middle
        else:
            lo = middle + 1
    return hi


def crossovers(
    registry: Registry,
    models: Iterable[str] | None = None,
    output_tokens: float = 1_000,
    cache_hit: float = 0.0,
    *,
    start: int = DEFAULT_START,
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | None = None,
    currency: str = "USD",
) -> pd.DataFrame:
    """Every prompt size at which one model becomes dearer than another, within the range both can take.

    ``kind`` is "cliff" when it happens at a tier bound (``b + 1``: one model re-prices the whole request) and
    "slope" when two rising lines cross inside a tier (the dearer per-input-token model overtakes one whose
    output made it dearer at first). Exact to the token: the first prompt at which ``dearer`` costs more by more
    than ``TIE_TOLERANCE`` (0.1%); curves that never part by more than that are a tie and not listed.
    """
    _check(output_tokens, cache_hit, start)
    priced, _ = _priced_models(registry, models, output_tokens, start, region, service_tier, on)
    rows = []
    for i, a in enumerate(priced):
        for b in priced[i + 1:]:
            rows.extend(_pair_crossovers(registry, a, b, output_tokens, cache_hit, start, currency))
    frame = pd.DataFrame(rows, columns=CROSSOVER_COLUMNS)
    return frame.sort_values(["prompt_tokens", "dearer", "cheaper"], kind="stable").reset_index(drop=True)
