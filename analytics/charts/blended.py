"""Blended price per 1M tokens at an input:output ratio, and the blend formula worked by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.core.catalog import blended_table
from analytics.core.errors import AnalyticsError
from analytics.core.pricing import blended_price, tier_index, tier_label
from analytics.core.registry import Registry
from analytics.formatting import PRICE_DIGITS, money, tokens

from .base import (
    COUNTRY_NAMES,
    Provenance,
    country_color,
    esc,
    finish,
    log_ticks,
    money_symbol,
    money_ticks,
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
    ChartOption,
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


AXIS_SCALES = ("linear", "log")
CLIP_FACTOR = 2.0
"""On the linear axis, bars more than twice the 90th percentile are cut at 1.2 × that percentile (their value written
at the cut): two "pro" models at $60 would otherwise leave the other bars as slivers."""


def clip_at(values: pd.Series) -> float | None:
    """Where the linear axis is cut, or None when no bar stands out. Worked example: 73 prices whose 90th percentile
    is $20 and whose top is $67.50 > 2 × $20 → the axis ends at 1.2 × $20 = $24 and the four dearer bars are cut."""
    finite = values.dropna()
    if len(finite) < 5:
        return None
    high = float(np.percentile(finite, 90))
    if high <= 0 or finite.max() <= CLIP_FACTOR * high:
        return None
    return 1.2 * high


def blended_title(ratio_label: str, cache_hit: float, prompt_tokens: int | None) -> str:
    """"Blended price per 1M tokens at 3:1, 0% cache hits" (+ ", 250K-token prompt" when a prompt picks the tier)."""
    title = f"Blended price per 1M tokens at {ratio_label}, {cache_hit:.0%} cache hits"
    return title if prompt_tokens is None else f"{title}, {tokens(prompt_tokens)}-token prompt"


def blended_prices(
    registry: Registry,
    ratio: str | tuple[float, float] = "3:1",
    cache_hit: float = 0.0,
    prompt: float | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
    x_scale: str = "linear",
) -> tuple[go.Figure, pd.DataFrame]:
    """Blended price per 1M tokens per model, sorted, coloured by country (with a legend for the colours). On the
    linear axis outlying bars are cut with their value written (``clip_at``); ``x_scale="log"`` shows them whole."""
    if x_scale not in AXIS_SCALES:
        raise AnalyticsError(f"price axis {x_scale!r}: use linear or log")
    _, ratio_label = parse_ratio_option(ratio)
    data = blended_prices_data(registry, ratio, cache_hit, prompt, currency, on, region, service_tier)
    shown = data[data["blended_per_mtok"].notna()].sort_values("blended_per_mtok", ascending=False)
    symbol = money_symbol(currency)
    values = shown["blended_per_mtok"]
    cut = clip_at(values) if x_scale == "linear" else None
    clipped = values > cut if cut is not None else pd.Series(False, index=values.index)

    def label(value: float, is_cut: bool) -> str:
        return f"{money(value, currency, 2)} ▸" if is_cut else money(value, currency, 2)

    fig = go.Figure(go.Bar(
        x=values.clip(upper=cut) if cut is not None else values, y=shown["name"].map(esc), orientation="h",
        marker={"color": [country_color(c) for c in shown["country"]],
                # a light hatch: the value written inside stays readable
                "pattern": {"shape": ["/" if c else "" for c in clipped], "fgcolor": "white", "fgopacity": 0.45,
                            "solidity": 0.15}},
        text=[label(v, c) for v, c in zip(values, clipped, strict=True)],
        # a cut bar writes its value inside its end: outside, it would run past the axis
        textposition=["inside" if c else "outside" for c in clipped], insidetextanchor="end",
        insidetextfont={"color": "white"}, cliponaxis=False,
        customdata=np.stack([shown["input_per_mtok"], shown["output_per_mtok"], shown["change_pct"].fillna(0),
                             values], axis=-1) if not shown.empty else None,
        hovertemplate=(f"<b>%{{y}}</b><br>blended {symbol}%{{customdata[3]:.3f}} / 1M<br>input "
                       f"{symbol}%{{customdata[0]:.3f}} · output {symbol}%{{customdata[1]:.3f}}<br>vs 3:1: "
                       "%{customdata[2]:+.0f}%<extra></extra>"),
        showlegend=False,
    ))
    for country in dict.fromkeys(shown["country"]):  # the colours' legend (the bars themselves carry none)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=COUNTRY_NAMES.get(country, "other"),
                                 marker={"symbol": "square", "size": 12, "color": country_color(country)},
                                 hoverinfo="skip"))
    if cut is not None:
        fig.add_trace(go.Bar(x=[None], y=[None], name=f"cut at {symbol}{cut:,.0f}: value written",
                             marker={"color": "#999", "pattern": {"shape": "/", "fgcolor": "white", "fgopacity": 0.45,
                                                                  "solidity": 0.15}},
                             hoverinfo="skip"))
    top = float(values.max()) if not shown.empty else 1.0
    axis_title = f"{currency} per 1M tokens, {ratio_label} input:output"
    if x_scale == "log" and not shown.empty:
        ticks = log_ticks(float(values.min()), top)
        fig.update_xaxes(type="log", title_text=f"{axis_title}, log scale", tickvals=ticks,
                         ticktext=money_ticks(ticks, currency),
                         range=[math.log10(values.min()) - 0.1, math.log10(top) + 0.35])
    else:
        fig.update_xaxes(title_text=axis_title, tickprefix=symbol, range=[0, (cut or top) * 1.3])
    fig.update_yaxes(title_text=None)
    prompt_tokens = parse_prompt(prompt)
    settings = {"blend": ratio_label, "cache hits": f"{cache_hit:.0%}",
                "prompt": "first tier" if prompt_tokens is None else f"{prompt_tokens:,}"}
    settings.update(where_note(region, service_tier))
    if cut is not None:
        settings["axis cut"] = f"at {symbol}{cut:,.2f} ({int(clipped.sum())} bars cut, value written)"
    missing = data[data["blended_per_mtok"].isna()]
    if not missing.empty:
        settings["not plotted"] = not_plotted(missing)
    prov = Provenance("Blended price = (a × input + b × output) / (a + b) per 1M tokens", registry.as_of(), settings,
                      overlay=registry.overlay_label())
    finish(fig, blended_title(ratio_label, cache_hit, prompt_tokens), prov,
           height=max(380, 22 * len(shown) + 200))
    fig.update_layout(bargap=0.25, uniformtext={"minsize": 11, "mode": "show"})  # inside text keeps its size
    return fig, data


def worked_example_model(data: pd.DataFrame, preferred: list[str]) -> str | None:
    """The model whose blended price the page works by hand: one WITH a cache-read price (so moving the cache-hit
    share changes the sum), the first of ``preferred`` that has one, else the cheapest that has one, else the first
    priced model; None when nothing is priced."""
    priced = data[data["blended_per_mtok"].notna()]
    if priced.empty:
        return None
    cached = priced[priced["cache_read_per_mtok"].notna()]
    pool = cached if not cached.empty else priced
    ids = list(pool["model"])
    return next((m for m in preferred if m in ids), ids[0])


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
    if cache_hit or result.cache_read_per_mtok is not None:
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
              blended_prices, (RATIO, CACHE_HIT, PROMPT, CURRENCY, ON, REGION, SERVICE_TIER,
                               ChartOption("x_scale", "price axis: linear (outlying bars cut, value written) or log",
                                           "linear", AXIS_SCALES))),
)
