"""The cost of one request against prompt length: the cliffs where a tier re-prices the whole request, and
where each model's window ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.core.clock import today
from analytics.core.presets import headline_models
from analytics.core.registry import Registry
from analytics.core.tiers import cost_curves, window_ends
from analytics.formatting import tokens

from .base import (
    Provenance,
    esc,
    finish,
    log_ticks,
    model_shades,
    money_symbol,
    not_plotted,
    where_note,
)
from .spec import (
    CACHE_HIT,
    CURRENCY,
    ON,
    REGION,
    SERVICE_TIER,
    ChartOption,
    ChartSpec,
    parse_day,
)

# -- context tiers ----------------------------------------------------------------------------------------------------

def context_tiers(
    registry: Registry,
    output_tokens: float = 1_000,
    cache_hit: float = 0.0,
    models: Iterable[str] | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
    y_scale: str = "log",
) -> tuple[go.Figure, pd.DataFrame]:
    """The cost of one request against prompt length (1K → window), as step lines: each cliff where a tier
    re-prices the whole request, and an end marker where each model's window ends."""
    day = parse_day(on) or today()
    models = list(models) if models else headline_models(registry, day)
    curves = cost_curves(registry, models, float(output_tokens), cache_hit, region=region,
                         service_tier=service_tier, on=day, currency=currency)
    ends = window_ends(registry, models, float(output_tokens), cache_hit, region=region,
                       service_tier=service_tier, on=day, currency=currency)
    symbol = money_symbol(currency)
    fig = go.Figure()
    _draw_curves(fig, curves, ends, symbol)
    fig.update_xaxes(type="log", title_text="Prompt tokens (input + cached), log scale",
                     tickvals=[1e3, 1e4, 3.2768e4, 1e5, 2e5, 1e6],
                     ticktext=["1K", "10K", "32K", "100K", "200K", "1M"])
    fig.update_yaxes(type="log" if y_scale == "log" else "linear",
                     title_text=f"Cost of one request ({currency}{', log scale' if y_scale == 'log' else ''})",
                     tickprefix=symbol)
    if y_scale == "log" and not curves.empty:
        ticks = log_ticks(curves["cost"].min(), curves["cost"].max())
        fig.update_yaxes(tickvals=ticks, ticktext=[f"{symbol}{v:g}" for v in ticks])
    fig.update_layout(legend={"orientation": "v", "yanchor": "top", "y": 1.0, "xanchor": "left", "x": 1.01},
                      margin={"r": 170})
    missing = ends[ends["status"] != "ok"]
    settings = {"output tokens": f"{float(output_tokens):,.0f}", **where_note(region, service_tier)}
    if cache_hit:
        settings["cache hit"] = f"{cache_hit:.0%}"
    if not missing.empty:
        settings["not plotted"] = not_plotted(missing)
    prov = Provenance("Cost of one request against its prompt; vertical ticks: where each window ends",
                      registry.as_of(), settings, overlay=registry.overlay_label())
    finish(fig, f"Cost of one request by prompt length ({float(output_tokens):,.0f} output tokens)", prov,
           height=560)
    fig.update_layout(margin={"r": 170, "t": 90})
    return fig, curves


def _draw_curves(fig: go.Figure, curves: pd.DataFrame, ends: pd.DataFrame, symbol: str) -> None:
    """One step line per model (a shade of its country's colour) and a tick where its window ends."""
    styles = model_shades(curves) if not curves.empty else {}
    window = dict(zip(ends["model"], ends["max_prompt_tokens"], strict=True))
    for model_id, curve in curves.groupby("model", sort=False):
        colour, dash = styles[model_id]
        name = esc(curve["name"].iloc[0])
        fig.add_trace(go.Scatter(
            x=curve["prompt_tokens"], y=curve["cost"], mode="lines", name=f"{name} · ends {tokens(window[model_id])}",
            legendgroup=model_id,
            line={"color": colour, "dash": dash, "width": 2.2},
            customdata=np.stack([curve["tier_index"] + 1], axis=-1),
            hovertemplate=(f"<b>{name}</b><br>prompt %{{x:,}} tokens (tier %{{customdata[0]}})<br>"
                           f"cost {symbol}%{{y:.4f}} per request<extra></extra>"),
        ))
    plotted_ends = ends[ends["status"] == "ok"]
    for row in plotted_ends.itertuples(index=False):
        colour, _ = styles.get(row.model, ("#7f7f7f", "solid"))
        fig.add_trace(go.Scatter(
            x=[row.max_prompt_tokens], y=[row.cost_at_end], mode="markers", legendgroup=row.model, showlegend=False,
            marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": colour}},
            hovertemplate=(f"<b>{esc(row.name)}</b>: window ends at {row.max_prompt_tokens:,} prompt tokens<br>"
                           f"cost {symbol}{row.cost_at_end:.4f}<extra></extra>"),
        ))


CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("context-tiers", "Cost by prompt length",
              "Cost of one request from a 1K prompt to each model's window: tier cliffs and window ends",
              context_tiers,
              (ChartOption("output_tokens", "output tokens per request", 1000), CACHE_HIT,
               ChartOption("models", "model ids (default: the seed report's models and DeepSeek V3.2)", None,
                           multiple=True), CURRENCY, ON, REGION,
               SERVICE_TIER, ChartOption("y_scale", "log or linear cost axis", "log", ("log", "linear")))),
)
