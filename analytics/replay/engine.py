"""The replay engine: a validated usage log priced on every selected model, each request at its own tier and at
the schedule in force on its day, in one vectorised pass per model, schedule period and tier (the reference the
other engines must agree with). Summaries per model; requests that do not fit or have no price are listed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.core.clock import today
from analytics.core.errors import AnalyticsError, NoPriceError
from analytics.core.presets import seed_models
from analytics.core.pricing import (
    FIT_OK,
    FIT_OUTPUT_OVER_CAP,
    FIT_OVER_CONTEXT_WINDOW,
    FIT_PROMPT_OVER_INPUT_CAP,
    FIT_PROMPT_OVER_PRICED_TIERS,
    fit_codes,
    prompt_cap,
    request_totals,
    tier_labels,
)
from analytics.core.registry import Registry
from analytics.core.schema import Model, PriceSchedule

from .usage import TOKEN_COLUMNS

NOT_FITTING = "does not fit"
NO_PRICE = "no price"
_FIT_REASONS = {
    FIT_PROMPT_OVER_INPUT_CAP: "prompt exceeds the {cap_name} of {cap:,} tokens",
    FIT_OUTPUT_OVER_CAP: "output + reasoning exceed max_output_tokens {max_output:,}",
    FIT_OVER_CONTEXT_WINDOW: "prompt + output + reasoning exceed the context window of {window:,} tokens",
    FIT_PROMPT_OVER_PRICED_TIERS: "no price tier covers the prompt",
}



def _day_numbers(usage: pd.DataFrame) -> np.ndarray | None:
    """Days since 1970-01-01 (UTC) of each request, or None when the log has no timestamps."""
    if "timestamp" not in usage:
        return None
    stamps = usage["timestamp"]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize("UTC")
    # the underlying integers count UTC time in the column's unit (s, ms, us or ns)
    per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}[stamps.dt.unit]
    return stamps.array.asi8 // per_day


def _day_number(day: dt.date | None, default: int) -> int:
    return default if day is None else (day - dt.date(1970, 1, 1)).days


@dataclass
class _ModelPricing:
    """One model's per-request costs (NaN where not priced) and why each unpriced request is unpriced."""

    total: np.ndarray
    fit: np.ndarray
    no_schedule: np.ndarray
    """True where no schedule was in force on the request's day."""
    tier_counts: dict[str, int] = field(default_factory=dict)
    schedules: list[PriceSchedule] = field(default_factory=list)


def _price_on_model(registry: Registry, model: Model, columns: dict[str, np.ndarray], days: np.ndarray | None, *,
                    region: str, service_tier: str, on: dt.date, currency: str,
                    day_range: tuple[int, int] | None = None) -> _ModelPricing:
    """Price every request on ``model`` at the schedule in force on its day: one pass per (period, tier)."""
    n = len(columns["prompt_tokens"])
    candidates = [s for s in model.prices if s.region == region and s.service_tier == service_tier]
    if days is None:
        try:
            groups = [(registry.schedule(model.id, region, service_tier, on), None)]
        except NoPriceError:
            groups = []
    else:
        # the first schedule in force wins, as Registry.schedule does; a day no schedule covers has no price
        assigned = np.full(n, -1, dtype=np.int16)
        first_day, last_day = day_range or (int(days.min()), int(days.max()))
        groups = []
        for k, schedule in enumerate(candidates):
            start = _day_number(schedule.effective_from, first_day)
            stop = _day_number(schedule.effective_to, last_day + 1)
            if stop <= first_day or start > last_day:
                continue
            if start <= first_day and stop > last_day and not groups:
                groups = [(schedule, None)]  # every request falls in this one period: no subsetting
                assigned[:] = k
                break
            inside = (assigned < 0) & (days >= start) & (days < stop)
            if inside.any():
                assigned[inside] = k
                groups.append((schedule, np.flatnonzero(inside)))
    total = np.full(n, np.nan)
    fit = np.zeros(n, dtype=np.int8)
    no_schedule = np.ones(n, dtype=bool)
    result = _ModelPricing(total=total, fit=fit, no_schedule=no_schedule)
    for schedule, rows in groups:
        part = columns if rows is None else {k: v[rows] for k, v in columns.items()}
        costs, codes, tiers = request_totals(
            registry, model.id, part["prompt_tokens"], part["output_tokens"], part["cached_tokens"],
            part["reasoning_tokens"], currency=currency, schedule=schedule, check=False,
        )
        if rows is None:
            result.total, result.fit = total, fit = costs, codes
            no_schedule[:] = False
        else:
            total[rows], fit[rows], no_schedule[rows] = costs, codes, False
        ok = codes == FIT_OK
        counts = [int(ok.sum())] if len(schedule.tiers) == 1 else np.bincount(tiers[ok], minlength=len(schedule.tiers))
        for label, count in zip(tier_labels(schedule), counts, strict=False):
            result.tier_counts[label] = result.tier_counts.get(label, 0) + int(count)
        result.schedules.append(schedule)
    if no_schedule.any():
        # no price on those days; still say whether they would have fitted
        rows = np.flatnonzero(no_schedule)
        fit[rows] = fit_codes(model, columns["prompt_tokens"][rows],
                              columns["output_tokens"][rows] + columns["reasoning_tokens"][rows])
    return result


