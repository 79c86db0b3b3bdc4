"""The replay engine: a validated usage log priced on every selected model, each request at its own tier and at
the schedule in force on its day, in one vectorised pass per model, schedule period and tier (the reference the
other engines must agree with). Summaries per model; requests that do not fit or have no price are listed.

A row of the log may stand for several requests (``requests``, an aggregated bucket): it is priced as that many
requests of its (average) size, and every count, total, share and percentile weighs it so. The model a row was
recorded on is resolved through ``names`` (aliases, provider prefixes, date suffixes, permaslugs); what stays
unknown is listed with its row count, and every "as recorded" figure and saving says how many rows it covers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.clock import today
from analytics.core.errors import AnalyticsError, NoPriceError
from analytics.core.presets import replay_models
from analytics.core.pricing import (
    FIT_OK,
    FIT_OUTPUT_OVER_CAP,
    FIT_OVER_CONTEXT_WINDOW,
    FIT_PROMPT_OVER_INPUT_CAP,
    FIT_PROMPT_OVER_PRICED_TIERS,
    TokenArrays,
    fit_codes,
    prompt_cap,
    tier_labels,
    totals_of,
)
from analytics.core.registry import ModelEntry, Registry
from analytics.core.schema import Model, PriceSchedule

from .names import resolve_many
from .usage import TOKEN_COLUMNS

NOT_FITTING = "does not fit"
NO_PRICE = "no price"
_FIT_REASONS = {
    FIT_PROMPT_OVER_INPUT_CAP: "prompt exceeds the {cap_name} of {cap:,} tokens",
    FIT_OUTPUT_OVER_CAP: "output + reasoning exceed max_output_tokens {max_output:,}",
    FIT_OVER_CONTEXT_WINDOW: "prompt + output + reasoning exceed the context window of {window:,} tokens",
    FIT_PROMPT_OVER_PRICED_TIERS: "no price tier covers the prompt",
}



def reason_texts(model: Model) -> list[str]:
    """Why a request got no cost on ``model``, by code: 1–4 the limit it breaks (``FIT_*``; 0 is unused), 5 no
    schedule in force on its day, 6 the tier's rate for a component it uses is unknown."""
    cap_name = "input cap (max_input_tokens)" if model.max_input_tokens else "context window"
    texts = [_FIT_REASONS.get(code, "").format(cap_name=cap_name, cap=prompt_cap(model), window=model.context_window,
                                               max_output=model.max_output_tokens or 0) for code in range(5)]
    return [*texts, "no price in force on that day", "the tier's price is unknown"]


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


_EPOCH = dt.date(1970, 1, 1)


def _day_number(day: dt.date | None, default: int) -> int:
    return default if day is None else (day - _EPOCH).days


@dataclass
class _ModelPricing:
    """One model's per-request costs (NaN where not priced) and why each unpriced request is unpriced."""

    total: np.ndarray
    fit: np.ndarray
    no_schedule: np.ndarray
    """True where no schedule was in force on the request's day."""
    tier_counts: dict[str, float] = field(default_factory=dict)
    """Requests per tier label (weighted by each row's request count)."""
    schedules: list[PriceSchedule] = field(default_factory=list)


@dataclass(frozen=True)
class _Counting:
    """How requests are counted and costs added up: one per row, or ``weights`` (requests per row) each."""

    weights: np.ndarray | None

    def count(self, mask: np.ndarray) -> float:
        if self.weights is None:
            return int(np.count_nonzero(mask))
        return _whole(float(self.weights[mask].sum()))

    def add(self, values: np.ndarray, mask: np.ndarray) -> float:
        if self.weights is None:
            return float(np.sum(values, where=mask))
        return float(np.sum(values * self.weights, where=mask))


def _whole(value: float) -> float:
    """A weighted count as an int when it is whole (request counts usually are)."""
    return int(value) if float(value).is_integer() else value


