"""Drift check: every model of the registry compared with two independent price databases, genai-prices and
LiteLLM, each read as ``TheirRecord``s (``records.py``).

Each difference is a *disagreement*: database, model, field, region, service tier, ours, theirs, their record. It
is **explained** when the registry holds a ``disagreements`` entry — on the model, or on its provider for every
model of it — with the same database, field, region, service tier and value (their figure; null when they list
none), and a reason that says why ours stands: a reason that only says a figure is missing ("not in our notes")
explains nothing (``is_suppression``). ``python -m analytics drift`` exits 0 only when every disagreement is
explained, so a price change on either side is caught. Overlays (``overrides.yaml``) are never compared: a
company's own prices are meant to differ.

What is compared, and how:

- The model is found in a database by its id, then its aliases (each adapter's ``find``: genai-prices' own
  matching in the maker's provider; LiteLLM's first-party keys, then a reseller's). None found: field ``model``.
- Limits, where the database records them: ``context_window`` (genai-prices); ``max_input_tokens`` (against our
  prompt limit: ``max_input_tokens``, else ``context_window``) and ``max_output_tokens`` (LiteLLM); the
  retirement (shutdown) date ``lifecycle.retired_on`` against LiteLLM's ``deprecation_date``.
- Prices of every USD ``global`` schedule, per service tier (standard, batch, flex, priority): every ``*_mtok``
  rate at sample prompt sizes (1 token, and both sides of every tier bound of either side: all are cliff tiers),
  the tier bounds (``tier_bounds``, matched on their smallest bound; null: no tiers), reasoning rates where either
  side lists one, and the web-search fee (``tool_fees.web_search``). ``prices``: a service tier one side lists and
  the other does not (value: their first-tier input rate, or null when they list none). A bound at or past our
  prompt limit can never be crossed and is left out on both sides.
- History: where a database records dated changes (genai-prices), the standard tier is compared on the check
  date and on both sides of every dated change either side records; batch, flex and priority on the check date
  only (genai-prices models them only from its own verification dates). LiteLLM has no dates: it says what is
  charged now, so it is compared as of today even when ``--on`` asks for another day.
- Regions: LiteLLM gives regional prices only as a multiple of the global ones (``region_uplift``: US-only
  inference, data residency), compared with the ratio of our regional schedule to our global one.
- Not compared, and listed in the report: schedules in other currencies and regions neither database has, and
  pricing the registry has no field for (each record's ``not_represented``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from analytics.core.clock import today as clock_today
from analytics.core.registry import Registry
from analytics.core.schema import Model, PriceSchedule, Provider

from .records import RATE_FIELDS, SERVICE_TIERS, PriceDatabase, TheirRecord, TheirSchedule

WEB_SEARCH_FIELD = "tool_fees.web_search"
RETIRED_FIELD = "lifecycle.retired_on"

_SUPPRESSIONS = [
    re.compile(p, re.IGNORECASE) for p in (
        r"\bnot in (?:our|the) (?:notes|facts|sources)\b",
        r"^\W*(?:missing|no figure|not listed|unknown|n/?a|none|not checked|to do|todo|tbd)\W*$",
        r"^\W*(?:the )?(?:figure|value|price|rate) (?:is )?(?:missing|unknown|not (?:known|listed|found))\W*$",
        r"^\W*(?:we have )?no (?:figure|value|price|source|data)(?: for (?:it|this))?\W*$",
    )
]


def is_suppression(reason: str) -> bool:
    """True when a disagreement's reason only says a figure is missing ("not in our notes", "missing", "no
    figure") instead of why ours stands: such an entry explains nothing."""
    text = " ".join(reason.split())
    return any(p.search(text) for p in _SUPPRESSIONS)


@dataclass(frozen=True)
class Disagreement:
    """One figure on which the registry and one database differ."""

    database: str
    model: str
    field: str
    region: str
    service_tier: str
    ours: Any
    theirs: Any
    match_value: float | dt.date | None
    """The value an explanation in the registry must carry (their figure, or their smallest tier bound)."""
    their_source: str
    their_key: str | None
    on: dt.date
    prompt_tokens: int | None = None
    explanation: str | None = None
    suppressed: str | None = None
    """A matching entry's reason when it only says a figure is missing (then the item stays unexplained)."""

    @property
    def explained(self) -> bool:
        return self.explanation is not None


