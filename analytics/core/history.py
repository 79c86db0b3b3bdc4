"""The price of capability over time: the cheapest blended price that reaches each HLE band, by date.

The seed report forecasts falling inference prices; this shows it with the registry's data. For a band
"HLE ≥ T %" and each day, the cheapest model *released by that day* whose chosen HLE score is at least T, at the
blended price *in force on that day*. The series steps at every release and every price change of a qualifying
model. Which score counts (condition, reporters, pick, subset) is the same explicit policy as the cost-vs-HLE
chart (``analytics.scores``); a model with no release date or no price that day cannot be placed and is listed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from .clock import today
from .errors import AnalyticsError
from .pricing import blended_price, parse_ratio
from .registry import Registry
from .scores import select_scores

DEFAULT_BANDS = (40.0, 45.0, 50.0)
"""HLE thresholds (percent) drawn by default: with the bundled data each gives a distinct line."""
COLUMNS = ["band", "date", "model", "name", "country", "score", "condition", "reporter", "blended_per_mtok",
           "currency", "event"]


def day_or_today(on: dt.date | str | None) -> dt.date:
    if on is None or on == "":
        return today()
    if isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(str(on))
    except ValueError:
        raise AnalyticsError(f"date {on!r}: write it as YYYY-MM-DD") from None


def _bands(bands: Iterable[float | str] | float | str | None) -> list[float]:
    if bands is None or bands == "" or bands == []:
        return list(DEFAULT_BANDS)
    if isinstance(bands, (int, float, str)):
        bands = [bands]
    values = []
    for band in bands:
        try:
            value = float(band)
        except (TypeError, ValueError):
            raise AnalyticsError(f"HLE band {band!r}: give a percentage between 0 and 100") from None
        if not (math.isfinite(value) and 0 <= value <= 100):
            raise AnalyticsError(f"HLE band {band!r}: give a percentage between 0 and 100")
        values.append(value)
    return sorted(set(values))


def capability_price_history_data(
    registry: Registry,
    bands: Iterable[float | str] | None = None,
    ratio: str | tuple[float, float] = "3:1",
    condition: str = "best",
    reporters: str | Iterable[str] | None = None,
    pick: str = "best",
    subset: str = "any",
    currency: str = "USD",
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The step series (one row each time a band's cheapest model or price changes) and the models left out.

    Only scores published on or before ``on`` count, and no disputed figure. Worked example (bundled data, as of
    2026-01-28, 3:1, best score of any reporter), band HLE ≥ 45 %: Gemini 3 Pro (45.8, from 2025-11-18) at
    (3 × 2.00 + 1 × 12.00) / 4 = $4.50; Qwen3-Max-Thinking (49.8, 2026-01-23) at (3 × 1.20 + 6.00) / 4 = $2.40;
    Kimi K2.5 (51.8 text-only, 2026-01-27) at (3 × 0.60 + 3.00) / 4 = $1.20.
    """
    pair = parse_ratio(ratio) if isinstance(ratio, str) else (float(ratio[0]), float(ratio[1]))
    day = day_or_today(on)
    scores = select_scores(registry, condition, reporters, pick, subset, on=day)
    candidates, left_out = _candidates(registry, scores[scores["status"] == "ok"], day)

    def price(model_id: str, event: dt.date) -> float | None:
        return blended_price(registry, model_id, pair, None, 0.0, region=region, service_tier=service_tier,
                             on=event, currency=currency).blended_per_mtok

    events = sorted({d for _, changes in candidates for d in changes})
    rows = [{**row, "currency": currency} for band in _bands(bands)
            for row in _band_steps(registry, band, candidates, events, price)]
    for row, changes in candidates:
        if all(price(row.model, d) is None for d in changes):
            left_out.append(f"{row.name} (no {region}/{service_tier} price)")
    return pd.DataFrame(rows, columns=COLUMNS), sorted(set(left_out))


def _candidates(registry: Registry, scored: pd.DataFrame, day: dt.date) -> tuple[list[tuple[Any, list[dt.date]]],
                                                                                  list[str]]:
    """The scored models released by ``day``, each with every day its price may change (its release and each
    schedule boundary up to ``day``); and those left out for want of a release date."""
    left_out: list[str] = []
    candidates = []
    for row in scored.itertuples(index=False):
        model = registry.model(row.model)
        if model.released is None:
            left_out.append(f"{row.name} (no release date)")
            continue
        if model.released > day:
            continue
        changes = {model.released}
        for schedule in model.prices:
            changes.update(d for d in (schedule.effective_from, schedule.effective_to)
                           if d is not None and model.released <= d <= day)
        candidates.append((row, sorted(changes)))
    return candidates, left_out


def _band_steps(registry: Registry, band: float, candidates: list[tuple[Any, list[dt.date]]],
                events: list[dt.date], price: Callable[[str, dt.date], float | None]) -> list[dict[str, Any]]:
    """One band's series: a row each time the cheapest qualifying model, or its price, changes."""
    qualifying = [(row, changes) for row, changes in candidates if row.score >= band]
    rows = []
    current: tuple | None = None
    for event in events:
        best = None
        for row, changes in qualifying:
            if changes[0] > event:
                continue
            value = price(row.model, event)
            if value is not None and (best is None or value < best[1]):
                best = (row, value)
        if best is None or (best[0].model, best[1]) == current:
            continue
        row, value = best
        kind = "release" if registry.model(row.model).released == event else "price change"
        rows.append({"band": band, "date": event, "model": row.model, "name": row.name, "country": row.country,
                     "score": float(row.score), "condition": row.condition, "reporter": row.reporter,
                     "blended_per_mtok": value, "event": kind})
        current = (row.model, value)
    return rows
