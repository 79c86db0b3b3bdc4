"""What an external price database says about one model, in one shape: a *record*.

Each adapter (``genai_prices.py``, ``litellm.py``) turns its database's entries into ``TheirRecord``s; ``drift``
compares records with the registry and ``refresh`` turns them into registry YAML, without knowing which database
a record came from. Units and conventions are the registry's, so the comparison is one rule, written once:

- Prices are USD per 1M tokens (``*_mtok``, as in ``Tier``); web search is per 1,000 calls. A database's 0 is
  read as unknown (``None``): neither database uses 0 to mean "free" for the token kinds compared here.
- Tiers are cliff tiers with an inclusive ``up_to`` (the largest prompt the tier covers). A database's "above
  200K" (LiteLLM ``*_above_200k_tokens``) or "tier starting at 200,000" (genai-prices) is ``up_to: 200000``
  followed by the next tier; where the provider bills the higher rate from the bound itself (LiteLLM's inclusive
  thresholds, xAI), ``up_to`` is the bound minus one.
- A schedule is one service tier (``standard``, ``batch``, ``flex``, ``priority``) in one region over a period
  (``effective_from`` inclusive, ``effective_to`` exclusive; ``None``: open), like ``PriceSchedule``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from analytics.core.errors import AnalyticsError
from analytics.core.schema import Model

RATE_FIELDS = ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok",
               "reasoning_mtok")
"""The per-1M rates a record can carry, named as in ``Tier``."""
SERVICE_TIERS = ("standard", "batch", "flex", "priority")
MTOK = 1_000_000


class DatabaseMissing(AnalyticsError):
    """An optional price-database package (genai-prices, litellm) is not installed."""


def per_mtok(per_token: Any) -> float | None:
    """A per-token price (``3e-06``) as a per-1M price (``3.0``); 0, negatives and non-numbers are unknown.

    Rounded to 10 significant digits: ``2.5e-06 * 1e6`` is 2.4999999999999996 in floating point.
    """
    if isinstance(per_token, bool) or not isinstance(per_token, (int, float)) or per_token <= 0:
        return None
    return float(f"{per_token * MTOK:.10g}")


@dataclass(frozen=True)
class TheirTier:
    """One cliff tier of a database's prices: prompts up to ``up_to`` (inclusive; None: open)."""

    up_to: int | None
    input_mtok: float | None = None
    output_mtok: float | None = None
    cache_read_mtok: float | None = None
    cache_write_mtok: float | None = None
    cache_write_1h_mtok: float | None = None
    reasoning_mtok: float | None = None

    def rate(self, name: str) -> float | None:
        return getattr(self, name)

    def rates(self) -> dict[str, float | None]:
        return {name: self.rate(name) for name in RATE_FIELDS}


@dataclass(frozen=True)
class TheirSchedule:
    """A database's prices for one service tier and region, over a period."""

    service_tier: str = "standard"
    region: str = "global"
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    tiers: tuple[TheirTier, ...] = ()
    web_search_per_thousand: float | None = None
    """The web-search fee per 1,000 calls where the database records one."""
    uplift: float | None = None
    """For a regional schedule a database gives only as a multiple of the global prices (LiteLLM's US-only
    inference and data-residency uplifts): the multiple (1.1); every rate of ``tiers`` is already multiplied."""

    def in_force(self, day: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day < self.effective_to)

    def bounds(self) -> list[int]:
        return [t.up_to for t in self.tiers if t.up_to is not None]

    def tier_for(self, prompt_tokens: int) -> TheirTier | None:
        """The tier a prompt falls in (cliff); None beyond the last closed tier."""
        for tier in self.tiers:
            if tier.up_to is None or prompt_tokens <= tier.up_to:
                return tier
        return None

    def rate(self, name: str, prompt_tokens: int) -> float | None:
        tier = self.tier_for(prompt_tokens)
        return None if tier is None else tier.rate(name)

    def same_prices(self, other: TheirSchedule) -> bool:
        return (self.tiers, self.web_search_per_thousand, self.uplift) == (
            other.tiers, other.web_search_per_thousand, other.uplift)