@dataclass
class DriftReport:
    checked_on: dt.date
    databases: dict[str, str] = field(default_factory=dict)
    """Database → its installed version."""
    pinned: dict[str, str] = field(default_factory=dict)
    """Database → the version the registry's explanations were written against."""
    compared_on: dict[str, dt.date] = field(default_factory=dict)
    """Database → the day it was compared on (a database without dates: always today)."""
    matches: dict[str, dict[str, str]] = field(default_factory=dict)
    """Database → our model id → their record's key."""
    first_party: dict[str, dict[str, bool]] = field(default_factory=dict)
    not_compared: list[str] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def unexplained(self) -> list[Disagreement]:
        return [d for d in self.disagreements if not d.explained]

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked_on": self.checked_on,
            "databases": self.databases,
            "pinned": self.pinned,
            "compared_on": self.compared_on,
            "matches": self.matches,
            "not_compared": self.not_compared,
            "disagreements": [{**asdict(d), "explained": d.explained} for d in self.disagreements],
            "explained": len(self.disagreements) - len(self.unexplained),
            "unexplained": len(self.unexplained),
        }


# -- our side -------------------------------------------------------------------------------------------------


def _schedule_on(model: Model, service_tier: str, day: dt.date, region: str = "global") -> PriceSchedule | None:
    for schedule in model.prices:
        if (schedule.region, schedule.currency, schedule.service_tier) == (region, "USD", service_tier) \
                and schedule.in_force(day):
            return schedule
    return None


def _our_rate(schedule: PriceSchedule, name: str, prompt_tokens: int) -> float | None:
    for tier in schedule.tiers:
        if tier.up_to is None or prompt_tokens <= tier.up_to:
            return getattr(tier, name)
    return None


def _our_tier_exists(schedule: PriceSchedule, prompt_tokens: int) -> bool:
    return any(t.up_to is None or prompt_tokens <= t.up_to for t in schedule.tiers)


def _web_search_fee(model: Model, day: dt.date) -> float | None:
    for fee in model.tool_fees:
        if fee.tool == "web_search" and fee.currency == "USD" and fee.in_force(day):
            return fee.per_thousand_calls
    return None


def _prompt_cap(model: Model) -> int:
    return model.max_input_tokens or model.context_window


def _live(model: Model, day: dt.date) -> bool:
    retired = model.lifecycle.retired_on if model.lifecycle else None
    return (model.released is None or model.released <= day) and (retired is None or day < retired)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _history_days(model: Model, record: TheirRecord, on: dt.date) -> list[dt.date]:
    """The check date plus both sides of every dated change either side records, from our first price on."""
    changes = set(record.change_days("standard"))
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


def _explain(model: Model, provider: Provider | None, item: Disagreement) -> Disagreement:
    """The item with the registry's explanation attached, when one matches (model entries first)."""
    known = [*model.disagreements, *(provider.disagreements if provider is not None else [])]
    for entry in known:
        if (entry.database, entry.field, entry.region, entry.service_tier) != (
                item.database, item.field, item.region, item.service_tier):
            continue
        if not _same(entry.value, item.match_value):
            continue
        if is_suppression(entry.reason):
            return Disagreement(**{**asdict(item), "suppressed": entry.reason})
        return Disagreement(**{**asdict(item), "explanation": entry.reason})
    return item


