"""Blended price per 1M tokens at an input:output ratio, and the blend formula worked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.core.catalog import blended_table
from analytics.core.errors import AnalyticsError
from analytics.core.pricing import blended_price, tier_index, tier_label
from analytics.core.registry import Registry
from analytics.formatting import PRICE_DIGITS, money

from .base import (
    Provenance,
    country_color,
    esc,
    finish,
    money_symbol,
    not_plotted,
    where_note,
)
from .spec import (
    CACHE_HIT,
    CURRENCY,
    ON,
    PROMPT,
    RATIO,
    REGION,
    SERVICE_TIER,
    ChartSpec,
    parse_day,
    parse_prompt,
    parse_ratio_option,
)

# -- blended prices ----------------------------------------------------------------------------------------------------

def blended_prices_data(
    registry: Registry,
    ratio: str | tuple[float, float] = "3:1",
    cache_hit: float = 0.0,
    prompt: float | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
) -> pd.DataFrame:
    """Blended price per model at ``ratio`` with the change against the 3:1 convention (same cache and prompt)."""
    pair, _ = parse_ratio_option(ratio)
    day = parse_day(on)
    kwargs = {"region": region, "service_tier": service_tier, "on": day, "currency": currency}
    table = blended_table(registry, pair, parse_prompt(prompt), cache_hit, **kwargs)
    base = blended_table(registry, (3, 1), parse_prompt(prompt), cache_hit, **kwargs)
    table = table.merge(base[["model", "blended_per_mtok"]].rename(columns={"blended_per_mtok": "blended_3to1"}),
                        on="model", how="left")
    table["change_vs_3to1"] = table["blended_per_mtok"] - table["blended_3to1"]
    table["change_pct"] = table["change_vs_3to1"] / table["blended_3to1"] * 100
    table["tier_label"] = [_tier_label(registry, m, parse_prompt(prompt), region, service_tier, day) if ok == "ok"
                           else None for m, ok in zip(table["model"], table["status"], strict=True)]
    return table


def _tier_label(registry: Registry, model: str, prompt: int | None, region: str, service_tier: str,
                on: dt.date | None) -> str | None:
    """Which prompts the applied tier covers ("all", "≤ 32,768", "> 200,000"), for the table."""
    try:
        schedule = registry.schedule(model, region, service_tier, on)
    except AnalyticsError:
        return None
    return tier_label(schedule, int(tier_index(schedule, prompt or 0)))


def blended_prices(
    registry: Registry,
    ratio: str | tuple[float, float] = "3:1",
    cache_hit: float = 0.0,
    prompt: float | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
) -> tuple[go.Figure, pd.DataFrame]:
    """Blended price per 1M tokens per model, sorted, coloured by country."""
    _, ratio_label = parse_ratio_option(ratio)
    data = blended_prices_data(registry, ratio, cache_hit, prompt, currency, on, region, service_tier)
    shown = data[data["blended_per_mtok"].notna()].sort_values("blended_per_mtok", ascending=False)
    symbol = money_symbol(currency)
    fig = go.Figure(go.Bar(
        x=shown["blended_per_mtok"], y=shown["name"].map(esc), orientation="h",
        marker={"color": [country_color(c) for c in shown["country"]]},
        text=shown["blended_per_mtok"].map(lambda v: money(v, currency, 2)),
        textposition="outside", cliponaxis=False,
        customdata=np.stack([shown["input_per_mtok"], shown["output_per_mtok"], shown["change_pct"].fillna(0)],
                            axis=-1) if not shown.empty else None,
        hovertemplate=(f"<b>%{{y}}</b><br>blended {symbol}%{{x:.3f}} / 1M<br>input {symbol}%{{customdata[0]:.3f}}"
                       f" · output {symbol}%{{customdata[1]:.3f}}<br>vs 3:1: %{{customdata[2]:+.0f}}%<extra></extra>"),
        showlegend=False,
    ))
    top = shown["blended_per_mtok"].max() if not shown.empty else 1.0
    fig.update_xaxes(title_text=f"Blended price, {currency} per 1M tokens ({ratio_label} input:output)",
                     tickprefix=symbol, range=[0, top * 1.18])
    fig.update_yaxes(title_text=None)
    prompt_tokens = parse_prompt(prompt)
    settings = {"blend": ratio_label, "prompt": "first tier" if prompt_tokens is None else f"{prompt_tokens:,}"}
    settings.update(where_note(region, service_tier))
    if cache_hit:
        settings["cache hit"] = f"{cache_hit:.0%}"
    missing = data[data["blended_per_mtok"].isna()]
    if not missing.empty:
        settings["not plotted"] = not_plotted(missing)
    prov = Provenance("Blended price = (a × input + b × output) / (a + b) per 1M tokens", registry.as_of(), settings,
                      overlay=registry.overlay_label())
    finish(fig, f"Blended price per 1M tokens at {ratio_label}", prov, height=max(380, 26 * len(shown) + 220))
    fig.update_layout(margin={"l": 150})
    return fig, data


# -- the blend formula, as text (LaTeX needs MathJax from a CDN: not offline) ------------------------------------------

def blend_formula(ratio: str | tuple[float, float] = "3:1", cache_hit: float = 0.0) -> str:
    """The blended-price formula with the current settings filled in, as plain text for a code block."""
    (a, b), label = parse_ratio_option(ratio)
    lines = [
        "blended = (a × input_eff + b × output) / (a + b)          per 1M tokens",
        "input_eff = (1 − h) × input + h × cache_read              h = cache-hit share",
        f"now: a:b = {label}, h = {cache_hit:.0%}",
    ]
    return "\n".join(lines)


def blend_worked_example(
    registry: Registry,
    model: str,
    ratio: str | tuple[float, float] = "3:1",
    cache_hit: float = 0.0,
    prompt: float | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
) -> str:
    """One model's blended price worked by hand: "Kimi K2.5: (3 × $0.600 + 1 × $3.000) / 4 = $1.200 / 1M"
    (``blended_price`` computes it; this only writes the sum out)."""
    (a, b), _ = parse_ratio_option(ratio)
    result = blended_price(registry, model, (a, b), parse_prompt(prompt), cache_hit, region=region,
                           service_tier=service_tier, on=parse_day(on), currency=currency)
    name = registry.model(model).name
    if result.blended_per_mtok is None:
        return f"{name}: {result.status}"

    def m(value: float) -> str:
        return money(value, currency, PRICE_DIGITS)

    inp, out = result.input_per_mtok, result.output_per_mtok
    if cache_hit:
        read = result.cache_read_per_mtok if result.cache_read_per_mtok is not None else inp
        effective = (1 - cache_hit) * inp + cache_hit * read
        first = (f"{name}: input_eff = {1 - cache_hit:g} × {m(inp)} + {cache_hit:g} × {m(read)} = {m(effective)}\n"
                 f"{' ' * len(name)}  ")
    else:
        effective, first = inp, f"{name}: "
    return f"{first}({a:g} × {m(effective)} + {b:g} × {m(out)}) / {a + b:g} = {m(result.blended_per_mtok)} / 1M"


CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("blended-prices", "Blended prices",
              "Blended price per 1M tokens at an input:output ratio, sorted, with the change against 3:1",
              blended_prices, (RATIO, CACHE_HIT, PROMPT, CURRENCY, ON, REGION, SERVICE_TIER)),
)
