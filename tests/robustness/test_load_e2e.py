"""Load, in the suite: 4 concurrent browser sessions against one server, each loading every page and moving the
currency control; no errors, and the server's memory stays bounded. Stops by itself (a budget cancels the run).

The 20-session run is ``bench/load.py`` (several minutes on a 2-core machine); its figures are in the README."""

from __future__ import annotations

import pytest

from bench.load import run_load

pytestmark = pytest.mark.e2e

SESSIONS = 4
SERVER_GROWTH_MB = 300
"""Peak server RSS above its level after one warm-up session: sessions must not each hold a copy of the data."""


def test_concurrent_sessions_load_every_page_without_errors_in_bounded_memory():
    figures = run_load(SESSIONS, budget_s=150, step_timeout_ms=90_000)
    print(figures)
    assert not figures["warm_up_errors"], figures["warm_up_errors"]
    assert not figures["errors"], figures["errors"][:10]
    assert not figures["cut_by_budget"], f"the run did not finish within its budget: {figures}"
    assert figures["page_loads"] == figures["expected_page_loads"]
    assert figures["controls_moved"] == SESSIONS
    assert figures["server_alive"]
    growth = figures["server_rss_mb_peak"] - figures["server_rss_mb_after_warm_up"]
    assert growth < SERVER_GROWTH_MB, f"server RSS grew by {growth} MB under {SESSIONS} sessions: {figures}"
