"""Run the replay's ibis expression (``analytics.replay.query``) on an engine and assemble what the numpy engine
returns (``ReplayResult``) from its small results: the summary groups, the cost histogram and the exact costs that
hold each percentile. Nothing per request comes back, whatever the log's size."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from analytics.core.clock import today
from analytics.core.errors import AnalyticsError
from analytics.core.presets import replay_models
from analytics.core.registry import Registry

from .engine import (
    APPROXIMATION,
    NO_PRICE,
    NOT_FITTING,
    SUMMARY_COLUMNS,
    ReplayResult,
    common_mask,
    reason_texts,
)
from .names import resolve_many
from .query import (
    BUCKETS_PER_OCTAVE,
    GAP,
    NO_SCHEDULE_SLOT,
    QUANTILES,
    REQUIRED_COLUMNS,
    STATUS_NO_SCHEDULE,
    STATUS_PRICED,
    STATUS_UNKNOWN_RATE,
    WINDOW_SPAN,
    LogShape,
    ModelPlan,
    ReplayQuery,
    build_query,
)

UNPRICED_COUNT_COLUMNS = ["model", "kind", "reason", "requests"]
GUIDE_ROWS = 2_000_000
"""A log of more rows than 4× this is first priced on a sample of about this many (DuckDB), to find where its
percentiles lie; the exact figures then come from the whole log."""
"""An engine's unpriced table: requests per model and reason (the rows themselves stay in the database)."""


def _statuses(groups: pd.DataFrame, i: int, plan: ModelPlan) -> np.ndarray:
    """Each summary group's status on model ``i`` (see ``STATUS_*``), from its keys."""
    fit = groups[f"fit{i}"].to_numpy(dtype=np.int64)
    slot = groups[f"slot{i}"].to_numpy(dtype=np.int64)
    status = np.where(fit != 0, fit, STATUS_PRICED)
    free = status == STATUS_PRICED
    status[free & (slot == NO_SCHEDULE_SLOT)] = STATUS_NO_SCHEDULE
    status[free & np.isin(slot, plan.beyond_slots)] = 4
    if f"unknown{i}" in groups:
        unknown = groups[f"unknown{i}"].to_numpy(dtype=bool)
        status[(status == STATUS_PRICED) & unknown] = STATUS_UNKNOWN_RATE
    return status


def check_problems(checks: pd.Series) -> list[str]:
    """One line per problem the names query counted (``ReplayQuery.names``): the column, how many rows, what."""
    problems = []
    for key, value in checks.items():
        if ":" not in str(key) or str(key).endswith(":min") or not value:
            continue
        column, kind = str(key).split(":")
        count = int(value)
        detail = f" (the lowest is {checks[f'{column}:min']:g})" if kind == "negative" else ""
        problems.append(f"{column}: {count:,} row{'s' if count > 1 else ''} {_KINDS[kind]}{detail}")
    return problems


_KINDS = {"empty": "empty — every request needs it", "empty or negative": "with an empty or negative count",
          "negative": "negative — token counts cannot be", "not finite": "not finite (NaN or infinite)",
          "above prompt": "with more cached and cache-write tokens than the prompt — prompt_tokens must hold the "
                          "whole prompt"}


