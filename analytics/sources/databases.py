"""The price databases the registry is checked against, by name: what ``drift`` and ``refresh`` load."""

from __future__ import annotations

from collections.abc import Callable

from . import genai_prices, litellm
from .records import PriceDatabase

LOADERS: dict[str, Callable[[], PriceDatabase]] = {
    genai_prices.DATABASE: genai_prices.load_database,
    litellm.DATABASE: litellm.load_database,
}
"""Database name → its loader (each reads the data bundled in an installed package, never the network)."""
AGAINST = (*LOADERS, "all")


def load_databases(against: str = "all") -> list[PriceDatabase]:
    """The databases named by ``against`` (one name, or ``all``); ``DatabaseMissing`` names the package to
    install when one is absent."""
    names = list(LOADERS) if against == "all" else [against]
    return [LOADERS[name]() for name in names]
