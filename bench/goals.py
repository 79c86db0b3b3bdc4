"""The dashboard's speed and capacity goals (issue 16), in one place: every section prints its figures beside these,
and ``make bench`` ends with one table of every goal, its figure and met/missed.

Goals live here and in ``make bench``, never in timed tests: a shared, noisy machine would make such tests flaky.
"""

from __future__ import annotations

from dataclasses import dataclass

RERUN_MEDIAN_S = 0.100
"""Every page's AppTest rerun after a control change, median."""
RERUN_P95_S = 0.200
"""… and its 95th percentile."""
NAVIGATION_TO_FIRST_CHART_S = 0.800
"""In Chromium: a page URL opened → its first chart drawn (median)."""
CONTROL_TO_REDRAWN_S = 0.300
"""In Chromium: a control changed → the chart redrawn (median)."""
SERVER_CPU_MS_PER_VIEW = 60.0
"""Server CPU time per page view, mean over the pages (the server pinned to one core, the browsers to another)."""
LOAD_SESSIONS = 20
"""Concurrent browser sessions that must complete with 0 errors."""
MEMORY_GROWTH = 0.10
"""Server memory after 1,000 reruns on every page, at most this much above its value after the first 100."""


@dataclass(frozen=True)
class Verdict:
    goal: str
    """What is asked, with its bound: ``median ≤ 100 ms``."""
    figure: str
    """What was measured, formatted."""
    met: bool | None
    """None: not measured (the section failed or was not run)."""

    @property
    def word(self) -> str:
        return "n/a" if self.met is None else "met" if self.met else "MISSED"


def at_most(value: float | None, bound: float) -> bool | None:
    return None if value is None else value <= bound


def word(met: bool | None) -> str:
    return "n/a" if met is None else "met" if met else "MISSED"
