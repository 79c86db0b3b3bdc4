"""The ``genai-prices`` package as a price database: loading its bundled data, finding the record of one of our
models, reading a rate at a prompt size, and turning its entries into ``TheirRecord``s (``records.py``) for
``drift`` and ``refresh``; the importer reads its entries directly."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from analytics.core.schema import Model

from .records import DatabaseMissing, PriceDatabase, TheirRecord, TheirSchedule, merge_periods, tiers_from_bounds

PINNED_VERSION = "0.2.3"
"""The genai-prices version the registry's explanations were written against (the ``drift`` extra pins it)."""

THEIR_PROVIDER = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "moonshot": "moonshotai",
    "deepseek": "deepseek",
    "xai": "x-ai",
    # genai-prices 0.2.3 has no Alibaba provider: OpenRouter's listing is its only record of the Qwen models.
    "alibaba": "openrouter",
}
"""Our provider id → the genai-prices provider searched for its models."""

IMPORTED_PREFIX = "genai-prices-"
"""Provider ids written by the importer: ``genai-prices-<their provider id>``, compared with that provider."""
MODEL_MAP: dict[str, tuple[str, str]] = {}
"""Explicit overrides, our model id → (genai-prices provider id, model id), where matching by aliases fails."""

RATE_FIELDS = ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok")
SERVICE_TIER_CONTEXT = {"batch": {"processing": "batch"}, "flex": {"service_tier": "flex"},
                        "priority": {"service_tier": "priority"}}
"""Our service tier → the genai-prices price-variant context that selects it."""


FIRST_PARTY = frozenset({"openai", "anthropic", "google", "moonshotai", "deepseek", "x-ai"})
"""genai-prices providers that are the model makers themselves (OpenRouter, for example, is a reseller)."""
DATABASE = "genai-prices"


class GenaiPricesMissing(DatabaseMissing):
    """The optional ``genai-prices`` package is not installed."""


def slug(text: str) -> str:
    """A registry id from a genai-prices id: ``qwen/qwen3-max`` → ``qwen-qwen3-max``."""
    value = re.sub(r"[^a-z0-9.-]+", "-", text.lower())
    value = re.sub(r"-{2,}", "-", value).strip("-.")
    return value


def load_genai_prices() -> tuple[str, list[Any]]:
    """The installed genai-prices version and its bundled provider data (never fetched from the network)."""
    try:
        import genai_prices
        from genai_prices.data import providers
    except ImportError as exc:
        raise GenaiPricesMissing(
            "the drift check needs the genai-prices package: pip install 'genai-prices==0.2.3' "
            "(or the project's `drift` extra)"
        ) from exc
    return genai_prices.__version__, list(providers)


def find_their_model(model: Model, provider_id: str, their_providers: list[Any]) -> tuple[Any, Any] | None:
    """The genai-prices (provider, model) for one of ours: ``MODEL_MAP``, else its id then aliases matched by
    genai-prices' own rules, first match in their order (as their lookup does)."""
    by_id = {p.id: p for p in their_providers}
    if model.id in MODEL_MAP:
        their_provider_id, their_model_id = MODEL_MAP[model.id]
        provider = by_id.get(their_provider_id)
        for candidate in provider.models if provider else []:
            if candidate.id == their_model_id:
                return provider, candidate
        return None
    provider = by_id.get(THEIR_PROVIDER.get(provider_id, provider_id))
    if provider is None and provider_id.startswith(IMPORTED_PREFIX):  # written by `import genai-prices`
        wanted = provider_id.removeprefix(IMPORTED_PREFIX)
        provider = next((p for p in their_providers if slug(p.id) == wanted), None)
    if provider is None:
        return None
    for name in [model.id, *model.aliases]:
        for candidate in provider.models:
            if candidate.is_match(name):
                return provider, candidate
    return None


def decimal_to_float(value: Any) -> float | None:
    return None if value is None else float(value)


def their_rate(price: Any, prompt_tokens: int) -> float | None:
    """A genai-prices rate at a prompt size: a tier whose ``start`` is below the prompt applies (cliff)."""
    if price is None:
        return None
    tiers = getattr(price, "tiers", None)
    if tiers is None:
        return decimal_to_float(price)
    rate = price.base
    for tier in sorted(tiers, key=lambda t: t.start):
        if prompt_tokens > tier.start:
            rate = tier.price
    return decimal_to_float(rate)


# -- as a price database (records for drift and refresh) -------------------------------------------------------