def _day(value: Any) -> dt.date | None:
    """A first or last time (a timestamp, or Unix seconds) as its UTC day."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        seconds = float(value) / 1000 if abs(float(value)) > 1e11 else float(value)
        return pd.Timestamp(seconds, unit="s", tz="UTC").date()
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.date()


def percentile_ranks(histogram: pd.DataFrame, qs: Iterable[float] = QUANTILES
                     ) -> dict[int, tuple[float, list[tuple[float, int, int]]]]:
    """Per model: the priced count and, per quantile, the ranks it needs (0-based, in cost order) with the bucket
    holding each."""
    result = {}
    for k, part in histogram.groupby("k"):
        per_bucket = part.groupby("bucket")["requests"].sum().sort_index()
        n = float(per_bucket.sum())
        if n <= 0:
            continue
        cumulative = per_bucket.cumsum().to_numpy()
        buckets = per_bucket.index.to_numpy()
        ranks = []
        for q in qs:
            low = math.floor(q / 100 * (n - 1))
            for rank in dict.fromkeys((low, min(low + 1, math.ceil(n) - 1))):
                ranks.append((q, rank, float(buckets[np.searchsorted(cumulative, rank, side="right")])))
        result[int(k)] = (n, ranks)
    return result


def exact_percentiles(histogram: pd.DataFrame, values: pd.DataFrame, qs: Iterable[float] = QUANTILES
                      ) -> dict[int, list[float]]:
    """Per model, the exact percentiles (linear interpolation, as ``np.percentile``) from the bucket counts and the
    exact costs in the few buckets that hold the ranks."""
    result = {}
    for k, (n, ranks) in percentile_ranks(histogram, qs).items():
        per_bucket = histogram[histogram["k"] == k].groupby("bucket")["requests"].sum().sort_index()
        before = (per_bucket.cumsum() - per_bucket).to_dict()
        mine = values[values[f"cost{k}"].notna()].groupby([f"bucket{k}", f"cost{k}"])["requests"].sum()
        by_bucket = {float(b): (part.index.get_level_values(1).to_numpy(dtype=np.float64),
                                np.cumsum(part.to_numpy(dtype=np.float64))) for b, part in mine.groupby(level=0)}

        def ranked(rank: int, bucket: float, by_bucket=by_bucket, before=before) -> float:
            costs, cumulative = by_bucket[bucket]
            return float(costs[np.searchsorted(cumulative + before[bucket], rank, side="right")])

        out = []
        for q in qs:
            position = q / 100 * (n - 1)
            low = math.floor(position)
            chosen = {rank: bucket for qq, rank, bucket in ranks if qq == q}
            value = ranked(low, chosen[low])
            high = min(low + 1, math.ceil(n) - 1)
            if position > low and high != low:
                value += (position - low) * (ranked(high, chosen[high]) - value)
            out.append(value)
        result[k] = out
    return result


def windows_from(guide: pd.DataFrame, qs: Iterable[float] = QUANTILES, *, sigmas: float = 8.0
                 ) -> dict[int, list[tuple[float, float]]]:
    """Per model, the cost ranges that hold each percentile with near certainty, from a sample's histogram: the
    sample ranks q × (n − 1) ± ``sigmas`` binomial standard deviations (blocks of rows are correlated: the margin is
    generous), as sorted disjoint ``[low, high)`` ranges. The summary then counts the whole log in and around them."""
    windows = {}
    for k, part in guide.groupby("k"):
        per_bucket = part.groupby("bucket")["requests"].sum().sort_index()
        n = float(per_bucket.sum())
        if n <= 0:
            continue
        cumulative = per_bucket.cumsum().to_numpy()
        buckets = per_bucket.index.to_numpy()
        ranges = []
        for q in qs:
            p = q / 100
            margin = sigmas * math.sqrt(n * p * (1 - p)) + 64
            low = buckets[np.searchsorted(cumulative, max(0.0, p * (n - 1) - margin), side="right")]
            high = buckets[min(np.searchsorted(cumulative, min(n - 1, p * (n - 1) + margin), side="right"),
                               len(buckets) - 1)]
            # a bucket's costs lie within 2^(b/256) … 2^((b+1)/256); a little more either side
            ranges.append((0.0 if low <= _ZERO_BUCKET else 2.0 ** (low / BUCKETS_PER_OCTAVE) * (1 - 1e-6),
                           2.0 ** ((high + 1) / BUCKETS_PER_OCTAVE) * (1 + 1e-6)))
        merged: list[tuple[float, float]] = []
        for low, high in sorted(ranges):
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        windows[int(k)] = merged
    return windows


_ZERO_BUCKET = math.floor(math.log(1e-300) * BUCKETS_PER_OCTAVE / math.log(2))
"""The logarithmic bucket of a zero cost (see ``analytics.replay.query._bucket``)."""


def windowed_histogram(groups: pd.DataFrame, statuses: list[np.ndarray], windows: dict[int, list[tuple[float, float]]]
                       ) -> pd.DataFrame:
    """The summary's window counts as a histogram (k, bucket, requests) of the whole log's priced requests: each
    window slot its key, each gap between windows a non-integer key in its place (a rank falling in one means the
    sample missed: see ``replay_table``)."""
    parts = []
    for k, ranges in windows.items():
        priced = statuses[k] == STATUS_PRICED
        codes = groups[f"window{k}"].to_numpy(dtype=np.int64)[priced]
        keys = codes.astype(np.float64)
        for j in range(len(ranges) + 1):
            keys[codes == GAP - j] = j * WINDOW_SPAN - 0.5
        parts.append(pd.DataFrame({"k": k, "bucket": keys,
                                   "requests": groups["requests"].to_numpy(dtype=np.float64)[priced]}))
    if not parts:
        return pd.DataFrame(columns=["k", "bucket", "requests"])
    return pd.concat(parts, ignore_index=True).groupby(["k", "bucket"], as_index=False)["requests"].sum()


def _count(value: float) -> int | float:
    """Request counts are whole numbers unless a weight column made them fractional."""
    return int(value) if float(value).is_integer() else float(value)


def _tier_counts(plan: ModelPlan, groups: pd.DataFrame, i: int, status: np.ndarray, requests: np.ndarray
                 ) -> dict[str, float]:
    """The requests that fit, per tier label: every tier of every schedule some request fell in, in the registry's
    order (a label shared by two schedules adds up), as the numpy engine counts them."""
    slots = groups[f"slot{i}"].to_numpy(dtype=np.int64)
    present = {plan.slots[s].schedule for s in np.unique(slots) if s >= 0}
    fitting = (status == STATUS_PRICED) | (status == STATUS_UNKNOWN_RATE)
    counts: dict[str, float] = {}
    for number, slot in enumerate(plan.slots):
        if slot.schedule in present and slot.label is not None:
            counts[slot.label] = counts.get(slot.label, 0.0) + float(requests[fitting & (slots == number)].sum())
    return counts


def _comparison(query: ReplayQuery, groups: pd.DataFrame, statuses: list[np.ndarray], k: int) -> dict[str, Any]:
    """Model ``k`` against the models the requests were recorded on, over the requests both price: the name is a
    key of the summary's groups, so the recorded model's costs sit in the same group as this model's."""
    result = {"recorded_cost": np.nan, "saving": np.nan, "saving_share": np.nan, "compared_requests": 0,
              "compared_rows": 0}
    if not query.shape.has_model:
        return result
    requests = groups["requests"].to_numpy(dtype=np.float64)
    row_counts = _rows(groups)
    recorded_plan = groups["name"].map(query.recorded).to_numpy(dtype=np.float64)
    compared = compared_rows = recorded = cost = 0.0
    for r in set(query.recorded.values()):
        rows = (recorded_plan == r) & (statuses[k] == STATUS_PRICED) & (statuses[r] == STATUS_PRICED)
        compared += float(requests[rows].sum())
        compared_rows += float(row_counts[rows].sum())
        recorded += float(groups[f"sum{r}"].to_numpy()[rows].sum())
        cost += float(groups[f"sum{k}"].to_numpy()[rows].sum())
    result["compared_requests"] = _count(compared)
    result["compared_rows"] = int(compared_rows)
    if compared:
        result.update(recorded_cost=recorded, saving=recorded - cost,
                      saving_share=(recorded - cost) / recorded if recorded else np.nan)
    return result


