"""Today's date, defined once: every "as of today" default in the project comes from here.

``LLM_COSTS_TODAY=YYYY-MM-DD`` pins it (tests, reproducible reports, a demo of a past day). A value that is not a
date is an error naming the variable, never ignored.
"""

from __future__ import annotations

import datetime as dt
import os

from .errors import AnalyticsError

TODAY_VARIABLE = "LLM_COSTS_TODAY"


def today() -> dt.date:
    """The date the dashboard and the CLI take as "today": ``LLM_COSTS_TODAY`` when set, else the system date."""
    pinned = os.environ.get(TODAY_VARIABLE, "").strip()
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise AnalyticsError(f"{TODAY_VARIABLE}={pinned[:40]!r} is not a date: write YYYY-MM-DD or unset it") from None