@dataclass(frozen=True)
class ReplayResult:
    """A replayed log: the per-model summary, tier shares, the unpriced requests, and the per-request costs."""

    summary: pd.DataFrame
    """One row per model: requests, priced, not_fitting, no_price, total_cost, cost_median, cost_p95, cost_max,
    tier_shares, recorded_cost, saving, saving_share, compared_requests (see ``replay``)."""
    tiers: pd.DataFrame
    """model, tier, requests, share (of all requests; "does not fit" and "no price" are rows too)."""
    unpriced: pd.DataFrame
    """One row per request and model that got no cost: row (from 1), model, kind ("does not fit" / "no price"),
    reason, and the request's tokens. Never dropped silently."""
    costs: dict[str, np.ndarray]
    """Per model, the cost of every request (NaN where unpriced), in the log's row order."""
    recorded_cost: np.ndarray | None
    """The cost of each request on the model it was recorded on (NaN where unknown); None without a model column."""
    requests: int
    currency: str
    region: str
    service_tier: str
    period: tuple[dt.date, dt.date] | None
    """First and last day of the log (UTC); None when it has no timestamps (then priced on ``priced_on``)."""
    priced_on: dt.date | None
    unknown_recorded: dict[str, int]
    """Recorded model names the registry does not know, with their request counts."""

    @property
    def not_fitting(self) -> pd.DataFrame:
        return self.unpriced[self.unpriced["kind"] == NOT_FITTING].reset_index(drop=True)

    def distribution(self, bins: int = 40) -> pd.DataFrame:
        """Histogram of the per-request cost of each model on shared log-spaced bins: model, cost_low, cost_high,
        requests, share (of that model's priced requests). Bounded in size whatever the log's length."""
        finite = {m: c[np.isfinite(c) & (c > 0)] for m, c in self.costs.items()}
        present = [c for c in finite.values() if len(c)]
        if not present:
            return pd.DataFrame(columns=["model", "cost_low", "cost_high", "requests", "share"])
        low = min(float(c.min()) for c in present)
        high = max(float(c.max()) for c in present)
        if high <= low:
            high = low * 1.01
        edges = np.logspace(np.log10(low), np.log10(high), bins + 1)
        edges[0], edges[-1] = low, high  # exact ends: the cheapest and dearest requests stay inside the bins
        rows = []
        for model, values in finite.items():
            counts = np.histogram(values, bins=edges)[0] if len(values) else np.zeros(bins, dtype=int)
            share = counts / len(values) if len(values) else np.zeros(bins)
            rows.append(pd.DataFrame({"model": model, "cost_low": edges[:-1], "cost_high": edges[1:],
                                      "requests": counts, "share": share}))
        return pd.concat(rows, ignore_index=True)


def percentiles(values: np.ndarray, qs: Iterable[float]) -> list[float]:
    """Exact percentiles of non-negative finite ``values`` with linear interpolation (as ``np.percentile``).

    Without sorting or a full partition per rank: for non-negative IEEE-754 doubles the bit pattern orders like
    the value, so counting the values per bucket of their top bits (sign, exponent and 8 mantissa bits) finds the
    bucket that holds each rank, and only that small bucket is partitioned. Costs are never negative; other
    input falls back to ``np.percentile``.
    """
    qs = list(qs)
    values = np.ascontiguousarray(values, dtype=np.float64)
    n = len(values)
    if n < 1_000 or values.min() < 0 or np.signbit(values).any():
        return [float(v) for v in np.percentile(values, qs)]
    buckets = values.view(np.int64) >> 44
    buckets -= buckets.min()
    cumulative = np.cumsum(np.bincount(buckets))

    def ranked(rank: int) -> float:
        bucket = int(np.searchsorted(cumulative, rank, side="right"))
        before = int(cumulative[bucket - 1]) if bucket else 0
        members = values[buckets == bucket]
        return float(np.partition(members, rank - before)[rank - before])

    result = []
    for q in qs:
        position = q / 100 * (n - 1)
        low = int(np.floor(position))
        fraction = position - low
        value = ranked(low)
        if fraction:
            value += fraction * (ranked(low + 1) - value)
        result.append(value)
    return result