def _rows(groups: pd.DataFrame) -> np.ndarray:
    """Rows per summary group (the request count when no weight column makes them differ)."""
    return groups["rows" if "rows" in groups else "requests"].to_numpy(dtype=np.float64)


def _as_recorded(query: ReplayQuery, groups: pd.DataFrame, statuses: list[np.ndarray], usd: float
                 ) -> dict[str, float]:
    """The log on the models it was recorded on (registry prices): cost, and the rows and requests that covers
    out of ``rows_total``; where the log has the export's own cost (USD; ``usd`` converts it), that cost beside
    ours over the rows both have — as the numpy engine reports it."""
    if not query.shape.has_model:
        return {}
    recorded_plan = groups["name"].map(query.recorded).to_numpy(dtype=np.float64)
    requests, row_counts = groups["requests"].to_numpy(dtype=np.float64), _rows(groups)
    cost = covered_rows = covered = export_rows = theirs = ours = 0.0
    exported = query.shape.has_export_cost
    for r in set(query.recorded.values()):
        known = (recorded_plan == r) & (statuses[r] == STATUS_PRICED)
        cost += float(groups[f"sum{r}"].to_numpy()[known].sum())
        covered_rows += float(row_counts[known].sum())
        covered += float(requests[known].sum())
        if exported:
            export_rows += float(groups["export_rows"].to_numpy(dtype=np.float64)[known].sum())
            theirs += float(np.nansum(groups["export_sum"].to_numpy(dtype=np.float64)[known]))
            ours += float(np.nansum(groups[f"export_ours{r}"].to_numpy(dtype=np.float64)[known]))
    found: dict[str, float] = {"cost": cost, "rows": int(covered_rows), "requests": _count(covered),
                               "rows_total": int(row_counts.sum())}
    if exported:
        theirs *= usd
        found.update({"export_rows": int(export_rows), "export_cost": theirs, "cost_on_export_rows": ours,
                      "difference_share": (ours - theirs) / theirs if theirs else np.nan})
    return found