def _schedule_groups(registry: Registry, model: Model, days: np.ndarray | None, *, region: str, service_tier: str,
                     on: dt.date, day_range: tuple[int, int] | None) -> list[tuple[PriceSchedule, np.ndarray | None]]:
    """The schedules that price the log, each with the rows it prices (None: every row). Without timestamps, the
    one in force on ``on``; with them, per day the first schedule in force (as ``Registry.schedule`` picks), and
    no group for a day no schedule covers."""
    if days is None:
        try:
            return [(registry.schedule(model.id, region, service_tier, on), None)]
        except NoPriceError:
            return []
    candidates = [s for s in model.prices if s.region == region and s.service_tier == service_tier]
    assigned = np.full(len(days), -1, dtype=np.int16)
    first_day, last_day = day_range or (int(days.min()), int(days.max()))
    groups: list[tuple[PriceSchedule, np.ndarray | None]] = []
    for k, schedule in enumerate(candidates):
        start = _day_number(schedule.effective_from, first_day)
        stop = _day_number(schedule.effective_to, last_day + 1)
        if stop <= first_day or start > last_day:
            continue
        if start <= first_day and stop > last_day and not groups:
            return [(schedule, None)]  # every request falls in this one period: no subsetting
        inside = (assigned < 0) & (days >= start) & (days < stop)
        if inside.any():
            assigned[inside] = k
            groups.append((schedule, np.flatnonzero(inside)))
    return groups


def _price_on_model(registry: Registry, model: Model, tokens: TokenArrays, days: np.ndarray | None, *,
                    region: str, service_tier: str, on: dt.date, currency: str,
                    day_range: tuple[int, int] | None = None, weights: np.ndarray | None = None) -> _ModelPricing:
    """Price every request on ``model`` at the schedule in force on its day: one pass per (period, component).
    ``weights``: requests per row (None: one each), for the tier counts only — costs are per request."""
    n = len(tokens.prompt)
    groups = _schedule_groups(registry, model, days, region=region, service_tier=service_tier, on=on,
                              day_range=day_range)
    if len(groups) == 1 and groups[0][1] is None:  # the whole log in one period: no copies
        total, fit, index = totals_of(registry, model, groups[0][0], tokens, currency)
        result = _ModelPricing(total=total, fit=fit, no_schedule=np.zeros(n, dtype=bool))
        _count_tiers(result, groups[0][0], fit, index, weights)
        return result
    result = _ModelPricing(total=np.full(n, np.nan), fit=np.zeros(n, dtype=np.int8),
                           no_schedule=np.ones(n, dtype=bool))
    for schedule, rows in groups:
        costs, codes, index = totals_of(registry, model, schedule, tokens.take(rows), currency)
        result.total[rows], result.fit[rows], result.no_schedule[rows] = costs, codes, False
        _count_tiers(result, schedule, codes, index, None if weights is None else weights[rows])
    if result.no_schedule.any():
        # no price on those days; still say whether they would have fitted
        rows = np.flatnonzero(result.no_schedule)
        result.fit[rows] = fit_codes(model, tokens.prompt[rows], tokens.completion[rows])
    return result