SUMMARY_COLUMNS = [
    "model", "name", "provider", "country", "requests", "priced", "not_fitting", "no_price", "total_cost",
    "cost_median", "cost_p95", "cost_max", "tier_shares", "recorded_cost", "saving", "saving_share",
    "compared_requests", "currency",
]


def replay(
    registry: Registry,
    usage: pd.DataFrame,
    models: Iterable[str] | None = None,
    *,
    region: str = "global",
    service_tier: str = "standard",
    currency: str = "USD",
    on: dt.date | None = None,
) -> ReplayResult:
    """Price every request of ``usage`` (a validated log, see ``load_usage``) on every model of ``models``.

    Each request is billed at its own tier and at the schedule in force on its day (``on``, default today, when
    the log has no timestamps). Per model: total cost over the priced requests; median, p95 and max cost per
    request; the share of requests per tier; requests that do not fit or have no price (counted and listed);
    and ``saving`` = (cost on the recorded models − cost on this model) over the requests both price, so a positive
    saving means this model would have been cheaper (``saving_share`` = saving / recorded cost).
    """
    model_ids = [registry.resolve_id(m) for m in (models or seed_models(registry))]
    model_ids = list(dict.fromkeys(model_ids))
    n = len(usage)
    if n == 0:
        raise AnalyticsError("the log has no requests")
    columns = {c: np.asarray(usage[c], dtype=np.float64) if c in usage else np.zeros(n) for c in TOKEN_COLUMNS}
    days = _day_numbers(usage)
    day = on or today()
    options = {"region": region, "service_tier": service_tier, "on": day, "currency": currency}

    day_range = None if days is None else (int(days.min()), int(days.max()))
    pricings = {m: _price_on_model(registry, registry.model(m), columns, days, day_range=day_range, **options)
                for m in model_ids}

    recorded_cost = None
    unknown_recorded: dict[str, int] = {}
    if "model" in usage:
        recorded = usage["model"]
        if isinstance(recorded.dtype, pd.CategoricalDtype):
            codes, names = recorded.cat.codes.to_numpy(), list(recorded.cat.categories)
        else:
            codes, names = pd.factorize(recorded, use_na_sentinel=True)
        # each request's cost on its recorded model, chosen element-wise from the models already priced
        unknown_column = np.full(n, np.nan)
        choices: list[np.ndarray] = []
        extra: dict[int, str] = {}
        for code, name in enumerate(names):
            try:
                canonical = registry.resolve_id(str(name))
            except AnalyticsError:
                unknown_recorded[str(name)] = int(np.count_nonzero(codes == code))
                canonical = None
            if canonical is not None and canonical not in pricings:
                extra[code] = canonical  # priced below, on its own rows only
            choices.append(pricings[canonical].total if canonical in pricings else unknown_column)
        choices.append(unknown_column)  # the empty name (code -1)
        index = np.where(codes < 0, len(choices) - 1, codes)
        if len(choices) <= 32:  # np.choose's limit
            recorded_cost = np.choose(index, choices)
        else:
            recorded_cost = np.full(n, np.nan)
            for code, choice in enumerate(choices[:-1]):
                if choice is not unknown_column:
                    np.copyto(recorded_cost, choice, where=index == code)
        for code, canonical in extra.items():
            rows = np.flatnonzero(codes == code)
            subset = {k: v[rows] for k, v in columns.items()}
            other = _price_on_model(registry, registry.model(canonical), subset,
                                    None if days is None else days[rows], **options)
            recorded_cost[rows] = other.total
        blank = int(np.count_nonzero(codes < 0))
        if blank:
            unknown_recorded["(empty)"] = blank
    recorded_ok = None if recorded_cost is None else np.isfinite(recorded_cost)

    summary_rows, tier_rows, unpriced_parts = [], [], []
    reasons: list[str] = []  # the categories of the unpriced table's reason column
    for model_id, pricing in pricings.items():
        entry = registry.entry(model_id)
        total = pricing.total
        priced_mask = np.isfinite(total)
        priced_count = int(np.count_nonzero(priced_mask))
        not_fitting_mask = pricing.fit != FIT_OK
        no_price_mask = ~(priced_mask | not_fitting_mask)
        if priced_count:
            priced = total[priced_mask] if priced_count < n else total
            median, p95 = percentiles(priced, (50, 95))
            row_stats = {"total_cost": float(priced.sum()), "cost_median": float(median), "cost_p95": float(p95),
                         "cost_max": float(priced.max())}
        else:
            row_stats = {"total_cost": np.nan, "cost_median": np.nan, "cost_p95": np.nan, "cost_max": np.nan}
        counts = dict(pricing.tier_counts)
        counts[NOT_FITTING] = int(np.count_nonzero(not_fitting_mask))
        counts[NO_PRICE] = int(np.count_nonzero(no_price_mask))
        shares = []
        for label, count in counts.items():
            if count or label not in (NOT_FITTING, NO_PRICE):
                tier_rows.append({"model": model_id, "tier": label, "requests": count, "share": count / n})
            if count and label not in (NOT_FITTING, NO_PRICE):
                shares.append(f"{label}: {count / n:.1%}")
        compared, recorded, saving, saving_share = 0, np.nan, np.nan, np.nan
        if recorded_ok is not None:
            both = recorded_ok & priced_mask
            compared = int(np.count_nonzero(both))
            if compared:
                recorded = float(np.sum(recorded_cost, where=both))
                saving = recorded - float(np.sum(total, where=both))
                saving_share = saving / recorded if recorded else np.nan
        summary_rows.append({
            "model": model_id, "name": entry.model.name, "provider": entry.provider.name,
            "country": entry.provider.country, "requests": n, "priced": priced_count,
            "not_fitting": counts[NOT_FITTING], "no_price": counts[NO_PRICE], **row_stats,
            "tier_shares": " · ".join(shares), "recorded_cost": recorded, "saving": saving,
            "saving_share": saving_share, "compared_requests": compared, "currency": currency,
        })
        part = _unpriced_rows(entry.model, len(summary_rows) - 1, pricing, not_fitting_mask | no_price_mask,
                              reasons)
        if part is not None:
            unpriced_parts.append(part)

    period = None
    if day_range is not None:
        epoch = dt.date(1970, 1, 1)
        period = (epoch + dt.timedelta(days=day_range[0]), epoch + dt.timedelta(days=day_range[1]))
    return ReplayResult(
        summary=pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS),
        tiers=pd.DataFrame(tier_rows, columns=["model", "tier", "requests", "share"]),
        unpriced=_unpriced_frame(unpriced_parts, model_ids, reasons, columns, days),
        costs={m: p.total for m, p in pricings.items()},
        recorded_cost=recorded_cost,
        requests=n,
        currency=currency,
        region=region,
        service_tier=service_tier,
        period=period,
        priced_on=None if days is not None else day,
        unknown_recorded=unknown_recorded,
    )


