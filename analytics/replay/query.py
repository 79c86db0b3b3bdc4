"""The replay as one engine-agnostic ibis expression, built from the registry: DuckDB, PostgreSQL, Spark (or any
SQL the compiler speaks) price the log where it lives, and only small results come back.

The arithmetic is the numpy engine's (``analytics.replay.engine``), written once more as column expressions: the
schedule in force on each request's day (UTC; the first in the registry's order wins), the cliff tier of its
prompt, the limits, and the cost components added in the same order, so that every engine agrees with the reference
to the last bits. Token columns are cast to float64 before any arithmetic and every rate is a float64 literal:
engines read a bare decimal literal as DECIMAL, and Spark then truncates costs to 6 decimals.

The queries (``analytics.replay.engines`` runs them): the recorded names with the validation counts; the summary,
grouped by every model's fit code and tier (a few hundred groups for any log); a histogram of each model's costs
in fine logarithmic buckets; and the exact costs in the few buckets that hold the median and p95 — so the
percentiles are exact (``np.percentile``'s linear interpolation) in bounded memory on every engine, where an
engine's own median must hold every value (DuckDB), is approximate (ClickHouse) or is missing (BigQuery).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from analytics.core.clock import today
from analytics.core.errors import AnalyticsError
from analytics.core.lifecycle import not_live_reason
from analytics.core.pricing import MTOK, TierRates, prompt_cap, tier_labels
from analytics.core.registry import Registry
from analytics.core.schema import Model, PriceSchedule

TOKEN_COLUMNS = ("prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "cache_write_tokens",
                 "cache_write_1h_tokens")
"""The token columns the expression reads (a missing optional one is 0): ``prompt_tokens`` holds the whole
prompt, cached and cache-written tokens included."""
REQUIRED_COLUMNS = ("prompt_tokens", "output_tokens")
EXPORT_COST = "export_cost"
WEIGHT_COLUMN = "requests"
"""Where a row stands for several requests (an aggregated bucket), how many; its token columns are the bucket's
totals and each request is priced at the average size. Missing: every row is one request."""

STATUS_PRICED = 0
STATUS_NO_SCHEDULE = 5
STATUS_UNKNOWN_RATE = 6
"""Per request and model: 0 priced; 1–4 the fit code of the limit broken (``analytics.pricing.FIT_*``); 5 no
schedule in force on its day; 6 the tier's rate for a component it uses is unknown."""
NO_SCHEDULE_SLOT = -1

BUCKETS_PER_OCTAVE = 256
"""Cost buckets per doubling: a bucket spans 0.017% of its cost, so the few holding a percentile are small."""
TINY = 1e-300
"""Where a zero cost is counted (log of zero being undefined): below any cost a request can have."""
QUANTILES = (50.0, 95.0)
DAY_S = 86_400


def f64(value: float) -> ir.FloatingValue:
    return ibis.literal(float(value), type="float64")


NULL = ibis.null("float64")


# -- the per-request expression ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One (schedule, tier) pair of a model, or a schedule's "beyond every tier" (``rates`` None)."""

    schedule: int
    label: str | None
    rates: TierRates | None
    factor: float
    """Registry currency → display currency, per token (÷ 1,000,000)."""


