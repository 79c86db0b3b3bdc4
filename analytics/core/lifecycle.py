"""A model's lifecycle on a date: unreleased, preview, available, deprecated or retired, and how to say it.

Derived from ``released`` and ``lifecycle`` in the registry, never stored. ``retired_on`` is the shutdown date
(the first day the model can no longer be called), so a model is retired *on* that day and live the day before.
"""

from __future__ import annotations

import datetime as dt

from .schema import Model, Status

STATUSES: tuple[Status, ...] = ("unreleased", "preview", "available", "deprecated", "retired")
LIVE: frozenset[Status] = frozenset({"preview", "available", "deprecated"})
"""Statuses in which the model can be called (and so priced as live)."""


def status(model: Model, on: dt.date) -> Status:
    """The model's status on ``on``.

    | released   | deprecated_on | retired_on | on         | status      |
    |------------|---------------|------------|------------|-------------|
    | 2025-11-18 | 2026-02-19    | 2026-03-09 | 2025-11-17 | unreleased  |
    | 2025-11-18 | 2026-02-19    | 2026-03-09 | 2026-02-18 | preview / available (flag) |
    | 2025-11-18 | 2026-02-19    | 2026-03-09 | 2026-02-19 | deprecated  |
    | 2025-11-18 | 2026-02-19    | 2026-03-09 | 2026-03-08 | deprecated  |
    | 2025-11-18 | 2026-02-19    | 2026-03-09 | 2026-03-09 | retired     |
    """
    life = model.lifecycle
    if model.released is not None and on < model.released:
        return "unreleased"
    if life is not None:
        if life.retired_on is not None and on >= life.retired_on:
            return "retired"
        if life.deprecated_on is not None and on >= life.deprecated_on:
            return "deprecated"
        if life.preview:
            return "preview"
    return "available"


def is_live(model: Model, on: dt.date) -> bool:
    """True when the model can be called on ``on`` (preview, available or deprecated)."""
    return status(model, on) in LIVE


def status_label(model: Model, on: dt.date, successor_name: str | None = None) -> str:
    """What a page or table shows: "retired 2026-03-09 → Gemini 3.1 Pro", "not released until 2026-04-16",
    "deprecated; retires 2026-11-30 → Claude Sonnet 4.6", "preview", "available"."""
    state = status(model, on)
    life = model.lifecycle
    successor = successor_name or (life.successor if life else None)
    arrow = f" → {successor}" if successor else ""
    if state == "unreleased":
        return f"not released until {model.released}"
    if state == "retired":
        return f"retired {life.retired_on}{arrow}"  # type: ignore[union-attr]
    if state == "deprecated":
        retires = f"; retires {life.retired_on}" if life and life.retired_on else ""  # type: ignore[union-attr]
        return f"deprecated{retires}{arrow}"
    return state


def not_live_reason(model: Model, on: dt.date) -> str | None:
    """One line for a model that cannot be priced as live on ``on`` (retired or not yet released), else None.

    It names the retirement date, the successor and how to price the past.
    """
    state = status(model, on)
    life = model.lifecycle
    if state == "retired":
        assert life is not None and life.retired_on is not None
        successor = f"; its successor is {life.successor}" if life.successor else ""
        last_day = life.retired_on - dt.timedelta(days=1)
        return (f"{model.id} was retired on {life.retired_on} (shut down){successor}; to price it as it was, "
                f"choose a date on or before {last_day} (--on {last_day})")
    if state == "unreleased":
        return (f"{model.id} was not released until {model.released}; choose a date on or after it "
                f"(--on {model.released})")
    return None