def _count_tiers(result: _ModelPricing, schedule: PriceSchedule, fit: np.ndarray, index: np.ndarray | None,
                 weights: np.ndarray | None) -> None:
    """Add one schedule period's requests that fit to the tier counts (by label), weighted by ``weights``
    (requests per row; None: one each)."""
    unfit = np.flatnonzero(fit)
    bins = len(schedule.tiers) + 1
    if weights is None:
        if index is None:  # one open tier
            counts = [len(fit) - len(unfit)]
        else:  # every request's tier, less the ones that do not fit
            counts = np.bincount(index, minlength=bins) - np.bincount(index[unfit], minlength=bins)
    else:
        ok = fit == FIT_OK
        if index is None:
            counts = [float(weights[ok].sum())]
        else:
            counts = np.bincount(index[ok], weights=weights[ok], minlength=bins)
    for label, count in zip(tier_labels(schedule), counts, strict=False):
        count = int(count) if weights is None else float(count)
        result.tier_counts[label] = result.tier_counts.get(label, 0) + count
    result.schedules.append(schedule)


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
    """Recorded model names the registry does not know, with their row counts."""
    rows: int = 0
    """Rows of the log (``requests`` counts the requests they stand for; the same for a log of requests)."""
    weights: np.ndarray | None = None
    """Requests per row, for a log of aggregated buckets (None: one request a row)."""
    recorded_names: dict[str, str] = field(default_factory=dict)
    """Recorded names that are not registry ids or aliases, resolved by a rule: name → model id."""
    as_recorded: dict[str, float] = field(default_factory=dict)
    """The log on the models it was recorded on: ``cost`` (registry prices), ``rows`` and ``requests`` it covers
    (out of ``rows_total``), and where the log has a cost column, ``export_cost`` over those same rows,
    ``export_rows``, ``cost_on_export_rows`` and ``difference_share`` = (ours − export's) / export's."""
    approximation: str | None = None
    """Said wherever the result is shown when rows are aggregated: the tier split is from averages."""
    engine: str = "numpy"
    """Where the log was priced: ``numpy`` (in memory, every per-request cost kept) or a database engine
    (``duckdb``, ``postgres``, ``spark``: only summaries come back, see ``analytics.replay.engines``)."""
    cost_buckets: pd.DataFrame | None = None
    """From a database engine, in place of ``costs``: model, cost_low, cost_high, requests — the priced requests
    (weighted by each row's request count) per fine logarithmic cost bucket (0.27% wide), what ``distribution``
    bins."""

    @property
    def not_fitting(self) -> pd.DataFrame:
        return self.unpriced[self.unpriced["kind"] == NOT_FITTING].reset_index(drop=True)

    def distribution(self, bins: int = 40) -> pd.DataFrame:
        """Histogram of the per-request cost of each model on shared log-spaced bins: model, cost_low, cost_high,
        requests, share (of that model's priced requests). Bounded in size whatever the log's length.

        From a database engine the fine buckets are binned by their lower edge (a bucket is 0.27% wide: a request
        within that of a bin edge may be counted in the neighbouring bin)."""
        if self.cost_buckets is not None and not self.costs:
            return _bin_buckets(self.cost_buckets, bins)
        kept = {m: np.isfinite(c) & (c > 0) for m, c in self.costs.items()}
        finite = {m: c[kept[m]] for m, c in self.costs.items()}
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
            weights = None if self.weights is None else self.weights[kept[model]]
            counts = np.histogram(values, bins=edges, weights=weights)[0] if len(values) else np.zeros(bins, dtype=int)
            share = counts / counts.sum() if len(values) and counts.sum() else np.zeros(bins)
            rows.append(pd.DataFrame({"model": model, "cost_low": edges[:-1], "cost_high": edges[1:],
                                      "requests": counts, "share": share}))
        return pd.concat(rows, ignore_index=True)