@dataclass
class ModelPlan:
    """How one model prices a request, as data from the registry; the expressions are built from it."""

    model: Model
    periods: list[tuple[PriceSchedule, dt.date | None, dt.date | None]]
    """The schedules a request may fall in, in the registry's order (the first in force wins), with their days."""
    slots: list[Slot] = field(default_factory=list)
    whole_log: bool = False
    """True when the log has no times: every request on the one schedule in force on the replay's day."""

    @classmethod
    def of(cls, registry: Registry, model: Model, *, dated: bool, region: str, service_tier: str, on: dt.date,
           currency: str) -> ModelPlan:
        candidates = [s for s in model.prices if s.region == region and s.service_tier == service_tier]
        if not dated:
            # the one schedule ``Registry.schedule`` picks: none for a model retired or unreleased on that day
            live = not_live_reason(model, on) is None
            candidates = [s for s in candidates if live and s.in_force(on)][:1]
        periods, slots = [], []
        for number, schedule in enumerate(candidates):
            periods.append((schedule, schedule.effective_from, schedule.effective_to))
            factor = registry.convert(1.0, schedule.currency, currency) / MTOK
            labels = tier_labels(schedule)
            for i, tier in enumerate(schedule.tiers):
                slots.append(Slot(number, labels[i], TierRates.of(tier), factor))
            if schedule.tiers[-1].up_to is not None:
                slots.append(Slot(number, None, None, factor))
            if schedule.effective_from is None and schedule.effective_to is None:
                break  # always in force: later schedules are never reached
        return cls(model, periods, slots, whole_log=not dated)

    def fit(self, tokens: dict[str, ir.FloatingValue]) -> ir.IntegerValue:
        """The first limit broken (``FIT_*``), in the numpy engine's priority: input cap, window, output cap."""
        model = self.model
        prompt = tokens["prompt_tokens"]
        completion = tokens["output_tokens"] + tokens["reasoning_tokens"]
        cases = [(prompt > f64(prompt_cap(model)), 1)]
        if model.max_input_tokens is None:
            cases.append((prompt + completion > f64(model.context_window), 3))
        if model.max_output_tokens is not None:
            cases.append((completion > f64(model.max_output_tokens), 2))
        return ibis.cases(*cases, else_=0).cast("int8")

    def slot(self, tokens: dict[str, ir.FloatingValue], time: ir.Value | None) -> ir.IntegerValue:
        """The slot of each request: its schedule's tier (or beyond every tier), −1 where no schedule is in force."""
        prompt = tokens["prompt_tokens"]
        schedule_cases = []
        for number, (schedule, start, stop) in enumerate(self.periods):
            own = [(i, s) for i, s in enumerate(self.slots) if s.schedule == number]
            tier_cases = [(prompt <= f64(tier.up_to), i) for (i, _), tier in zip(own, schedule.tiers, strict=False)
                          if tier.up_to is not None]
            last = own[-1][0]  # the open tier, or beyond every tier
            tier_slot = ibis.cases(*tier_cases, else_=last) if tier_cases else ibis.literal(last)
            condition = None
            if time is not None and start is not None:
                condition = time >= _instant(time, start)
            if time is not None and stop is not None:
                before = time < _instant(time, stop)
                condition = before if condition is None else condition & before
            if condition is None:
                if not schedule_cases:
                    return tier_slot.cast("int16")
                schedule_cases.append((ibis.literal(True), tier_slot))
                break
            schedule_cases.append((condition, tier_slot))
        if not schedule_cases:
            return ibis.literal(NO_SCHEDULE_SLOT).cast("int16")
        return ibis.cases(*schedule_cases, else_=NO_SCHEDULE_SLOT).cast("int16")

    def raw_cost(self, tokens: dict[str, ir.FloatingValue], slot: ir.IntegerValue) -> ir.FloatingValue:
        """The cost at the request's slot, limits aside (NULL beyond every tier or with no schedule)."""
        branches = [(i, _tier_cost(tokens, s.rates, s.factor)) for i, s in enumerate(self.slots) if s.rates]
        if not branches:
            return NULL
        if len(branches) == 1:
            return ibis.ifelse(slot == branches[0][0], branches[0][1], NULL)
        return slot.cases(*branches, else_=NULL)

    @property
    def beyond_slots(self) -> list[int]:
        return [i for i, s in enumerate(self.slots) if s.rates is None]

    @property
    def has_unknown_rates(self) -> bool:
        """True when some tier leaves a rate unknown (its requests using that component get no price)."""
        return any(s.rates is not None and any(math.isnan(r) for r in (
            s.rates.input, s.rates.output, s.rates.cache_read, s.rates.cache_write, s.rates.cache_write_1h,
            s.rates.reasoning)) for s in self.slots)


def _instant(column: ir.Value, day: dt.date) -> ir.Value:
    """Midnight UTC of ``day`` in the column's own type: rows are compared with it, never converted."""
    moment = dt.datetime(day.year, day.month, day.day)
    dtype = column.type()
    if dtype.is_timestamp():
        return ibis.literal(moment.replace(tzinfo=dt.UTC) if dtype.timezone else moment, type=dtype)
    return f64((day - dt.date(1970, 1, 1)).days * DAY_S)  # Unix seconds


