"""Drift check: every model and price of the registry compared with the ``genai-prices`` package's data.

Each difference is a *disagreement*: model, field, ours, theirs, their source. A disagreement is **explained**
when the model's ``disagreements`` in the registry hold an entry with the same field, region, service tier and
value (their figure; null when they list none) — the reason ours stands is written there. ``python -m analytics
drift`` exits 0 only when every disagreement is explained, so a price change on either side is caught.

What is compared, and how:

- The model is found in genai-prices by its id, then its aliases, with genai-prices' own matching rules, in the
  provider that makes it (``THEIR_PROVIDER``; Alibaba is absent from genai-prices 0.2.3, so OpenRouter's listing
  is used) or through ``MODEL_MAP``.
- ``context_window``; for each USD ``global`` schedule: every ``*_mtok`` rate at sample prompt sizes (1 token,
  and both sides of every tier bound of either side: both use cliff tiers, and a genai-prices tier that
  "starts" at N applies to prompts > N, like our ``up_to: N`` ending at N), the tier bounds, and the web-search
  fee. The value matched for ``tier_bounds`` is their smallest bound (null: no tiers).
- The standard tier is compared on the check date and on both sides of every dated change either side records
  (genai-prices' start dates, our ``effective_from`` / ``effective_to``), so price history is checked too.
  Batch, flex and priority are compared on the check date only: genai-prices models them only from its own
  verification dates.
- Not compared (genai-prices has no notion of them): other regions and currencies, reasoning rates, benchmark
  scores.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from analytics.core.clock import today
from analytics.core.registry import Registry
from analytics.core.schema import Model, PriceSchedule, Tier

from .genai_prices import (
    RATE_FIELDS,
    SERVICE_TIER_CONTEXT,
    decimal_to_float,
    find_their_model,
    load_genai_prices,
    their_rate,
)

WEB_SEARCH_FIELD = "tool_fees.web_search"


@dataclass(frozen=True)
class Disagreement:
    """One figure on which the registry and genai-prices differ."""

    model: str
    field: str
    region: str
    service_tier: str
    ours: Any
    theirs: Any
    match_value: float | None
    """The value an explanation in the registry must carry (their figure, or their smallest tier bound)."""
    their_source: str
    on: dt.date
    prompt_tokens: int | None = None
    explanation: str | None = None

    @property
    def explained(self) -> bool:
        return self.explanation is not None


@dataclass
class DriftReport:
    genai_prices_version: str
    checked_on: dt.date
    matches: dict[str, str] = field(default_factory=dict)
    """Our model id → the genai-prices record compared with it (``provider/model``)."""
    not_compared: list[str] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def unexplained(self) -> list[Disagreement]:
        return [d for d in self.disagreements if not d.explained]

    def as_dict(self) -> dict[str, Any]:
        return {
            "genai_prices_version": self.genai_prices_version,
            "checked_on": self.checked_on,
            "matches": self.matches,
            "not_compared": self.not_compared,
            "disagreements": [{**asdict(d), "explained": d.explained} for d in self.disagreements],
            "explained": len(self.disagreements) - len(self.unexplained),
            "unexplained": len(self.unexplained),
        }


def _their_bounds(prices: Any) -> list[int]:
    bounds: set[int] = set()
    for name in RATE_FIELDS:
        price = getattr(prices, name, None)
        for tier in getattr(price, "tiers", None) or []:
            bounds.add(int(tier.start))
    return sorted(bounds)


def _their_prices(their_model: Any, day: dt.date, service_tier: str) -> Any | None:
    """Their prices on ``day`` for a service tier; None for a non-standard tier they do not record then."""
    when = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    if service_tier == "standard":
        return their_model.get_prices(when)
    context = SERVICE_TIER_CONTEXT[service_tier]
    for variant in their_model.price_variants or []:
        active = variant.constraint is None or variant.constraint.active(when)
        if active and all(context.get(k) == v for k, v in variant.when.items()):
            return their_model.get_prices(when, context)
    return None


# -- our side -------------------------------------------------------------------------------------------------


def _our_tier(schedule: PriceSchedule, prompt_tokens: int) -> Tier | None:
    for tier in schedule.tiers:
        if tier.up_to is None or prompt_tokens <= tier.up_to:
            return tier
    return None


def _schedule_on(model: Model, service_tier: str, day: dt.date) -> PriceSchedule | None:
    for schedule in model.prices:
        if (schedule.region, schedule.currency, schedule.service_tier) == ("global", "USD", service_tier) \
                and schedule.in_force(day):
            return schedule
    return None


def _web_search_fee(model: Model, day: dt.date) -> float | None:
    for fee in model.tool_fees:
        if fee.tool == "web_search" and fee.currency == "USD" and fee.in_force(day):
            return fee.per_thousand_calls
    return None


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _history_days(model: Model, their_model: Any, on: dt.date) -> list[dt.date]:
    """The check date plus both sides of every dated change either side records, from our first price on."""
    changes: set[dt.date] = set()
    prices = their_model.prices
    for conditional in prices if isinstance(prices, list) else []:
        start = getattr(conditional.constraint, "start_date", None)
        if start is not None:
            changes.add(start)
    for item in [*model.prices, *model.tool_fees]:
        changes.update(d for d in (item.effective_from, item.effective_to) if d is not None)
    starts = [s.effective_from for s in model.prices if s.service_tier == "standard"]
    first = min((s for s in starts if s is not None), default=model.released or dt.date.min)
    if any(s is None for s in starts):
        first = min(first, model.released or dt.date.min)
    days = {on}
    for change in changes:
        for day in (change - dt.timedelta(days=1), change):
            if first <= day <= on:
                days.add(day)
    return sorted(days)


# -- the comparison -------------------------------------------------------------------------------------------


def _explanation(model: Model, item: Disagreement) -> str | None:
    for known in model.disagreements:
        if (known.field, known.region, known.service_tier) != (item.field, item.region, item.service_tier):
            continue
        if _same(known.value, item.match_value):
            return known.reason
    return None


def compare_model(model: Model, provider_id: str, their_providers: list[Any], on: dt.date,
                  version: str) -> tuple[str | None, list[Disagreement], list[str]]:
    """The genai-prices record matched (``provider/model``), the disagreements, and what was not compared."""
    found = find_their_model(model, provider_id, their_providers)
    not_compared = [f"{model.id}: {s.region}/{s.service_tier}/{s.currency} schedule (genai-prices has no regions "
                    "or currencies)" for s in model.prices if (s.region, s.currency) != ("global", "USD")]
    if found is None:
        item = Disagreement(model.id, "model", "global", "standard", model.id, None, None,
                            f"genai-prices {version}: no record", on)
        return None, [_explain(model, item)], not_compared
    their_provider, their_model = found
    url = (their_provider.pricing_urls or [""])[0]
    source = f"genai-prices {version} {their_provider.id}/{their_model.id} ({url})"
    out: list[Disagreement] = []

    def add(field_name: str, tier: str, ours: Any, theirs: Any, match_value: float | None, day: dt.date,
            prompt: int | None = None) -> None:
        out.append(_explain(model, Disagreement(model.id, field_name, "global", tier, ours, theirs, match_value,
                                                source, day, prompt)))

    their_window = their_model.context_window
    if their_window != model.context_window:
        add("context_window", "standard", model.context_window, their_window,
            None if their_window is None else float(their_window), on)

    cap = model.max_input_tokens or model.context_window
    tiers_in_use = sorted({s.service_tier for s in model.prices if (s.region, s.currency) == ("global", "USD")})
    for service_tier in tiers_in_use:
        days = _history_days(model, their_model, on) if service_tier == "standard" else [on]
        for day in days:
            ours = _schedule_on(model, service_tier, day)
            theirs = _their_prices(their_model, day, service_tier)
            if ours is None:
                continue  # not offered by us that day (before release or after a retirement we record)
            if theirs is None:
                add("prices", service_tier, "listed", None, None, day)
                continue
            # A bound at or past the prompt limit can never be crossed: it is left out on both sides.
            our_bounds = [t.up_to for t in ours.tiers if t.up_to is not None and t.up_to < cap]
            their_bounds = [b for b in _their_bounds(theirs) if b < cap]
            if our_bounds != their_bounds:
                add("tier_bounds", service_tier, our_bounds, their_bounds,
                    float(their_bounds[0]) if their_bounds else None, day)
            samples = {1, *(b for bound in [*our_bounds, *their_bounds] for b in (bound, bound + 1))}
            for prompt in sorted(p for p in samples if p <= cap):
                our_tier = _our_tier(ours, prompt)
                if our_tier is None:
                    continue
                for name in RATE_FIELDS:
                    mine = getattr(our_tier, name)
                    rate = their_rate(getattr(theirs, name, None), prompt)
                    if not _same(mine, rate):
                        add(name, service_tier, mine, rate, rate, day, prompt)
            if service_tier == "standard":
                mine = _web_search_fee(model, day)
                their_fee = decimal_to_float(getattr(theirs, "web_searches_kcount", None))
                if not _same(mine, their_fee):
                    add(WEB_SEARCH_FIELD, "standard", mine, their_fee, their_fee, day)
    return f"{their_provider.id}/{their_model.id}", _dedupe(out), not_compared


def _explain(model: Model, item: Disagreement) -> Disagreement:
    reason = _explanation(model, item)
    if reason is None:
        return item
    return Disagreement(**{**asdict(item), "explanation": reason})


def _dedupe(items: list[Disagreement]) -> list[Disagreement]:
    """One line per (field, tier, ours, theirs): the earliest date and smallest prompt where it shows."""
    seen: dict[tuple, Disagreement] = {}
    for item in items:
        key = (item.field, item.region, item.service_tier, repr(item.ours), repr(item.theirs))
        seen.setdefault(key, item)
    return list(seen.values())


def check_drift(registry: Registry, on: dt.date | None = None, models: list[str] | None = None,
                their_providers: list[Any] | None = None, version: str | None = None) -> DriftReport:
    """Compare the registry with genai-prices' bundled data as of ``on`` (default today)."""
    if their_providers is None:
        version, their_providers = load_genai_prices()
    day = on or today()
    report = DriftReport(genai_prices_version=version or "unknown", checked_on=day)
    wanted = {registry.resolve_id(m) for m in models} if models else None
    for entry in registry.models():
        if wanted is not None and entry.model.id not in wanted:
            continue
        matched, items, skipped = compare_model(entry.model, entry.provider.id, their_providers, day,
                                                report.genai_prices_version)
        if matched:
            report.matches[entry.model.id] = matched
        report.disagreements.extend(items)
        report.not_compared.extend(skipped)
    return report
