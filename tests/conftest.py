"""Fixtures shared by every test: the bundled registry."""

from __future__ import annotations

import pytest

from analytics.core.registry import Registry, bundled_registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    return bundled_registry()