def _tier_cost(tokens: dict[str, ir.FloatingValue], rates: TierRates, factor: float) -> ir.FloatingValue:
    """(prompt − cached − writes) × input + cached × cache_read + writes × cache_write (+ 1-hour writes at their
    rate) + output × output + reasoning × reasoning, added in the numpy engine's order. An unknown rate costs
    nothing on zero tokens and makes the cost unknown (NULL) otherwise: unknown is not zero."""
    uncached = tokens["prompt_tokens"]
    for name in ("cached_tokens", "cache_write_tokens", "cache_write_1h_tokens"):
        if not isinstance(tokens[name], ir.Scalar):
            uncached = uncached - tokens[name]
    terms = [(uncached, rates.input), (tokens["cached_tokens"], rates.cache_read),
             (tokens["cache_write_tokens"], rates.cache_write),
             (tokens["cache_write_1h_tokens"], rates.cache_write_1h),
             (tokens["output_tokens"], rates.output), (tokens["reasoning_tokens"], rates.reasoning)]
    total = None
    for column, rate in terms:
        if isinstance(column, ir.Scalar):
            continue  # a column the log does not have: zero tokens, nothing to add
        term = ibis.ifelse(column == 0, f64(0.0), NULL) if math.isnan(rate) else column * f64(rate * factor)
        total = term if total is None else total + term
    return total


# -- the log as the expression reads it ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LogShape:
    """Which of the canonical columns a log has (the optional ones may be missing)."""

    tokens: tuple[str, ...]
    has_time: bool
    has_model: bool
    has_weight: bool
    has_export_cost: bool = False
    """The export's own cost per row (USD), compared with ours over the rows both have (``as_recorded``)."""

    @classmethod
    def of(cls, table: ir.Table) -> LogShape:
        columns = set(table.columns)
        return cls(tuple(c for c in TOKEN_COLUMNS if c in columns), "timestamp" in columns, "model" in columns,
                   WEIGHT_COLUMN in columns, EXPORT_COST in columns)


def _tokens(table: ir.Table, shape: LogShape) -> dict[str, Any]:
    """Token columns as float64 (an empty optional cell is 0), per request: a weighted row's totals ÷ its count.
    A column the log does not have is the scalar 0."""
    weight = table[WEIGHT_COLUMN].cast("float64") if shape.has_weight else None
    tokens: dict[str, Any] = {}
    for name in TOKEN_COLUMNS:
        if name not in shape.tokens:
            tokens[name] = f64(0.0)
            continue
        column = table[name].cast("float64")
        if name not in REQUIRED_COLUMNS:
            column = column.fill_null(0.0)
        tokens[name] = column / weight if weight is not None else column
    return tokens


def _time(table: ir.Table, shape: LogShape) -> ir.Value | None:
    """The request time as stored: a timestamp, or Unix seconds (milliseconds above 1e11) as numbers."""
    if not shape.has_time:
        return None
    column = table["timestamp"]
    if column.type().is_numeric():
        seconds = column.cast("float64")
        return ibis.ifelse(seconds.abs() > f64(1e11), seconds / f64(1000.0), seconds)
    return column


def _bucket(cost: ir.FloatingValue) -> ir.IntegerValue:
    """A fine logarithmic bucket of a cost: monotone (a higher cost never has a lower bucket). A zero cost (a
    request of no tokens) falls in the bucket of 1e-300, below every real cost. The cost appears once in the
    expression: engines inline it where a filter is pushed down, and would compute the cost again per mention.
    The natural logarithm: PostgreSQL computes ``log(2, x)`` in NUMERIC, a thousand times slower than ``ln``."""
    return (ibis.greatest(cost, f64(TINY)).ln() * f64(BUCKETS_PER_OCTAVE / math.log(2))).floor().cast("int64")


GAP = -(10**9)
"""Window keys of the costs outside every window: ``GAP - j`` for the gap before window ``j`` (after the last
window, ``GAP - len(windows)``); below every key inside a window, so they never collide with one."""
WINDOW_SLOTS = 4096
"""A window of costs is cut into this many equal slots: the summary counts each, the exact pass reads one."""
WINDOW_SPAN = 10**6
"""Window ``j``'s slots are keyed ``j × WINDOW_SPAN + slot``: ordered like the costs."""


def window_key(cost: ir.FloatingValue, windows: list[tuple[float, float]]) -> ir.IntegerValue:
    """Where a cost falls among sorted disjoint ``[low, high)`` cost ranges: its slot inside a window, else the
    gap it is in. Comparisons and one multiplication, no logarithm: cheap on every row of a big log."""
    cases = []
    for j, (low, high) in enumerate(windows):
        scale = WINDOW_SLOTS / (high - low)
        slot = ibis.least(((cost - f64(low)) * f64(scale)).floor(), f64(WINDOW_SLOTS - 1))
        cases.append((cost < f64(low), ibis.literal(GAP - j).cast("int64")))
        cases.append((cost < f64(high), (slot + f64(j * WINDOW_SPAN)).cast("int64")))
    return ibis.cases(*cases, else_=ibis.literal(GAP - len(windows)).cast("int64"))


