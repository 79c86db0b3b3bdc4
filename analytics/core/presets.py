"""Defaults defined once for every face of the project: the seed report's models, the headline set and the
input:output ratios offered as presets."""

from __future__ import annotations

import datetime as dt

from .clock import today
from .lifecycle import is_live
from .registry import Registry

SEED_MODELS = ("qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5")
"""The seed report's five models, in the report's order."""
SEED_DATE = dt.date(2026, 1, 28)
"""The day the seed report's comparison stood: its prices and the scores known then (the report's date)."""
SEED_VIEW = "seed"
"""The named preset (``?view=seed``) that reproduces the seed report's comparison on ``SEED_DATE``."""


def seed_models(registry: Registry) -> list[str]:
    """The seed models the registry holds (every model when it holds none of them)."""
    present = [m for m in SEED_MODELS if m in registry.entries]
    return present or registry.model_ids()


def headline_models(registry: Registry, on: dt.date | None = None, since: dt.date | None = None) -> list[str]:
    """The default selection where one line per model would crowd a chart: for each provider, its newest
    flagship (``segment: flagship``) that can be called on ``on`` (default today) — and, given ``since``, on every
    day from ``since`` to ``on`` (a log's span).

    On the seed report's day this is the seed's five plus DeepSeek V3.2 and Grok 4; today, each provider's
    current flagship. Retired and not-yet-released models are never in it. A registry with no flagship marked
    falls back to every model live on the day (and to every model when none is).
    """
    day = on or today()
    first = since or day
    chosen: list[str] = []
    for provider in registry.providers:
        flagships = [m for m in provider.models if m.segment == "flagship" and m.id in registry.entries
                     and registry.entries[m.id].provider is provider and is_live(m, day) and is_live(m, first)]
        if flagships:
            # a flagship whose release date is unknown sorts oldest: it is never preferred on a guess
            newest = max(enumerate(flagships), key=lambda im: (im[1].released or dt.date.min, im[0]))[1]
            chosen.append(newest.id)
    if chosen:
        return chosen
    live = [e.model.id for e in registry.models() if is_live(e.model, day) and is_live(e.model, first)]
    return live or registry.model_ids()


def live_throughout(registry: Registry, model_ids, first: dt.date, last: dt.date) -> list[str]:
    """The models of ``model_ids`` the registry holds that can be called on every day from ``first`` to ``last``
    (release and retirement are each one day, so the two ends decide), in the given order."""
    return [m for m in dict.fromkeys(model_ids) if m in registry.entries
            and is_live(registry.model(m), first) and is_live(registry.model(m), last)]


def replay_models(registry: Registry, first: dt.date, last: dt.date) -> list[str]:
    """The default models a log from ``first`` to ``last`` is replayed on: each provider's newest flagship that
    could be called on every day of the log (``headline_models`` over the span; on the seed report's days, its five
    with DeepSeek V3.2 and Grok 4). Never a model retired or not yet released within the log."""
    return headline_models(registry, last, since=first)


RATIO_PRESETS = {"3:1": "3:1 convention", "1:1": "1:1", "10:1": "10:1 agent loop", "30:1": "30:1 retrieval"}
"""Input:output ratios offered as presets; any other ``a:b`` may be entered."""
