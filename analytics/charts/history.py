"""The price of capability over time: the cheapest blended price that reaches each HLE band, by date.

The seed report forecasts falling inference prices; this shows it with the registry's data. For a band
"HLE ≥ T %" and each day, the cheapest model *released by that day* whose chosen HLE score is at least T, at the
blended price *in force on that day*. The series steps at every release and every price change of a qualifying
model. Which score counts (condition, reporters, pick, subset) is the same explicit policy as the cost-vs-HLE
chart (``analytics.scores``); a model with no release date or no price that day cannot be placed and is listed.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from analytics.core.errors import AnalyticsError
from .base import ChartOption, ChartSpec, Provenance, finish
from analytics.core.pricing import blended_price, parse_ratio
from analytics.core.registry import Registry
from analytics.core.scores import CONDITION_LABELS, CONDITIONS, PICKS, REPORTER_KINDS, SUBSETS, select_scores

DEFAULT_BANDS = (40.0, 45.0, 50.0)
"""HLE thresholds (percent) drawn by default: with the bundled data each gives a distinct line."""
BAND_COLORS = ("#9ecae1", "#4292c6", "#08519c", "#08306b", "#6baed6", "#2171b5")
COLUMNS = ["band", "date", "model", "name", "country", "score", "condition", "reporter", "blended_per_mtok",
           "currency", "event"]


def _day(on: dt.date | str | None) -> dt.date:
    if on is None or on == "":
        return dt.date.today()
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

    Worked example (bundled data, 3:1, best score of any reporter), band HLE ≥ 45 %: Gemini 3 Pro (45.8, from
    2025-11-18) at (3 × 2.00 + 1 × 12.00) / 4 = $4.50; Qwen3-Max-Thinking (58.3, 2026-01-23) at
    (3 × 1.20 + 6.00) / 4 = $2.40; Kimi K2.5 (51.8 text-only, 2026-01-27) at (3 × 0.60 + 3.00) / 4 = $1.20.
    """
    pair = parse_ratio(ratio) if isinstance(ratio, str) else (float(ratio[0]), float(ratio[1]))
    day = _day(on)
    levels = _bands(bands)
    scores = select_scores(registry, condition, reporters, pick, subset)
    scored = scores[scores["status"] == "ok"]
    left_out: list[str] = []
    candidates = []
    for row in scored.itertuples(index=False):
        model = registry.model(row.model)
        if model.released is None:
            left_out.append(f"{row.name} (no release date)")
            continue
        if model.released > day:
            continue
        # Every day its price may change: its release and each schedule boundary up to ``day``.
        changes = {model.released}
        for schedule in model.prices:
            changes.update(d for d in (schedule.effective_from, schedule.effective_to)
                           if d is not None and model.released <= d <= day)
        candidates.append((row, sorted(changes)))
    events = sorted({d for _, changes in candidates for d in changes})
    rows = []
    for band in levels:
        qualifying = [(row, changes) for row, changes in candidates if row.score >= band]
        current: tuple | None = None
        for event in events:
            best = None
            for row, changes in qualifying:
                if changes[0] > event:
                    continue
                price = blended_price(registry, row.model, pair, None, 0.0, region=region,
                                      service_tier=service_tier, on=event, currency=currency).blended_per_mtok
                if price is None:
                    continue
                if best is None or price < best[1]:
                    best = (row, price)
            if best is None:
                continue
            key = (best[0].model, best[1])
            if key == current:
                continue
            row, price = best
            kind = "release" if registry.model(row.model).released == event else "price change"
            rows.append({"band": band, "date": event, "model": row.model, "name": row.name,
                         "country": row.country, "score": float(row.score), "condition": row.condition,
                         "reporter": row.reporter, "blended_per_mtok": price, "currency": currency,
                         "event": kind})
            current = key
    for row, changes in candidates:
        if all(blended_price(registry, row.model, pair, None, 0.0, region=region, service_tier=service_tier,
                             on=d, currency=currency).blended_per_mtok is None for d in changes):
            left_out.append(f"{row.name} (no {region}/{service_tier} price)")
    return pd.DataFrame(rows, columns=COLUMNS), sorted(set(left_out))