def _sampled(table: ir.Table, fraction: float) -> ir.Table:
    """About ``fraction`` of the rows, in blocks as the engine stores them (cheap: whole pages or vectors)."""
    try:
        return table.sample(fraction, method="block", seed=14)
    except Exception:  # noqa: BLE001 — an engine that takes no seed (Spark): its own random sample
        return table.sample(fraction, method="block")


def _name(table: ir.Table, shape: LogShape) -> ir.StringValue:
    return table["model"].cast("string") if shape.has_model else ibis.null("string")


# -- the queries --------------------------------------------------------------------------------------------------


@dataclass
class ReplayQuery:
    """The replay of one log on several models, as ibis expressions over the log's table (canonical columns)."""

    table: ir.Table
    shape: LogShape
    plans: list[ModelPlan]
    """The models asked for, in order; then the other models requests were recorded on (for the saving)."""
    asked: int
    """How many of ``plans`` were asked for."""
    recorded: dict[str, int] = field(default_factory=dict)
    """Recorded model name → the position in ``plans`` of the registry model it resolves to."""

    def names(self) -> ir.Table:
        """Per recorded model name: rows and requests, with the counts validation needs (missing, negative or not
        finite counts; cached above the prompt) and the first and last time. One cheap pass before the pricing."""
        t = self.table
        schema = t.schema()
        aggregates: dict[str, Any] = {"rows": t.count()}
        if self.shape.has_weight:
            weight = t[WEIGHT_COLUMN].cast("float64")
            aggregates["requests"] = weight.sum()
            aggregates["requests:empty or negative"] = (weight.isnull() | (weight < f64(0.0))).sum()
        else:
            aggregates["requests"] = t.count()
        if self.shape.has_time:
            time = _time(t, self.shape)
            aggregates["first"] = time.min()
            aggregates["last"] = time.max()
            aggregates["timestamp:empty"] = time.isnull().sum()
        for name in self.shape.tokens:
            column = t[name]
            if name in REQUIRED_COLUMNS:
                aggregates[f"{name}:empty"] = column.isnull().sum()
            aggregates[f"{name}:negative"] = (column < 0).sum()
            aggregates[f"{name}:min"] = column.min().cast("float64")
            if schema[name].is_floating():
                aggregates[f"{name}:not finite"] = (column.isinf() | column.isnan()).sum()
        parts = [t[c].cast("float64").fill_null(0.0) for c in ("cached_tokens", "cache_write_tokens",
                                                                 "cache_write_1h_tokens") if c in self.shape.tokens]
        if parts:
            total = parts[0]
            for part in parts[1:]:
                total = total + part
            aggregates["cached_tokens:above prompt"] = (total > t["prompt_tokens"].cast("float64")).sum()
        return t.group_by(name=_name(t, self.shape)).aggregate(**aggregates)

    def _stages(self, sample: float | None = None) -> ir.Table:
        """Per request: the weight, the recorded name, the time, the tokens, each model's fit code and slot (stage
        1: integers computed once) and raw cost at that slot (stage 2, reading the slot). ``sample``: price only
        that fraction of the log (blocks of rows, as the engine stores them)."""
        t = self.table
        if sample is not None:
            t = _sampled(t, sample)
        shape = self.shape
        if shape.has_weight:
            t = t.filter(t[WEIGHT_COLUMN].cast("float64") > f64(0.0))  # a bucket of zero requests costs nothing
        tokens = _tokens(t, shape)
        time = _time(t, shape)
        columns = {k: v for k, v in tokens.items() if not isinstance(v, ir.Scalar)}
        if shape.has_weight:
            columns["weight"] = t[WEIGHT_COLUMN].cast("float64")
        if shape.has_export_cost:
            columns["export"] = t[EXPORT_COST].cast("float64")
        columns["name"] = _name(t, shape)
        for i, plan in enumerate(self.plans):
            columns[f"fit{i}"] = plan.fit(tokens)
            columns[f"slot{i}"] = plan.slot(tokens, time)
        one = t.select(**columns)
        tokens = {k: (one[k] if k in one.columns else v) for k, v in tokens.items()}
        return one.mutate(**{f"raw{i}": plan.raw_cost(tokens, one[f"slot{i}"]) for i, plan in enumerate(self.plans)})

    def summary(self, windows: dict[int, list[tuple[float, float]]] | None = None) -> ir.Table:
        """Grouped by the recorded name and every model's fit code and slot (and, for a model with an unknown rate,
        whether the cost is unknown): requests, and per model the sum, min and max of the costs.

        A few hundred groups whatever the log's size. Everything else is derived from them: priced and unpriced
        counts, tier shares, totals, maxima, and the saving against the recorded model (whose costs are in the same
        group, since the name is a key). With ``windows`` (per asked model, sorted disjoint cost ranges), a key per
        model places each cost: its slot inside a window, else the gap it is in (``window_key``) — the exact
        counts that locate each percentile's slot."""
        two = self._stages()
        weighted = "weight" in two.columns
        keys: dict[str, Any] = {"name": two["name"]}
        for i, plan in enumerate(self.plans):
            keys[f"fit{i}"] = two[f"fit{i}"]
            keys[f"slot{i}"] = two[f"slot{i}"]
            if plan.has_unknown_rates:
                keys[f"unknown{i}"] = two[f"raw{i}"].isnull()
        for k, ranges in (windows or {}).items():
            keys[f"window{k}"] = window_key(two[f"raw{k}"], ranges)
        aggregates: dict[str, Any] = {"requests": two["weight"].sum() if weighted else two.count()}
        if weighted:
            aggregates["rows"] = two.count()
        for i in range(len(self.plans)):
            raw = two[f"raw{i}"]
            aggregates[f"sum{i}"] = (raw * two["weight"]).sum() if weighted else raw.sum()
            if i < self.asked:
                aggregates[f"min{i}"] = raw.min()
                aggregates[f"max{i}"] = raw.max()
        if "export" in two.columns:
            # the export's own cost and ours on the recorded model, over the rows that record one
            has_export = two["export"].notnull()
            aggregates["export_rows"] = has_export.sum()
            aggregates["export_sum"] = two["export"].sum()
            for r in sorted(set(self.recorded.values())):
                raw = two[f"raw{r}"] * two["weight"] if weighted else two[f"raw{r}"]
                aggregates[f"export_ours{r}"] = ibis.ifelse(has_export, raw, NULL).sum()
        return two.group_by(**keys).aggregate(**aggregates)

    def _costs(self, sample: float | None = None) -> ir.Table:
        """Per request: ``weight`` and each asked model's ``cost{i}`` (NULL where it is not priced)."""
        two = self._stages(sample)
        costs = {f"cost{i}": ibis.ifelse(two[f"fit{i}"] == 0, two[f"raw{i}"], NULL) for i in range(self.asked)}
        return two.select(weight=two["weight"] if "weight" in two.columns else f64(1.0), **costs)

    def histogram(self, sample: float | None = None) -> ir.Table:
        """Per asked model and cost bucket: the priced requests (to find the bucket holding each percentile); of a
        ``sample`` of the log only, when given (then only a guide to where the percentiles lie)."""
        wide = self._costs(sample)
        n = self.asked
        long = wide.select(*wide.columns, k=ibis.array(list(range(n))).unnest())
        cost = long["cost0"] if n == 1 else long["k"].cases(*[(i, long[f"cost{i}"]) for i in range(n)])
        long = long.select(k=long["k"].cast("int16"), weight=long["weight"], cost=cost)
        long = long.filter(long["cost"].notnull())
        return long.group_by(k=long["k"], bucket=_bucket(long["cost"])).aggregate(requests=long["weight"].sum())

    def order_statistics(self, targets: dict[int, list[int]],
                         windows: dict[int, list[tuple[float, float]]] | None = None) -> ir.Table:
        """The exact costs, with their request counts, of the priced requests in the given buckets of each model
        (logarithmic buckets, or the slots of ``windows``): grouped by, per model, the cost when its bucket is a
        target (else NULL). A few thousand groups; no filter, which an engine would push below the costs and
        compute each of them again per mention."""
        wide = self._costs()
        keys: dict[str, Any] = {}
        for k, buckets in targets.items():
            cost = wide[f"cost{k}"]
            bucket = window_key(cost, windows[k]) if windows else _bucket(cost)
            wanted = bucket.isin(sorted(set(buckets)))
            keys[f"bucket{k}"] = ibis.ifelse(wanted, bucket, ibis.null("int64"))
            keys[f"cost{k}"] = ibis.ifelse(wanted, wide[f"cost{k}"], NULL)
        return wide.group_by(**keys).aggregate(requests=wide["weight"].sum())

    def _long_status(self) -> ir.Table:
        """One row per request and asked model: ``k``, ``weight``, ``cost`` (NULL unless priced), ``status``."""
        two = self._stages()
        n = self.asked
        columns: dict[str, Any] = {"weight": two["weight"] if "weight" in two.columns else f64(1.0)}
        for i, plan in enumerate(self.plans[:n]):
            fit, slot, raw = two[f"fit{i}"], two[f"slot{i}"], two[f"raw{i}"]
            cases = [(fit != 0, fit), (slot == NO_SCHEDULE_SLOT, STATUS_NO_SCHEDULE)]
            if plan.beyond_slots:
                cases.append((slot.isin(plan.beyond_slots), 4))
            cases.append((raw.isnull(), STATUS_UNKNOWN_RATE))
            columns[f"status{i}"] = ibis.cases(*cases, else_=STATUS_PRICED).cast("int16")
            columns[f"cost{i}"] = ibis.ifelse(fit == 0, raw, NULL)
            columns[f"slot{i}"] = slot
        wide = two.select(**columns)
        long = wide.select(*wide.columns, k=ibis.array(list(range(n))).unnest())

        def pick(prefix: str) -> ir.Value:
            return long[f"{prefix}0"] if n == 1 else long["k"].cases(*[(i, long[f"{prefix}{i}"]) for i in range(n)])

        return long.select(k=long["k"].cast("int16"), weight=long["weight"], cost=pick("cost"),
                           status=pick("status"), slot=pick("slot"))

    def warehouse_summary(self, qs: Iterable[float] = QUANTILES) -> ir.Table:
        """Per asked model, in one query any SQL engine runs: requests, priced, not fitting, no price, total, max,
        and the exact percentiles by sorting (a cumulative request count per model in cost order: a row covers the
        ranks up to it, linear interpolation between the two ranks around q × (n − 1), as ``np.percentile``).
        Sorting every cost is what the engines here avoid (``histogram`` + ``order_statistics``); a warehouse
        has the room."""
        long = self._long_status()
        w, cost, status = long["weight"], long["cost"], long["status"]
        zero = f64(0.0)
        stats = long.group_by("k").aggregate(
            requests=w.sum(), priced=ibis.ifelse(status == STATUS_PRICED, w, zero).sum(),
            not_fitting=ibis.ifelse((status >= 1) & (status <= 4), w, zero).sum(),
            no_price=ibis.ifelse(status >= STATUS_NO_SCHEDULE, w, zero).sum(),
            total_cost=(cost * w).sum(), cost_max=cost.max())
        priced = long.filter(status == STATUS_PRICED)
        ranked = priced.mutate(
            upto=priced["weight"].sum().over(ibis.window(group_by="k", order_by="cost", rows=(None, 0))),
            n=priced["weight"].sum().over(ibis.window(group_by="k")))
        aggregates: dict[str, Any] = {}
        for q in qs:
            position = (ranked["n"] - f64(1.0)) * f64(q / 100)
            low = position.floor()
            high = ibis.least(low + f64(1.0), ranked["n"] - f64(1.0))

            def at(rank: ir.Value, ranked: ir.Table = ranked) -> ir.Value:
                covers = (ranked["upto"] - ranked["weight"] <= rank) & (rank < ranked["upto"])
                return ibis.ifelse(covers, ranked["cost"], NULL).max()

            aggregates[f"low_{q:g}"] = at(low)
            aggregates[f"high_{q:g}"] = at(high)
            aggregates[f"fraction_{q:g}"] = (position - low).max()
        levels = ranked.group_by("k").aggregate(**aggregates)
        joined = stats.left_join(levels, "k")
        names = joined["k"].cases(*[(i, p.model.id) for i, p in enumerate(self.plans[:self.asked])])
        percentiles = {
            ("cost_median" if q == 50 else f"cost_p{q:g}"): joined[f"low_{q:g}"] + joined[f"fraction_{q:g}"]
            * (joined[f"high_{q:g}"] - joined[f"low_{q:g}"]) for q in qs}
        return joined.select(model=names, requests=joined["requests"], priced=joined["priced"],
                             not_fitting=joined["not_fitting"], no_price=joined["no_price"],
                             total_cost=joined["total_cost"], **percentiles, cost_max=joined["cost_max"]
                             ).order_by("model")

    def warehouse_tiers(self) -> ir.Table:
        """Per asked model and tier (with its label), the requests that fit it."""
        long = self._long_status()
        fitting = long.filter(long["status"].isin([STATUS_PRICED, STATUS_UNKNOWN_RATE]))
        counts = fitting.group_by(["k", "slot"]).aggregate(requests=fitting["weight"].sum())
        labels = [((counts["k"] == i) & (counts["slot"] == s), slot.label or "beyond every tier")
                  for i, p in enumerate(self.plans[:self.asked]) for s, slot in enumerate(p.slots)]
        names = counts["k"].cases(*[(i, p.model.id) for i, p in enumerate(self.plans[:self.asked])])
        return counts.select(model=names, tier=ibis.cases(*labels, else_=""), requests=counts["requests"]
                             ).order_by(["model", "tier"])