def _bin_buckets(buckets: pd.DataFrame, bins: int) -> pd.DataFrame:
    """``distribution`` from an engine's fine cost buckets (model, cost_low, cost_high, requests)."""
    positive = buckets[buckets["cost_low"] > 0]
    if positive.empty:
        return pd.DataFrame(columns=["model", "cost_low", "cost_high", "requests", "share"])
    low, high = float(positive["cost_low"].min()), float(positive["cost_high"].max())
    edges = np.logspace(np.log10(low), np.log10(high), bins + 1)
    rows = []
    for model, part in positive.groupby("model", sort=False):
        index = np.clip(np.searchsorted(edges, part["cost_low"].to_numpy(), side="right") - 1, 0, bins - 1)
        counts = np.bincount(index, weights=part["requests"].to_numpy(dtype=np.float64), minlength=bins)
        total = counts.sum()
        rows.append(pd.DataFrame({"model": model, "cost_low": edges[:-1], "cost_high": edges[1:],
                                  "requests": counts, "share": counts / total if total else counts}))
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
    if n < 1_000:
        return [float(v) for v in np.percentile(values, qs)]
    buckets = values.view(np.int64) >> 44
    if buckets.min() < 0:  # a negative number (or −0.0): not a cost
        return [float(v) for v in np.percentile(values, qs)]
    cumulative = np.cumsum(np.bincount(buckets))
    positions = [q / 100 * (n - 1) for q in qs]
    ranks = sorted({r for p in positions for r in (int(np.floor(p)), min(int(np.floor(p)) + 1, n - 1))})
    # each rank's bucket, and each distinct bucket's members taken once, in order
    of_rank = {r: int(np.searchsorted(cumulative, r, side="right")) for r in ranks}
    members = {b: np.sort(values[buckets == b]) for b in set(of_rank.values())}

    def ranked(rank: int) -> float:
        bucket = of_rank[rank]
        before = int(cumulative[bucket - 1]) if bucket else 0
        return float(members[bucket][rank - before])

    result = []
    for position in positions:
        low = int(np.floor(position))
        fraction = position - low
        value = ranked(low)
        if fraction:
            value += fraction * (ranked(low + 1) - value)
        result.append(value)
    return result


def weighted_percentiles(values: np.ndarray, weights: np.ndarray, qs: Iterable[float]) -> list[float]:
    """Percentiles of ``values`` where value i counts ``weights[i]`` times, with ``np.percentile``'s linear
    interpolation: for whole weights, exactly the percentiles of the expanded array (a value repeated w times)."""
    order = np.argsort(values, kind="stable")
    ordered, cumulative = values[order], np.cumsum(weights[order])
    last = len(ordered) - 1
    result = []
    for q in qs:
        position = q / 100 * (cumulative[-1] - 1)
        low = np.floor(position)
        at_low = ordered[min(int(np.searchsorted(cumulative, low, side="right")), last)]
        at_high = ordered[min(int(np.searchsorted(cumulative, low + 1, side="right")), last)]
        result.append(float(at_low + (position - low) * (at_high - at_low)))
    return result


SUMMARY_COLUMNS = [
    "model", "name", "provider", "country", "requests", "priced", "not_fitting", "no_price", "total_cost",
    "cost_median", "cost_p95", "cost_max", "tier_shares", "recorded_cost", "saving", "saving_share",
    "compared_requests", "currency", "rows", "compared_rows", "common_requests", "total_cost_common",
]
"""``requests`` are weighted by each row's request count; ``rows`` and ``compared_rows`` count rows, so a saving
always says how many rows of the log it covers. ``total_cost`` is over the requests a model can take;
``total_cost_common`` over the ``common_requests`` every compared model takes (like for like, see ``common_mask``)."""

