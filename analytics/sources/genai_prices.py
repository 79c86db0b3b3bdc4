"""What the drift check and the importer share about the ``genai-prices`` package: loading its bundled data,
finding the record of one of our models, reading a rate at a prompt size, and the names of its fields."""

from __future__ import annotations

import re
from typing import Any

from analytics.core.schema import Model

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


class GenaiPricesMissing(RuntimeError):
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
