"""Fixtures shared by every test: the bundled registry, and "today" pinned to the registry's date.

``LLM_COSTS_TODAY`` is set for the whole run (subprocesses and the browser tests' servers inherit it), so a test
that means "today" sees the market the registry describes, 2026-12-01, whatever the machine's clock says.
"""

from __future__ import annotations

import os

import pytest

os.environ["LLM_COSTS_TODAY"] = "2026-12-01"

from analytics.core.registry import Registry, bundled_registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    return bundled_registry()


@pytest.fixture
def seed_day(monkeypatch):
    """Run a test on the seed report's day (2026-01-28): for tests of the seed report's figures, whose models
    (Gemini 3 Pro, Kimi K2.5) have been retired since. ``pytestmark = pytest.mark.usefixtures("seed_day")``."""
    monkeypatch.setenv("LLM_COSTS_TODAY", "2026-01-28")