def _compare_schedules(ours: PriceSchedule, theirs: TheirSchedule, cap: int, reasoning: bool, add: Any) -> None:
    our_bounds = [t.up_to for t in ours.tiers if t.up_to is not None and t.up_to < cap]
    their_bounds = [b for b in theirs.bounds() if b < cap]
    if our_bounds != their_bounds:
        add("tier_bounds", our_bounds, their_bounds, float(their_bounds[0]) if their_bounds else None)
    samples = {1, *(b for bound in [*our_bounds, *their_bounds] for b in (bound, bound + 1))}
    for prompt in sorted(p for p in samples if p <= cap):
        if not _our_tier_exists(ours, prompt):
            continue
        for name in RATE_FIELDS:
            if name == "reasoning_mtok":
                continue
            mine, rate = _our_rate(ours, name, prompt), theirs.rate(name, prompt)
            if not _same(mine, rate):
                add(name, mine, rate, rate, prompt)
        if reasoning:
            mine, rate = _our_rate(ours, "reasoning_mtok", prompt), theirs.rate("reasoning_mtok", prompt)
            if mine is not None or rate is not None:  # a null reasoning rate is billed as output, on both sides
                mine = mine if mine is not None else _our_rate(ours, "output_mtok", prompt)
                rate = rate if rate is not None else theirs.rate("output_mtok", prompt)
                if not _same(mine, rate):
                    add("reasoning_mtok", mine, rate, rate, prompt)


def compare_model(model: Model, provider: Provider, database: PriceDatabase, on: dt.date
                  ) -> tuple[TheirRecord | None, list[Disagreement], list[str]]:
    """The record matched, the disagreements (explained where the registry explains them), what was not
    compared."""
    record = database.find(model, provider.id)
    name = database.name
    not_compared = [f"{model.id}: {s.region}/{s.service_tier}/{s.currency} schedule ({name} has no "
                    f"{s.currency} prices for region {s.region})"
                    for s in model.prices if (s.region, s.currency) != ("global", "USD")]
    out: list[Disagreement] = []
    source = record.source if record else f"{database.label()}: no record"
    key = record.key if record else None

    def add(field_name: str, ours: Any, theirs: Any, match_value: Any, day: dt.date = on, *,
            tier: str = "standard", region: str = "global", prompt: int | None = None) -> None:
        out.append(_explain(model, provider, Disagreement(
            name, model.id, field_name, region, tier, ours, theirs, match_value, source, key, day, prompt)))

    if record is None:
        add("model", model.id, None, None)
        return None, out, not_compared
    not_compared += [f"{model.id}: {record.source}: {note} (no such field in the registry)"
                     for note in record.not_represented]

    _compare_facts(model, record, database, add)
    _compare_prices(model, record, database, on, add)
    if "regions" in database.facts and _live(model, on):
        _compare_regions(model, record, on, add)
    return record, _dedupe(out), not_compared


Add = Callable[..., None]
"""``add(field, ours, theirs, match_value, day=on, *, tier="standard", region="global", prompt=None)``: record a
disagreement of the model being compared."""


def _compare_facts(model: Model, record: TheirRecord, database: PriceDatabase, add: Add) -> None:
    """The model's limits and retirement date, where the database records them."""
    if "context_window" in database.facts and record.context_window != model.context_window:
        add("context_window", model.context_window, record.context_window,
            None if record.context_window is None else float(record.context_window))
    if "max_input_tokens" in database.facts and record.max_input_tokens != _prompt_cap(model):
        add("max_input_tokens", _prompt_cap(model), record.max_input_tokens,
            None if record.max_input_tokens is None else float(record.max_input_tokens))
    if "max_output_tokens" in database.facts and record.max_output_tokens != model.max_output_tokens:
        add("max_output_tokens", model.max_output_tokens, record.max_output_tokens,
            None if record.max_output_tokens is None else float(record.max_output_tokens))
    our_retirement = model.lifecycle.retired_on if model.lifecycle else None
    if "retired_on" in database.facts and our_retirement != record.retired_on:
        add(RETIRED_FIELD, our_retirement, record.retired_on, record.retired_on)