APPROXIMATION = ("rows are aggregated: each is priced as its request count of requests of the row's average size, "
                 "so the tier split and the limits are approximations from averages")


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
    the log has no timestamps). ``models`` defaults to each provider's newest flagship callable throughout the log
    (``replay_models``). Per model: total cost over the priced requests; median, p95 and max cost per
    request; the share of requests per tier; requests that do not fit or have no price (counted and listed);
    and ``saving`` = (cost on the recorded models − cost on this model) over the requests both price, so a positive
    saving means this model would have been cheaper (``saving_share`` = saving / recorded cost).
    """
    n = len(usage)
    if n == 0:
        raise AnalyticsError("the log has no requests")
    columns = {c: np.asarray(usage[c], dtype=np.float64) if c in usage else np.zeros(n) for c in TOKEN_COLUMNS}
    # TOKEN_COLUMNS is in TokenArrays.of's order; validated by validate_usage
    tokens = TokenArrays.of(*(columns[c] for c in TOKEN_COLUMNS), check=False)
    counting = _Counting(_weights(usage))
    days = _day_numbers(usage)
    day = on or today()
    if not models:
        first, last = (day, day) if days is None else (_EPOCH + dt.timedelta(days=int(days.min())),
                                                      _EPOCH + dt.timedelta(days=int(days.max())))
        models = replay_models(registry, first, last)
    model_ids = list(dict.fromkeys(registry.resolve_id(m) for m in models))
    options = {"region": region, "service_tier": service_tier, "on": day, "currency": currency}
    day_range = None if days is None else (int(days.min()), int(days.max()))
    pricings = {m: _price_on_model(registry, registry.model(m), tokens, days, day_range=day_range,
                                   weights=counting.weights, **options) for m in model_ids}
    recorded_cost, unknown_recorded, recorded_names = _recorded_costs(registry, usage, pricings, tokens, days,
                                                                      options)

    recorded = _Recorded.of(recorded_cost, counting)
    common = common_mask([np.isfinite(p.total) for p in pricings.values()])
    common_requests = counting.count(common)
    summary_rows, tier_rows, unpriced_parts = [], [], []
    reasons: list[str] = []  # the categories of the unpriced table's reason column
    for code, (model_id, pricing) in enumerate(pricings.items()):
        row, tiers, unpriced = _summarise_model(registry.entry(model_id), pricing, recorded, currency, counting)
        row["common_requests"] = common_requests
        row["total_cost_common"] = counting.add(pricing.total, common) if np.isfinite(row["total_cost"]) else np.nan
        summary_rows.append(row)
        tier_rows.extend(tiers)
        part = _unpriced_rows(registry.model(model_id), code, pricing, unpriced, reasons)
        if part is not None:
            unpriced_parts.append(part)

    file_rows = np.asarray(usage["row"], dtype=np.int64) if "row" in usage else None
    return ReplayResult(
        summary=pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS),
        tiers=pd.DataFrame(tier_rows, columns=["model", "tier", "requests", "share"]),
        unpriced=_unpriced_frame(unpriced_parts, model_ids, reasons, columns, days, file_rows, counting.weights),
        costs={m: p.total for m, p in pricings.items()},
        recorded_cost=recorded_cost,
        requests=counting.count(np.ones(n, dtype=bool)),
        currency=currency,
        region=region,
        service_tier=service_tier,
        period=_period(day_range),
        priced_on=None if days is not None else day,
        unknown_recorded=unknown_recorded,
        rows=n,
        weights=counting.weights,
        recorded_names=recorded_names,
        as_recorded=_as_recorded(registry, usage, recorded_cost, counting, currency),
        approximation=APPROXIMATION if counting.weights is not None else None,
    )


def common_mask(priced: list[np.ndarray]) -> np.ndarray:
    """The requests (or a database engine's summary groups) every compared model can take, from each model's
    "priced" mask: the ones a like-for-like comparison adds up. A model that prices none at all (no schedule on any
    day of the log) is left out of the intersection, or it would empty it; its row says "no price" instead."""
    common = None
    for mask in priced:
        if mask.any():
            common = mask if common is None else common & mask
    if common is None:
        return np.zeros(len(priced[0]) if priced else 0, dtype=bool)
    return common


def _weights(usage: pd.DataFrame) -> np.ndarray | None:
    """Requests per row, or None for a log of single requests (the plain, faster path)."""
    if "requests" not in usage:
        return None
    weights = np.asarray(usage["requests"], dtype=np.float64)
    return None if np.all(weights == 1) else weights


def _as_recorded(registry: Registry, usage: pd.DataFrame, recorded_cost: np.ndarray | None, counting: _Counting,
                 currency: str) -> dict[str, float]:
    """The log's cost on the models it was recorded on, the rows and requests that covers, and beside it the
    export's own cost over those same rows when the log has one (``export_cost``, USD)."""
    if recorded_cost is None:
        return {}
    known = np.isfinite(recorded_cost)
    found: dict[str, float] = {"cost": counting.add(recorded_cost, known), "rows": int(np.count_nonzero(known)),
                               "requests": counting.count(known), "rows_total": len(usage)}
    if "export_cost" in usage:
        export = np.asarray(usage["export_cost"], dtype=np.float64) * registry.convert(1.0, "USD", currency)
        both = known & np.isfinite(export)
        ours, theirs = counting.add(recorded_cost, both), float(np.sum(export, where=both))
        found.update({"export_rows": int(np.count_nonzero(both)), "export_cost": theirs,
                      "cost_on_export_rows": ours, "difference_share": (ours - theirs) / theirs if theirs else np.nan})
    return found


def _recorded_costs(registry: Registry, usage: pd.DataFrame, pricings: dict[str, _ModelPricing],
                    tokens: TokenArrays, days: np.ndarray | None, options: dict[str, Any]
                    ) -> tuple[np.ndarray | None, dict[str, int], dict[str, str]]:
    """Each request's cost on the model it was recorded on (NaN where that model is unknown), reusing the models
    already priced and pricing the others on their own rows only; the unknown recorded names with their row counts;
    and the names resolved by a rule (``names``). (None, {}, {}) for a log without a model column."""
    if "model" not in usage:
        return None, {}, {}
    recorded = usage["model"]
    if isinstance(recorded.dtype, pd.CategoricalDtype):
        codes, names = recorded.cat.codes.to_numpy(), list(recorded.cat.categories)
    else:
        codes, names = pd.factorize(recorded, use_na_sentinel=True)
    unknown: dict[str, int] = {}
    resolved_by_rule: dict[str, str] = {}
    resolved = resolve_many(registry, [str(name) for name in names])
    unknown_column = np.full(len(usage), np.nan)
    choices: list[np.ndarray] = []
    extra: dict[int, str] = {}
    for code, name in enumerate(names):
        canonical = resolved[str(name)]
        if canonical is None:
            unknown[str(name)] = int(np.count_nonzero(codes == code))
        elif str(name) != canonical and str(name) not in registry.aliases:
            resolved_by_rule[str(name)] = canonical
        if canonical is not None and canonical not in pricings:
            extra[code] = canonical  # priced below, on its own rows only
        choices.append(pricings[canonical].total if canonical in pricings else unknown_column)
    choices.append(unknown_column)  # the empty name (code -1)
    recorded_cost = _choose(np.where(codes < 0, len(choices) - 1, codes), choices, unknown_column)
    for code, canonical in extra.items():
        rows = np.flatnonzero(codes == code)
        other = _price_on_model(registry, registry.model(canonical), tokens.take(rows),
                                None if days is None else days[rows],
                                **options)
        recorded_cost[rows] = other.total
    blank = int(np.count_nonzero(codes < 0))
    if blank:
        unknown["(empty)"] = blank
    return recorded_cost, unknown, resolved_by_rule


def _choose(index: np.ndarray, choices: list[np.ndarray], unknown_column: np.ndarray) -> np.ndarray:
    """``choices[index[i]][i]`` for every request: ``np.choose`` up to its limit of 32 choices, else one copy per
    choice."""
    if len(choices) <= 32:
        return np.choose(index, choices)
    chosen = np.full(len(index), np.nan)
    for code, choice in enumerate(choices[:-1]):
        if choice is not unknown_column:
            np.copyto(chosen, choice, where=index == code)
    return chosen


@dataclass(frozen=True)
class _Recorded:
    """The log's cost on the models it was recorded on, summed once for every model's saving: the requests with a
    recorded cost (``known``), their (weighted) count and total, and the rows without one (few: unknown names)."""

    cost: np.ndarray
    known: np.ndarray
    known_rows: int
    known_count: float
    known_total: float
    unknown_rows: np.ndarray

    @classmethod
    def of(cls, cost: np.ndarray | None, counting: _Counting) -> _Recorded | None:
        if cost is None:
            return None
        known = np.isfinite(cost)
        return cls(cost, known, int(np.count_nonzero(known)), counting.count(known), counting.add(cost, known),
                   np.flatnonzero(~known))


def _summarise_model(entry: ModelEntry, pricing: _ModelPricing, recorded: _Recorded | None, currency: str,
                     counting: _Counting) -> tuple[dict[str, Any], list[dict[str, Any]], np.ndarray]:
    """One model's summary row, its tier rows, and the rows of the requests it could not price."""
    total = pricing.total
    n = len(total)
    requests = counting.count(np.ones(n, dtype=bool))
    priced_mask = np.isfinite(total)
    unpriced = np.flatnonzero(~priced_mask)
    priced_rows = n - len(unpriced)
    if counting.weights is None:
        priced = priced_rows
        not_fitting = int(np.count_nonzero(pricing.fit))  # FIT_OK is 0
        no_price = n - priced - not_fitting
    else:
        not_fitting_mask = pricing.fit != FIT_OK
        priced, not_fitting = counting.count(priced_mask), counting.count(not_fitting_mask)
        no_price = counting.count(~(priced_mask | not_fitting_mask))
    counts = {**pricing.tier_counts, NOT_FITTING: not_fitting, NO_PRICE: no_price}
    model_id = entry.model.id
    tier_rows = [{"model": model_id, "tier": label, "requests": _whole(count), "share": count / requests}
                 for label, count in counts.items() if count or label not in (NOT_FITTING, NO_PRICE)]
    shares = [f"{label}: {count / requests:.1%}" for label, count in counts.items()
              if count and label not in (NOT_FITTING, NO_PRICE)]
    stats = _cost_stats(total, priced_mask, priced_rows, counting)
    row = {
        "model": model_id, "name": entry.model.name, "provider": entry.provider.name,
        "country": entry.provider.country, "requests": requests, "priced": priced,
        "not_fitting": counts[NOT_FITTING], "no_price": counts[NO_PRICE], **stats, "tier_shares": " · ".join(shares),
        **_saving(total, priced_mask, unpriced, stats["total_cost"], recorded, counting), "currency": currency,
        "rows": n,
    }
    return row, tier_rows, unpriced


def _cost_stats(total: np.ndarray, priced_mask: np.ndarray, priced_rows: int, counting: _Counting
                ) -> dict[str, float]:
    """Total, median, p95 and max cost per request over the priced requests (NaN when none is priced)."""
    if not priced_rows:
        return {"total_cost": np.nan, "cost_median": np.nan, "cost_p95": np.nan, "cost_max": np.nan}
    priced = total[priced_mask] if priced_rows < len(total) else total
    if counting.weights is None:
        median, p95 = percentiles(priced, (50, 95))
        total_cost = float(priced.sum())
    else:
        median, p95 = weighted_percentiles(priced, counting.weights[priced_mask], (50, 95))
        total_cost = counting.add(total, priced_mask)
    return {"total_cost": total_cost, "cost_median": float(median), "cost_p95": float(p95),
            "cost_max": float(priced.max())}


def _saving(total: np.ndarray, priced_mask: np.ndarray, unpriced: np.ndarray, priced_total: float,
            recorded: _Recorded | None, counting: _Counting) -> dict[str, Any]:
    """Recorded cost against this model's over the requests both price (none compared: NaN), and the requests and
    rows that covers.

    From the sums over all requests less the few that one side lacks (this model's unpriced requests, the
    requests recorded on unknown models): no pass over the log per model."""
    compared, compared_rows, recorded_cost, saving, saving_share = 0, 0, np.nan, np.nan, np.nan
    if recorded is not None:
        lost = unpriced[recorded.known[unpriced]]  # recorded, but this model cannot price them
        compared_rows = recorded.known_rows - len(lost)
        if compared_rows:
            every = np.ones(len(lost), dtype=bool)
            weights = counting.weights
            lost_counting = _Counting(None if weights is None else weights[lost])
            compared = _whole(recorded.known_count - lost_counting.count(every))
            recorded_cost = recorded.known_total - lost_counting.add(recorded.cost[lost], every)
            unmatched = recorded.unknown_rows[priced_mask[recorded.unknown_rows]]
            unmatched_cost = _Counting(None if weights is None else weights[unmatched]).add(
                total[unmatched], np.ones(len(unmatched), dtype=bool))
            saving = recorded_cost - (priced_total - unmatched_cost)
            saving_share = saving / recorded_cost if recorded_cost else np.nan
    return {"recorded_cost": recorded_cost, "saving": saving, "saving_share": saving_share,
            "compared_requests": compared, "compared_rows": compared_rows}


def _period(day_range: tuple[int, int] | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the log, from day numbers since 1970-01-01."""
    if day_range is None:
        return None
    epoch = dt.date(1970, 1, 1)
    return epoch + dt.timedelta(days=day_range[0]), epoch + dt.timedelta(days=day_range[1])


UNPRICED_COLUMNS = ["row", "model", "kind", "reason", "prompt_tokens", "output_tokens", "reasoning_tokens", "day",
                    "requests"]
"""``row`` is the row of the file (from 1); ``requests`` how many requests the row stands for."""


def _empty_unpriced() -> pd.DataFrame:
    return pd.DataFrame(columns=UNPRICED_COLUMNS)


def _unpriced_rows(model: Model, model_code: int, pricing: _ModelPricing, rows: np.ndarray,
                   reasons: list[str]) -> dict[str, np.ndarray] | None:
    """The requests ``model`` could not price (``rows``), as codes: row positions, kind, and a one-line reason
    (one text per limit and model, appended to ``reasons`` — never a string built per row)."""
    if not len(rows):
        return None
    texts = reason_texts(model)
    for text in texts:
        if text not in reasons:
            reasons.append(text)
    to_category = np.array([reasons.index(text) for text in texts], dtype=np.int32)
    fit = pricing.fit[rows]
    local = np.where(fit == FIT_OK, np.where(pricing.no_schedule[rows], 5, 6), np.clip(fit, 0, 4))
    return {"rows": rows, "model": np.full(len(rows), model_code, dtype=np.int32), "kind": (fit == FIT_OK),
            "reason": to_category[local]}


def _unpriced_frame(parts: list[dict[str, np.ndarray]], model_ids: list[str], reasons: list[str],
                    columns: dict[str, np.ndarray], days: np.ndarray | None, file_rows: np.ndarray | None = None,
                    weights: np.ndarray | None = None) -> pd.DataFrame:
    """One table of every unpriced request × model, built once from the per-model codes (categorical columns)."""
    if not parts:
        return _empty_unpriced()
    rows = np.concatenate([p["rows"] for p in parts])
    return pd.DataFrame({
        "row": rows + 1 if file_rows is None else file_rows[rows],
        "model": pd.Categorical.from_codes(np.concatenate([p["model"] for p in parts]), model_ids),
        "kind": pd.Categorical.from_codes(np.concatenate([p["kind"] for p in parts]).astype(np.int8),
                                          [NOT_FITTING, NO_PRICE]),
        "reason": pd.Categorical.from_codes(np.concatenate([p["reason"] for p in parts]), reasons),
        "prompt_tokens": columns["prompt_tokens"][rows], "output_tokens": columns["output_tokens"][rows],
        "reasoning_tokens": columns["reasoning_tokens"][rows],
        "day": (days[rows] * 86_400).astype("datetime64[s]") if days is not None else None,
        "requests": np.ones(len(rows), dtype=np.int64) if weights is None else weights[rows],
    }, columns=UNPRICED_COLUMNS)