def _their_bounds(prices: Any) -> list[int]:
    bounds: set[int] = set()
    for name in RATE_FIELDS:
        price = getattr(prices, name, None)
        for tier in getattr(price, "tiers", None) or []:
            bounds.add(int(tier.start))
    return sorted(bounds)


def their_prices_on(their_model: Any, day: dt.date, service_tier: str) -> Any | None:
    """Their prices on ``day`` (at noon UTC) for a service tier; None for a non-standard tier they do not record
    then (genai-prices models batch / flex / priority only from its own verification dates)."""
    when = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    if service_tier == "standard":
        return their_model.get_prices(when)
    context = SERVICE_TIER_CONTEXT[service_tier]
    for variant in their_model.price_variants or []:
        active = variant.constraint is None or variant.constraint.active(when)
        priced = any(v is not None for k, v in vars(variant.prices).items() if not k.startswith("_"))
        if active and priced and all(context.get(k) == v for k, v in variant.when.items()):
            # a variant with no price of its own only marks the tier: it records no price for it
            return their_model.get_prices(when, context)
    return None


def _start_dates(their_model: Any) -> list[dt.date]:
    constraints = [c.constraint for c in their_model.prices] if isinstance(their_model.prices, list) else []
    constraints += [v.constraint for v in their_model.price_variants or []]
    return sorted({c.start_date for c in constraints if getattr(c, "start_date", None) is not None})


def _schedule(prices: Any, service_tier: str, start: dt.date | None, end: dt.date | None) -> TheirSchedule:
    def rate_at(name: str, prompt: int) -> float | None:
        return their_rate(getattr(prices, name, None), prompt) if name in RATE_FIELDS else None

    web_search = decimal_to_float(getattr(prices, "web_searches_kcount", None)) if service_tier == "standard" \
        else None
    return TheirSchedule(service_tier, "global", start, end, tiers_from_bounds(_their_bounds(prices), rate_at),
                         web_search)


def _not_represented(their_model: Any) -> tuple[str, ...]:
    notes = []
    conditionals = their_model.prices if isinstance(their_model.prices, list) else []
    if any(getattr(c.constraint, "start_time", None) is not None for c in conditionals):
        notes.append("time-of-day prices (the price at 12:00 UTC is compared)")
    contexts = [v.when for v in their_model.price_variants or []]
    others = sorted({f"{k}={v}" for when in contexts for k, v in when.items()
                     if when not in SERVICE_TIER_CONTEXT.values()})
    if others:
        notes.append(f"price variants {', '.join(others)}")
    return tuple(notes)


def record_of(their_provider: Any, their_model: Any, version: str) -> TheirRecord:
    """One genai-prices model as a record: a schedule per service tier and dated period (evaluated at noon UTC,
    as their lookup does), their context window, their deprecation flag."""
    starts = _start_dates(their_model)
    periods = [(None, starts[0] if starts else None), *zip(starts, [*starts[1:], None], strict=False)]
    schedules = []
    for service_tier in ("standard", *SERVICE_TIER_CONTEXT):
        for start, end in periods:
            day = start or (end - dt.timedelta(days=1) if end else dt.date(2000, 1, 1))
            prices = their_prices_on(their_model, day, service_tier)
            if prices is not None:
                schedules.append(_schedule(prices, service_tier, start, end))
    url = next(iter(their_provider.pricing_urls or []), None)
    return TheirRecord(
        database=DATABASE, version=version, key=f"{their_provider.id}/{their_model.id}", url=url,
        first_party=their_provider.id in FIRST_PARTY, name=their_model.name,
        context_window=their_model.context_window, deprecated=bool(their_model.deprecated),
        schedules=tuple(merge_periods(schedules)), not_represented=_not_represented(their_model),
    )


class GenaiPrices(PriceDatabase):
    """genai-prices as a ``PriceDatabase``: prices with dated history and web search, and context windows."""

    def __init__(self, version: str, providers: list[Any]):
        super().__init__(DATABASE, version, PINNED_VERSION,
                         frozenset({"context_window", "web_search"}), history=True)
        self.providers = providers

    def find(self, model: Model, provider_id: str) -> TheirRecord | None:
        found = find_their_model(model, provider_id, self.providers)
        return None if found is None else record_of(*found, self.version)

    def provider_records(self, provider_id: str) -> list[TheirRecord]:
        their_id = THEIR_PROVIDER.get(provider_id, provider_id)
        if their_id not in FIRST_PARTY:
            return []
        provider = next((p for p in self.providers if p.id == their_id), None)
        return [record_of(provider, m, self.version) for m in provider.models] if provider else []


def load_database() -> GenaiPrices:
    return GenaiPrices(*load_genai_prices())