def build_query(registry: Registry, table: ir.Table, models: Iterable[str], names: Iterable[str | None], *,
                region: str = "global", service_tier: str = "standard", on: dt.date | None = None,
                currency: str = "USD", resolve: Callable[[str], str] | None = None
                ) -> tuple[ReplayQuery, list[str]]:
    """The query for ``models`` over ``table`` (canonical columns), and the recorded ``names`` it cannot resolve
    (``names``: the log's distinct recorded model names, from ``ReplayQuery.names``)."""
    shape = LogShape.of(table)
    options = {"region": region, "service_tier": service_tier, "on": on or today(), "currency": currency}
    position: dict[str, int] = {}
    plans: list[ModelPlan] = []

    def plan(model_id: str) -> int:
        if model_id not in position:
            position[model_id] = len(plans)
            plans.append(ModelPlan.of(registry, registry.model(model_id), dated=shape.has_time, **options))
        return position[model_id]

    for model_id in dict.fromkeys(registry.resolve_id(m) for m in models):
        plan(model_id)
    asked = len(plans)
    resolve = resolve or registry.resolve_id
    recorded: dict[str, int] = {}
    unknown: list[str] = []
    for name in names:
        if name is None or not str(name).strip():
            continue
        try:
            recorded[name] = plan(resolve(str(name).strip()))
        except AnalyticsError:
            unknown.append(name)
    return ReplayQuery(table, shape, plans, asked, recorded), unknown