def capability_price_history(
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
) -> tuple[go.Figure, pd.DataFrame]:
    """One step line per HLE band (log price axis), a marker and label at every change, extended to ``on``."""
    day = _day(on)
    data, left_out = capability_price_history_data(registry, bands, ratio, condition, reporters, pick, subset,
                                                   currency, region, service_tier, day)
    fig = go.Figure()
    for i, (band, group) in enumerate(data.groupby("band", sort=True)):
        colour = BAND_COLORS[i % len(BAND_COLORS)]
        xs = [*group["date"], day]
        ys = [*group["blended_per_mtok"], group["blended_per_mtok"].iloc[-1]]
        labels = [html.escape(str(n), quote=False) for n in group["name"]]
        hover = [
            f"<b>{label}</b> ({html.escape(str(c), quote=False)})<br>HLE {s:g}% ({html.escape(str(cond))}, "
            f"{html.escape(str(rep), quote=False)})<br>{currency} {p:.3f} / 1M blended · {ev} {d:%Y-%m-%d}"
            for label, c, s, cond, rep, p, ev, d in zip(labels, group["country"], group["score"],
                                                       group["condition"], group["reporter"],
                                                       group["blended_per_mtok"], group["event"], group["date"],
                                                       strict=True)
        ]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", line={"shape": "hv", "color": colour, "width": 3},
            name=f"HLE ≥ {band:g}%", legendgroup=str(band), hoverinfo="skip",
        ))
        fig.add_trace(go.Scatter(
            x=list(group["date"]), y=list(group["blended_per_mtok"]), mode="markers+text", text=labels,
            textposition="top right", textfont={"size": 11, "color": colour},
            marker={"size": 10, "color": colour, "line": {"color": "white", "width": 1}},
            name=f"HLE ≥ {band:g}%", legendgroup=str(band), showlegend=False,
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        ))
    fig.update_xaxes(title_text="Release or price change", type="date")
    fig.update_yaxes(title_text=f"Cheapest blended price, {currency} / 1M tokens (log)", type="log")
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0})
    pair = parse_ratio(ratio) if isinstance(ratio, str) else ratio
    settings = {
        "blend": f"{pair[0]:g}:{pair[1]:g} input:output", "HLE": f"{CONDITION_LABELS.get(condition, condition)}, "
        f"pick {pick}, subset {subset}", "region": region, "service tier": service_tier,
        "prices on": "each day's schedule", "until": day.isoformat(),
    }
    if left_out:
        settings["not placed"] = ", ".join(html.escape(x, quote=False) for x in left_out)
    title = "The price of capability: cheapest blended price reaching each HLE band"
    if data.empty:
        fig.add_annotation(text="No model reaches these HLE bands with a release date and a price",
                           xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False)
    prov = Provenance("Per band, the cheapest model released so far whose HLE score reaches it", registry.as_of(),
                      settings)
    finish(fig, title, prov, height=520)
    return fig, data


CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "capability-price-history", "Capability over time",
        "Cheapest blended price reaching each HLE band, by release date (step lines, log price)",
        capability_price_history,
        (
            ChartOption("bands", "HLE thresholds in percent (repeatable; default 40 45 50)", None, multiple=True),
            ChartOption("ratio", "input:output token ratio, e.g. 3:1", "3:1"),
            ChartOption("condition", "tools, no-tools or best available", "best", CONDITIONS),
            ChartOption("reporters", "reporter kinds that count", "any", (*REPORTER_KINDS, "any"), multiple=True),
            ChartOption("pick", "which of several eligible scores: best or latest", "best", PICKS),
            ChartOption("subset", "HLE subset: any, full or text-only", "any", SUBSETS),
            ChartOption("currency", "display currency (converted with data/fx.yaml)", "USD"),
            ChartOption("region", "price region", "global"),
            ChartOption("service_tier", "service tier", "standard", ("standard", "batch", "flex", "priority")),
            ChartOption("on", "draw up to this date (YYYY-MM-DD; default today)", None),
        ),
    ),
)
