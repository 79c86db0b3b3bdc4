"""The chart of the price of capability over time (its data: ``analytics.core.history``): the cheapest blended
price that reaches each HLE band, by date.

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

from analytics.core.history import capability_price_history_data, day_or_today
from analytics.core.pricing import parse_ratio
from analytics.core.registry import Registry
from analytics.core.scores import CONDITION_LABELS, CONDITIONS
from analytics.formatting import money

from .base import Provenance, finish, log_ticks, money_ticks
from .spec import CURRENCY, PICK, RATIO, REGION, REPORTERS, SERVICE_TIER, SUBSET, ChartOption, ChartSpec

BAND_COLORS = ("#9ecae1", "#4292c6", "#08519c", "#08306b", "#6baed6", "#2171b5")
BAND_TEXT_COLORS = ("#3f7fb5", "#2b6ca3", "#08519c", "#08306b", "#3a78b0", "#2171b5")
"""The bands' names in a darker shade of their line: the lightest blue is unreadable as text on white."""
NEAR_DAYS = 45
"""Two points of one model closer than this (and within 10% in price) carry its name once."""


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
    day = day_or_today(on)
    data, left_out = capability_price_history_data(registry, bands, ratio, condition, reporters, pick, subset,
                                                   currency, region, service_tier, day)
    fig = go.Figure()
    bands_drawn = sorted(data["band"].unique()) if not data.empty else []
    labelled: list[tuple] = []
    start = min([*data["date"], day]) if not data.empty else day
    span = max((day - start).days, 1)
    for i, band in enumerate(bands_drawn):
        group = data[data["band"] == band]
        colour = BAND_COLORS[i % len(BAND_COLORS)]
        # bands that share their cheapest model share a line: the lower band is drawn wider underneath, so each
        # stays visible as a stripe instead of hiding the other
        width = max(2.0, 2.2 + 2.6 * (len(bands_drawn) - 1 - i))
        xs = [*group["date"], day]
        ys = [*group["blended_per_mtok"], group["blended_per_mtok"].iloc[-1]]
        labels = [html.escape(str(n), quote=False) for n in group["name"]]
        # a model's name is written once where its points (in any band) are near one another: the same model a
        # few weeks apart at a similar price would print two names on top of each other
        shown = []
        for label, d, p in zip(labels, group["date"], group["blended_per_mtok"], strict=True):
            near = any(name == label and abs((d - other).days) <= NEAR_DAYS and abs(math.log(p / price)) < 0.1
                       for name, other, price in labelled)
            shown.append("" if near else label)
            labelled.append((label, d, float(p)))
        # names near the right end are written leftwards, so that they stay inside the figure
        positions = ["top left" if (d - start).days > 0.7 * span else "top center" for d in group["date"]]
        hover = [
            f"<b>{label}</b> ({html.escape(str(c), quote=False)})<br>HLE {s:g}% ({html.escape(str(cond))}, "
            f"{html.escape(str(rep), quote=False)})<br>{money(p, currency)} / 1M blended · {ev} {d:%Y-%m-%d}"
            for label, c, s, cond, rep, p, ev, d in zip(labels, group["country"], group["score"],
                                                       group["condition"], group["reporter"],
                                                       group["blended_per_mtok"], group["event"], group["date"],
                                                       strict=True)
        ]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", line={"shape": "hv", "color": colour, "width": width},
            name=f"HLE ≥ {band:g}%", legendgroup=str(band), hoverinfo="skip",
        ))
        fig.add_trace(go.Scatter(
            x=list(group["date"]), y=list(group["blended_per_mtok"]), mode="markers+text", text=shown,
            textposition=positions, textfont={"size": 11, "color": BAND_TEXT_COLORS[i % len(BAND_TEXT_COLORS)]},
            cliponaxis=False,
            marker={"size": 9, "color": colour, "line": {"color": "white", "width": 1}},
            name=f"HLE ≥ {band:g}%", legendgroup=str(band), showlegend=False,
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        ))
    fig.update_xaxes(title_text="Release or price change", type="date")
    fig.update_yaxes(title_text=f"Cheapest blended price, {currency} / 1M tokens (log)", type="log")
    if not data.empty:
        low, high = float(data["blended_per_mtok"].min()), float(data["blended_per_mtok"].max())
        bottom, top = math.log10(low) - 0.15, math.log10(high) + 0.25
        ticks = [t for t in log_ticks(10 ** bottom, 10 ** top) if bottom <= math.log10(t) <= top]
        fig.update_yaxes(tickvals=ticks, ticktext=money_ticks(ticks, currency), range=[bottom, top])
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
                      settings, overlay=registry.overlay_label())
    finish(fig, title, prov, height=520)
    return fig, data


CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "capability-price-history", "Capability over time",
        "Cheapest blended price reaching each HLE band, by release date (step lines, log price)",
        capability_price_history,
        (
            ChartOption("bands", "HLE thresholds in percent (repeatable; default 40 45 50)", None, multiple=True),
            RATIO,
            ChartOption("condition", "tools, no-tools or best available", "best", CONDITIONS),
            REPORTERS,
            PICK,
            SUBSET,
            CURRENCY,
            REGION,
            SERVICE_TIER,
            ChartOption("on", "draw up to this date (YYYY-MM-DD; default today)", None),
        ),
    ),
)