def _model_rows(registry: Registry, query: ReplayQuery, groups: pd.DataFrame, statuses: list[np.ndarray], k: int,
                percentiles: dict[int, list[float]], n: float, currency: str) -> tuple[dict, list[dict], list[dict]]:
    """Model ``k``'s summary row, tier rows and unpriced counts."""
    plan = query.plans[k]
    entry = registry.entry(plan.model.id)
    status = statuses[k]
    requests = groups["requests"].to_numpy(dtype=np.float64)
    priced_mask = status == STATUS_PRICED
    priced = float(requests[priced_mask].sum())
    not_fitting = float(requests[(status >= 1) & (status <= 4)].sum())
    no_price = float(requests[status >= STATUS_NO_SCHEDULE].sum())
    stats = {"total_cost": np.nan, "cost_median": np.nan, "cost_p95": np.nan, "cost_max": np.nan}
    if priced:
        median, p95 = percentiles[k]
        stats = {"total_cost": float(groups[f"sum{k}"].to_numpy()[priced_mask].sum()), "cost_median": median,
                 "cost_p95": p95, "cost_max": float(np.nanmax(groups[f"max{k}"].to_numpy()[priced_mask]))}
    counts = _tier_counts(plan, groups, k, status, requests)
    counts[NOT_FITTING] = not_fitting
    counts[NO_PRICE] = no_price
    tier_rows, shares = [], []
    for label, count in counts.items():
        if count or label not in (NOT_FITTING, NO_PRICE):
            tier_rows.append({"model": plan.model.id, "tier": label, "requests": _count(count), "share": count / n})
        if count and label not in (NOT_FITTING, NO_PRICE):
            shares.append(f"{label}: {count / n:.1%}")
    row = {"model": plan.model.id, "name": entry.model.name, "provider": entry.provider.name,
           "country": entry.provider.country, "requests": _count(n), "priced": _count(priced),
           "not_fitting": _count(not_fitting), "no_price": _count(no_price), **stats,
           "tier_shares": " · ".join(shares), **_comparison(query, groups, statuses, k), "currency": currency,
           "rows": int(_rows(groups).sum())}
    reasons = reason_texts(plan.model)
    unpriced = [{"model": plan.model.id, "kind": NOT_FITTING if code <= 4 else NO_PRICE, "reason": reasons[code],
                 "requests": _count(float(requests[status == code].sum()))}
                for code in range(1, 7) if requests[status == code].sum()]
    return row, tier_rows, unpriced