UNPRICED_COLUMNS = ["row", "model", "kind", "reason", "prompt_tokens", "output_tokens", "reasoning_tokens", "day"]


def _empty_unpriced() -> pd.DataFrame:
    return pd.DataFrame(columns=UNPRICED_COLUMNS)


def _unpriced_rows(model: Model, model_code: int, pricing: _ModelPricing, unpriced: np.ndarray,
                   reasons: list[str]) -> dict[str, np.ndarray] | None:
    """The requests ``model`` could not price, as codes: row positions, kind, and a one-line reason (one text per
    limit and model, appended to ``reasons`` — never a string built per row)."""
    rows = np.flatnonzero(unpriced)
    if not len(rows):
        return None
    cap_name = "input cap (max_input_tokens)" if model.max_input_tokens else "context window"
    texts = [_FIT_REASONS.get(code, "").format(cap_name=cap_name, cap=prompt_cap(model), window=model.context_window,
                                               max_output=model.max_output_tokens or 0) for code in range(5)]
    texts += ["no price in force on that day", "the tier's price is unknown"]
    for text in texts:
        if text not in reasons:
            reasons.append(text)
    to_category = np.array([reasons.index(text) for text in texts], dtype=np.int32)
    fit = pricing.fit[rows]
    local = np.where(fit == FIT_OK, np.where(pricing.no_schedule[rows], 5, 6), np.clip(fit, 0, 4))
    return {"rows": rows, "model": np.full(len(rows), model_code, dtype=np.int32), "kind": (fit == FIT_OK),
            "reason": to_category[local]}


def _unpriced_frame(parts: list[dict[str, np.ndarray]], model_ids: list[str], reasons: list[str],
                    columns: dict[str, np.ndarray], days: np.ndarray | None) -> pd.DataFrame:
    """One table of every unpriced request × model, built once from the per-model codes (categorical columns)."""
    if not parts:
        return _empty_unpriced()
    rows = np.concatenate([p["rows"] for p in parts])
    return pd.DataFrame({
        "row": rows + 1,
        "model": pd.Categorical.from_codes(np.concatenate([p["model"] for p in parts]), model_ids),
        "kind": pd.Categorical.from_codes(np.concatenate([p["kind"] for p in parts]).astype(np.int8),
                                          [NOT_FITTING, NO_PRICE]),
        "reason": pd.Categorical.from_codes(np.concatenate([p["reason"] for p in parts]), reasons),
        "prompt_tokens": columns["prompt_tokens"][rows], "output_tokens": columns["output_tokens"][rows],
        "reasoning_tokens": columns["reasoning_tokens"][rows],
        "day": (days[rows] * 86_400).astype("datetime64[s]") if days is not None else None,
    }, columns=UNPRICED_COLUMNS)


