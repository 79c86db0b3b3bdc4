"""AppTest helpers: run the real dashboard entry point and switch to a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


def open_page(page: str | None = None, query: dict[str, str] | None = None, timeout: float = 30) -> AppTest:
    """The dashboard, switched to ``page`` (e.g. "pages/prices.py"), run once, with optional query params."""
    at = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture
def app():
    return open_page