@dataclass(frozen=True)
class TheirRecord:
    """Everything one database says about one model that the registry can hold."""

    database: str
    """``genai-prices`` or ``litellm``."""
    version: str
    key: str
    """The database's own name for the record: ``openai/gpt-5.5`` (genai-prices: provider/model), ``gpt-5.5`` or
    ``gemini/gemini-3.1-pro-preview`` (LiteLLM: its JSON key)."""
    url: str | None
    """The price page the database cites for it."""
    first_party: bool
    """The record is the model maker's own price (not a reseller's listing)."""
    name: str | None = None
    mode: str | None = None
    """What kind of model the database says it is (LiteLLM's ``mode``: ``chat``, ``responses``, ``embedding``,
    ``audio_speech``…); None where the database does not say (genai-prices)."""
    context_window: int | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    retired_on: dt.date | None = None
    """The shutdown date the database gives (LiteLLM's ``deprecation_date``)."""
    successor: str | None = None
    """The database's key of the replacement it names."""
    deprecated: bool = False
    schedules: tuple[TheirSchedule, ...] = ()
    not_represented: tuple[str, ...] = ()
    """Pricing the registry has no field for (time-of-day prices, other service tiers, non-text units…): listed,
    never compared and never dropped silently."""

    @property
    def source(self) -> str:
        """``litellm 1.110.2 gpt-5.5 (https://…)``: which database, version, record and page."""
        return f"{self.database} {self.version} {self.key}" + (f" ({self.url})" if self.url else "")

    def schedule_on(self, service_tier: str, day: dt.date, region: str = "global") -> TheirSchedule | None:
        for schedule in self.schedules:
            if (schedule.service_tier, schedule.region) == (service_tier, region) and schedule.in_force(day):
                return schedule
        return None

    def service_tiers_on(self, day: dt.date, region: str = "global") -> list[str]:
        return [t for t in SERVICE_TIERS if self.schedule_on(t, day, region) is not None]

    def regions(self) -> list[str]:
        return sorted({s.region for s in self.schedules}, key=lambda r: (r != "global", r))

    def change_days(self, service_tier: str = "standard") -> set[dt.date]:
        """Days on which this record's prices for a service tier change (starts and ends of its schedules)."""
        days: set[dt.date] = set()
        for schedule in self.schedules:
            if schedule.service_tier == service_tier:
                days.update(d for d in (schedule.effective_from, schedule.effective_to) if d is not None)
        return days


def tiers_from_bounds(bounds: list[int], rate_at: Any) -> tuple[TheirTier, ...]:
    """Cliff tiers at ``bounds`` (ascending, inclusive), each field read by ``rate_at(field, prompt)`` at one prompt
    inside the tier (one rate per tier: a cliff); the last tier is open."""
    tiers = []
    for i, up_to in enumerate([*bounds, None]):
        sample = 1 if i == 0 else bounds[i - 1] + 1
        tiers.append(TheirTier(up_to, **{name: rate_at(name, sample) for name in RATE_FIELDS}))
    return tuple(tiers)


def merge_periods(schedules: list[TheirSchedule]) -> list[TheirSchedule]:
    """Join consecutive schedules of one service tier and region whose prices are the same."""
    merged: list[TheirSchedule] = []
    for schedule in schedules:
        last = merged[-1] if merged else None
        if (last is not None and (last.service_tier, last.region) == (schedule.service_tier, schedule.region)
                and last.effective_to == schedule.effective_from and last.same_prices(schedule)):
            merged[-1] = TheirSchedule(last.service_tier, last.region, last.effective_from, schedule.effective_to,
                                       last.tiers, last.web_search_per_thousand, last.uplift)
        else:
            merged.append(schedule)
    return merged


@dataclass
class PriceDatabase:
    """One loaded price database. Adapters subclass it: ``find`` maps one of our models to its record,
    ``provider_records`` lists every first-party record of one of our providers (what ``refresh`` reads)."""

    name: str
    version: str
    pinned: str
    """The version the registry's explanations were written against (the ``drift`` extra pins it)."""
    facts: frozenset[str] = field(default_factory=frozenset)
    """What this database records at all, beyond prices: ``context_window``, ``max_input_tokens``,
    ``max_output_tokens``, ``retired_on``, ``reasoning_mtok``, ``regions``, ``web_search``."""
    history: bool = False
    """It records dated price changes: the standard tier is then compared on both sides of every change."""

    def find(self, model: Model, provider_id: str) -> TheirRecord | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def provider_records(self, provider_id: str) -> list[TheirRecord]:  # pragma: no cover - abstract
        raise NotImplementedError

    def label(self) -> str:
        return f"{self.name} {self.version}"
