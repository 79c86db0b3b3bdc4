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
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from analytics.core.history import capability_price_history_data, day_or_today
from analytics.core.pricing import parse_ratio
from analytics.core.registry import Registry
from analytics.core.scores import CONDITION_LABELS, CONDITIONS

from .base import Provenance, finish
from .spec import CURRENCY, PICK, RATIO, REGION, REPORTERS, SERVICE_TIER, SUBSET, ChartOption, ChartSpec

BAND_COLORS = ("#9ecae1", "#4292c6", "#08519c", "#08306b", "#6baed6", "#2171b5")


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
