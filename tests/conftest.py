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