def assemble(registry: Registry, query: ReplayQuery, groups: pd.DataFrame, names: pd.DataFrame,
             histogram: pd.DataFrame, percentiles: dict[int, list[float]], unknown: list[str], *, engine: str,
             region: str, service_tier: str, currency: str, on: dt.date,
             recorded_names: dict[str, str] | None = None) -> ReplayResult:
    """The replay's tables, as the numpy engine makes them, from the engine's small results."""
    n = float(groups["requests"].sum())
    statuses = [_statuses(groups, i, plan) for i, plan in enumerate(query.plans)]
    summary_rows, tier_rows, unpriced_rows = [], [], []
    requests = groups["requests"].to_numpy(dtype=np.float64)
    # like for like: the groups every compared model prices (a model pricing none is left out, as in numpy)
    pricing = [statuses[k] == STATUS_PRICED for k in range(query.asked)]
    common = common_mask(pricing)
    for k in range(query.asked):
        row, tiers, unpriced = _model_rows(registry, query, groups, statuses, k, percentiles, n, currency)
        row["common_requests"] = _count(float(requests[common].sum()))
        row["total_cost_common"] = (float(groups[f"sum{k}"].to_numpy()[common].sum()) if pricing[k].any()
                                    else np.nan)
        summary_rows.append(row)
        tier_rows += tiers
        unpriced_rows += unpriced
    by_name = {(None if pd.isna(a) else a): float(b) for a, b in zip(names["name"], names["rows"], strict=True)}
    unknown_recorded = {str(name): _count(by_name.get(name, 0.0)) for name in unknown}
    blank = sum(c for name, c in by_name.items() if name is None or not str(name).strip())
    if blank and query.shape.has_model:
        unknown_recorded["(empty)"] = _count(blank)
    first, last = _day(names["first"].min()) if "first" in names else None, \
        _day(names["last"].max()) if "last" in names else None
    ids = {k: plan.model.id for k, plan in enumerate(query.plans)}
    buckets = histogram.assign(model=histogram["k"].map(ids),
                               cost_low=2.0 ** (histogram["bucket"] / BUCKETS_PER_OCTAVE),
                               cost_high=2.0 ** ((histogram["bucket"] + 1) / BUCKETS_PER_OCTAVE))
    return ReplayResult(
        summary=pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS),
        tiers=pd.DataFrame(tier_rows, columns=["model", "tier", "requests", "share"]),
        unpriced=pd.DataFrame(unpriced_rows, columns=UNPRICED_COUNT_COLUMNS),
        costs={}, recorded_cost=None, requests=_count(n), currency=currency, region=region,
        service_tier=service_tier, period=(first, last) if first is not None else None,
        priced_on=None if query.shape.has_time else on, unknown_recorded=unknown_recorded, engine=engine,
        cost_buckets=buckets[["model", "cost_low", "cost_high", "requests"]].reset_index(drop=True),
        rows=int(_rows(groups).sum()), recorded_names=recorded_names or {},
        as_recorded=_as_recorded(query, groups, statuses, registry.convert(1.0, "USD", currency)),
        approximation=APPROXIMATION if query.shape.has_weight else None)