CANONICAL_SCHEMA = {"timestamp": "timestamp('UTC')", "model": "string", "prompt_tokens": "int64",
                    "output_tokens": "int64", "cached_tokens": "int64", "reasoning_tokens": "int64"}
"""The table ``replay --show-sql`` writes its SQL against (a log with the canonical column names)."""


def warehouse_sql(registry: Registry, models: Iterable[str], dialect: str, *, table: str = "usage_log",
                  schema: dict[str, str] | None = None, region: str = "global", service_tier: str = "standard",
                  currency: str = "USD", on: dt.date | None = None) -> str:
    """The replay's summary and tier counts as SQL for ``dialect`` (``bigquery``, ``snowflake``, ``clickhouse``,
    ``duckdb``, ``postgres``, ``trino`` …), over ``table`` with the canonical columns."""
    log = ibis.table(schema or CANONICAL_SCHEMA, name=table)
    query, _ = build_query(registry, log, models, [], region=region, service_tier=service_tier, on=on,
                           currency=currency)
    try:
        summary = ibis.to_sql(query.warehouse_summary(), dialect=dialect)
        tiers = ibis.to_sql(query.warehouse_tiers(), dialect=dialect)
    except Exception as exc:  # noqa: BLE001 — ibis raises its own type per unsupported construct
        raise AnalyticsError(f"--show-sql {dialect}: ibis cannot compile the replay for it ({exc})") from None
    options = f"{region}/{service_tier}, {currency}" + ("" if LogShape.of(log).has_time else f", on {on}")
    return (f"-- The replay of {table} on {', '.join(p.model.id for p in query.plans)} ({options}), prices from the "
            f"registry as of {registry.as_of()}.\n"
            "-- 1. Per model: requests, priced, not fitting, no price, total, exact median and p95 (by sorting), max.\n"
            f"{summary};\n\n-- 2. Per model and tier: the requests that fit it.\n{tiers};\n")
