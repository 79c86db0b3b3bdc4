"""Price history: each model's first-tier price over time, one step per price schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from analytics.core.catalog import drawn_price_changes, price_history_data
from analytics.core.clock import today
from analytics.core.errors import AnalyticsError
from analytics.core.presets import headline_models
from analytics.core.registry import Registry

from .base import (
    Provenance,
    esc,
    finish,
    model_shades,
    money_symbol,
)
from .spec import (
    CURRENCY,
    ON,
    REGION,
    SERVICE_TIER,
    ChartOption,
    ChartSpec,
    parse_day,
)

# -- price history -----------------------------------------------------------------------------------------------------

PRICE_KINDS = ("input", "output")


def price_history(
    registry: Registry,
    price: str = "input",
    models: Iterable[str] | None = None,
    currency: str = "USD",
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | str | None = None,
) -> tuple[go.Figure, pd.DataFrame]:
    """First-tier price over time per model, as steps: one segment per schedule, a jump at each change."""
    if price not in PRICE_KINDS:
        raise AnalyticsError(f"price {price!r}: use one of {', '.join(PRICE_KINDS)}")
    day = parse_day(on) or today()
    data = price_history_data(registry, models, currency, region, service_tier, day)
    if not models:
        # by default, the models whose drawn price has changed (a flat line says little); else the headline set
        changed_ids = drawn_price_changes(data, price)
        keep = changed_ids or [m for m in headline_models(registry, day) if m in set(data["model"])]
        data = data[data["model"].isin(keep)].reset_index(drop=True)
    column = f"{price}_per_mtok"
    symbol = money_symbol(currency)
    fig = go.Figure()
    styles = model_shades(data) if not data.empty else {}
    for model_id, group in data.groupby("model", sort=False):
        colour, dash = styles[model_id]
        xs, ys = [], []
        for row in group.itertuples(index=False):
            start = row.effective_from
            if start is None:
                continue
            end = row.effective_to or max(day, start)
            xs.extend([start, end, None])
            ys.extend([getattr(row, column), getattr(row, column), None])
        name = esc(group["name"].iloc[0])
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=name, line={"color": colour, "dash": dash, "width": 2.5},
            marker={"size": 7}, connectgaps=False,
            hovertemplate=f"<b>{name}</b><br>%{{x|%Y-%m-%d}}: {symbol}%{{y:.3f}} / 1M<extra></extra>",
        ))
    fig.update_layout(showlegend=True)  # even for one model: the legend names it
    fig.update_xaxes(title_text=None, type="date")
    fig.update_yaxes(title_text=f"{price.capitalize()}, {currency} / 1M tokens",
                     tickprefix=symbol, rangemode="tozero")
    changed_ids = set(drawn_price_changes(data, price))
    changed = sorted(set(data.loc[data["model"].isin(changed_ids), "name"]))
    settings = {"region": region, "service tier": service_tier, "price": price,
                "changed": ", ".join(map(esc, changed)) if changed else "no price change recorded yet"}
    prov = Provenance("First-tier price per schedule, over the period it was in force", registry.as_of(), settings,
                      overlay=registry.overlay_label())
    finish(fig, f"{price.capitalize()} price history ({region}, {service_tier}, first tier)", prov, height=480)
    return fig, data


CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("price-history", "Price history",
              "First-tier input or output price of each model over time, one step per price schedule",
              price_history,
              (ChartOption("price", "input or output", "input", PRICE_KINDS),
               ChartOption("models", "model ids (default: those whose drawn price changed)", None, multiple=True),
               CURRENCY, REGION,
               SERVICE_TIER, ON)),
)