def _compare_prices(model: Model, record: TheirRecord, database: PriceDatabase, on: dt.date, add: Add) -> None:
    """Every service tier's schedule (the standard one through its history where the database has one): listed on
    one side only, each rate at sample prompt sizes, the tier bounds and the web-search fee."""
    cap = _prompt_cap(model)
    reasoning = "reasoning_mtok" in database.facts
    ours_listed = {s.service_tier for s in model.prices if (s.region, s.currency) == ("global", "USD")}
    for service_tier in SERVICE_TIERS:
        if service_tier not in ours_listed:
            theirs = record.schedule_on(service_tier, on)
            if theirs is not None and _live(model, on):
                first = theirs.tiers[0].input_mtok if theirs.tiers else None
                add("prices", None, "listed", first, tier=service_tier)
            continue
        days = _history_days(model, record, on) if database.history and service_tier == "standard" else [on]
        for day in days:
            ours = _schedule_on(model, service_tier, day)
            theirs = record.schedule_on(service_tier, day)
            if ours is None:
                continue  # not offered by us that day (before release or after a retirement we record)
            if theirs is None:
                add("prices", "listed", None, None, day, tier=service_tier)
                continue

            def add_here(field_name: str, mine: Any, their: Any, match: Any, prompt: int | None = None,
                         _day: dt.date = day, _tier: str = service_tier) -> None:
                add(field_name, mine, their, match, _day, tier=_tier, prompt=prompt)

            _compare_schedules(ours, theirs, cap, reasoning, add_here)
            if service_tier == "standard" and "web_search" in database.facts:
                mine, their_fee = _web_search_fee(model, day), theirs.web_search_per_thousand
                if not _same(mine, their_fee):
                    add(WEB_SEARCH_FIELD, mine, their_fee, their_fee, day)


def _compare_regions(model: Model, record: TheirRecord, on: dt.date, add: Add) -> None:
    """Each regional price, as the uplift over the global one."""
    ours_global = _schedule_on(model, "standard", on)
    for region in record.regions():
        theirs = record.schedule_on("standard", on, region)
        if region == "global" or theirs is None:
            continue
        ours_regional = _schedule_on(model, "standard", on, region)
        uplift = None
        if ours_global and ours_regional and ours_global.tiers[0].input_mtok and \
                ours_regional.tiers[0].input_mtok:
            uplift = round(ours_regional.tiers[0].input_mtok / ours_global.tiers[0].input_mtok, 6)
        if not _same(uplift, theirs.uplift):
            add("region_uplift", uplift, theirs.uplift, theirs.uplift, region=region)


def _dedupe(items: list[Disagreement]) -> list[Disagreement]:
    """One line per (database, field, region, tier, ours, theirs): the earliest date and smallest prompt."""
    seen: dict[tuple, Disagreement] = {}
    for item in items:
        key = (item.database, item.field, item.region, item.service_tier, repr(item.ours), repr(item.theirs))
        seen.setdefault(key, item)
    return list(seen.values())


def check_drift(registry: Registry, databases: list[PriceDatabase], on: dt.date | None = None,
                models: list[str] | None = None, *, today: dt.date | None = None) -> DriftReport:
    """Compare the registry with each database as of ``on`` (default ``today``, itself default the system date).

    A database with no dated history (LiteLLM) describes the present: it is always compared as of ``today``, so
    an ``on`` in the past checks only the databases that record dates (``DriftReport.compared_on`` says which day
    each database was compared on)."""
    today = today or clock_today()
    day = on or today
    report = DriftReport(checked_on=day)
    wanted = {registry.resolve_id(m) for m in models} if models else None
    for database in databases:
        report.databases[database.name] = database.version
        report.pinned[database.name] = database.pinned
        database_day = day if database.history else today
        report.compared_on[database.name] = database_day
        matches = report.matches.setdefault(database.name, {})
        first_party = report.first_party.setdefault(database.name, {})
        for entry in registry.models():
            if wanted is not None and entry.model.id not in wanted:
                continue
            record, items, skipped = compare_model(entry.model, entry.provider, database, database_day)
            if record is not None:
                matches[entry.model.id] = record.key
                first_party[entry.model.id] = record.first_party
            report.disagreements.extend(items)
            report.not_compared.extend(skipped)
    report.not_compared = list(dict.fromkeys(report.not_compared))
    return report
