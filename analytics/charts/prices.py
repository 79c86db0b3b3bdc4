"""Price history: each model's first-tier price over time, one step per price schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from analytics.core.errors import AnalyticsError
from analytics.core.presets import headline_models
from analytics.core.pricing import TierRates, tier_label
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


def price_history_data(
    registry: Registry,
    models: Iterable[str] | None = None,
    currency: str = "USD",
    region: str = "global",
    service_tier: str = "standard",
    on: dt.date | str | None = None,
) -> pd.DataFrame:
    """Every schedule of every model (or ``models``) in ``region``/``service_tier``: its first-tier prices and the
    period it was in force (``effective_to`` null: still in force; drawn up to ``on``). ``changes`` counts the
    schedules the model has there: more than one means a price history."""
    ids = [registry.resolve_id(m) for m in models] if models else registry.model_ids()
    rows = []
    for model_id in ids:
        entry = registry.entry(model_id)
        schedules = [s for s in entry.model.prices if s.region == region and s.service_tier == service_tier]
        for schedule in sorted(schedules, key=lambda s: s.effective_from or dt.date.min):
            rates = TierRates.of(schedule.tiers[0])
            factor = registry.convert(1.0, schedule.currency, currency)
            rows.append({
                "model": entry.model.id, "name": entry.model.name, "provider": entry.provider.name,
                "country": entry.provider.country, "region": region, "service_tier": service_tier,
                "effective_from": schedule.effective_from or entry.model.released,
                "effective_to": schedule.effective_to, "input_per_mtok": rates.input * factor,
                "output_per_mtok": rates.output * factor, "currency": currency, "source": schedule.source,
                "checked_on": schedule.checked_on, "changes": len(schedules),
                "tiers": _tiers_text(schedule, factor),
            })
    columns = ["model", "name", "provider", "country", "region", "service_tier", "effective_from", "effective_to",
               "input_per_mtok", "output_per_mtok", "currency", "source", "checked_on", "changes", "tiers"]
    return pd.DataFrame(rows, columns=columns)


def _tiers_text(schedule, factor: float) -> str:
    """Every tier of a schedule in one cell: "≤ 200,000: 3 / 15 · > 200,000: 6 / 22.5" (input / output)."""
    def rate(value: float | None) -> str:
        return "unknown" if value is None else f"{value * factor:g}"

    return " · ".join(f"{tier_label(schedule, i)}: {rate(t.input_mtok)} / {rate(t.output_mtok)}"
                      for i, t in enumerate(schedule.tiers))


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
    day = parse_day(on) or dt.date.today()
    data = price_history_data(registry, models, currency, region, service_tier, day)
    if not models:
        # by default, the models whose price has changed (a flat line per model says little); else the headline set
        changed_ids = data.loc[data["changes"] > 1, "model"].unique().tolist()
        keep = changed_ids or [m for m in headline_models(registry) if m in set(data["model"])]
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
    changed = sorted(set(data.loc[data["changes"] > 1, "name"]))
    settings = {"region": region, "service tier": service_tier, "price": price,
                "changed": ", ".join(map(esc, changed)) if changed else "no price change recorded yet"}
    prov = Provenance("First-tier price per schedule, over the period it was in force", registry.as_of(), settings)
    finish(fig, f"{price.capitalize()} price history ({region}, {service_tier}, first tier)", prov, height=480)
    return fig, data


CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("price-history", "Price history",
              "First-tier input or output price of each model over time, one step per price schedule",
              price_history,
              (ChartOption("price", "input or output", "input", PRICE_KINDS),
               ChartOption("models", "model ids (default: those whose price changed)", None, multiple=True),
               CURRENCY, REGION,
               SERVICE_TIER, ON)),
)