def replay_table(execute: Callable[[ir.Expr], pd.DataFrame], registry: Registry, table: ir.Table,
                 models: Iterable[str] | None = None, *, region: str = "global", service_tier: str = "standard",
                 currency: str = "USD", on: dt.date | None = None, label: str = "usage log", engine: str = "ibis",
                 resolve: Callable[[str], str] | None = None) -> ReplayResult:
    """``replay`` on a table where it lives: ``table`` has the canonical columns (``analytics.replay.sources``),
    ``execute`` runs an expression on its engine and returns the (small) result as a DataFrame.

    Four queries: the names and checks, the summary, the cost histogram (for a big log on DuckDB: of a sample, the
    summary then counting the whole log around the percentiles), the exact costs at the percentiles."""
    day = on or today()
    shape = LogShape.of(table)
    missing = [c for c in REQUIRED_COLUMNS if c not in shape.tokens]
    if missing:
        raise AnalyticsError(f"{label}: missing required column {missing[0]!r}")
    names = execute(ReplayQuery(table, shape, [], 0).names())
    if not int(names["rows"].sum()):
        raise AnalyticsError(f"{label}: the log has no requests")
    problems = check_problems(_sum_checks(names))
    if problems:
        raise AnalyticsError(f"{label}: " + "; ".join(problems))
    if not models:  # as the numpy engine: each provider's newest flagship callable all through the log
        first = _day(names["first"].min()) if "first" in names else None
        last = _day(names["last"].max()) if "last" in names else None
        models = replay_models(registry, first or day, last or day)
    model_ids = list(models)
    recorded = [None if pd.isna(name) else str(name) for name in names["name"]]
    # recorded names resolve as the in-memory reader resolves them: aliases, provider prefixes, dates, permaslugs
    resolved = resolve_many(registry, [name.strip() for name in recorded if name and name.strip()])

    def resolve_name(name: str) -> str:
        found = resolved.get(name) if resolve is None else resolve(name)
        if found is None:
            raise AnalyticsError(f"unknown model {name!r}")
        return found

    query, unknown = build_query(registry, table, model_ids, recorded, region=region,
                                 service_tier=service_tier, on=day, currency=currency, resolve=resolve_name)
    recorded_names = {name: model for name, model in resolved.items()
                      if model is not None and name != model and name not in registry.aliases}
    rows = int(names["rows"].sum())
    groups = histogram = targets = windows = None
    if engine == "duckdb" and rows > 4 * GUIDE_ROWS:
        # a big log: where the percentiles lie, from a sample; the summary then counts the log around them
        guide = execute(query.histogram(sample=GUIDE_ROWS / rows))
        windows = windows_from(guide)
        groups = execute(query.summary(windows))
        statuses = [_statuses(groups, i, plan) for i, plan in enumerate(query.plans)]
        histogram = windowed_histogram(groups, statuses, windows)
        priced = {k for k in range(query.asked) if groups["requests"].to_numpy()[statuses[k] == STATUS_PRICED].sum()}
        targets = _targets(histogram)
        if targets is not None and not priced <= {int(k) for k in targets}:
            targets = None  # a model the sample did not price at all
        cost_buckets = guide
        if targets is None:  # the sample missed (a rank fell between windows): count every bucket
            histogram = execute(query.histogram())
            targets, cost_buckets, windows = _targets(histogram), histogram, None
    else:
        groups = execute(query.summary())
        histogram = execute(query.histogram())
        targets, cost_buckets = _targets(histogram), histogram
    values = execute(query.order_statistics(targets, windows)) if targets else pd.DataFrame(columns=["requests"])
    return assemble(registry, query, groups, names, cost_buckets, exact_percentiles(histogram, values), unknown,
                    engine=engine, region=region, service_tier=service_tier, currency=currency, on=day,
                    recorded_names=recorded_names)


def _targets(histogram: pd.DataFrame) -> dict[int, list[int]] | None:
    """The buckets that hold the percentiles' ranks, per model; None when a rank falls between windows."""
    targets: dict[int, list[int]] = {}
    for k, (_, ranks) in percentile_ranks(histogram).items():
        for _, _, bucket in ranks:
            if not float(bucket).is_integer():
                return None
            targets.setdefault(k, []).append(int(bucket))
    return targets


def _sum_checks(names: pd.DataFrame) -> pd.Series:
    """The checks over the whole log, from the names query's groups."""
    checks: dict[str, Any] = {}
    for column in names.columns:
        if ":" in column:
            values = names[column]
            checks[column] = values.min() if column.endswith(":min") else values.sum()
    return pd.Series(checks, dtype=object)
