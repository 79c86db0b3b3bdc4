"""The dashboard's charts as pure builders: ``build(registry, **options) → (plotly Figure, DataFrame)``.

Builders only draw: every number comes from ``catalog``, ``scores``, ``frontier`` and ``tiers``. Each calls
``figures.finish`` so an exported chart still says what it shows, as of when, under which settings. Text that
comes from the registry (names, reporters, sources) is HTML-escaped before plotly sees it: plotly renders a
subset of HTML in labels and hovers, and registry text is data, not markup.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.core.catalog import blended_table
from analytics.core.errors import AnalyticsError
from .base import ChartOption, ChartSpec, Provenance, country_color, finish
from analytics.formatting import SYMBOLS, tokens
from analytics.core.frontier import frontier_mask
from analytics.core.pricing import TierRates, blend, parse_ratio
from analytics.core.registry import Registry
from analytics.core.scores import (
    CONDITION_LABELS,
    CONDITIONS,
    PICKS,
    REPORTER_KINDS,
    SUBSETS,
    conditions_table,
    model_frame,
    normalise_reporters,
    results_frame,
    select_scores,
)
from analytics.core.tiers import cost_curves, window_ends

HEADLINE_MODELS = ("qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5", "deepseek-v3.2")
"""The seed report's five models and DeepSeek V3.2: the default set where one line per model would crowd a chart."""


def headline_models(registry: Registry) -> list[str]:
    """The headline models the registry holds (all models when it holds none of them)."""
    present = [m for m in HEADLINE_MODELS if m in registry.entries]
    return present or registry.model_ids()


RATIO_PRESETS = {"3:1": "3:1 convention", "1:1": "1:1", "10:1": "10:1 agent loop", "30:1": "30:1 retrieval"}
"""Input:output ratios offered as presets; any other ``a:b`` may be entered."""
TOP_LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0.0}
"""Legends sit between the title and the plot, left-aligned: at the right they collide with a long title."""
CONDITION_SYMBOLS = {"tools": "circle", "no-tools": "diamond"}
COUNTRY_NAMES = {"CN": "China", "US": "United States"}
CONDITION_BAR_COLORS = {"no-tools": "#9db4c8", "tools": "#1b4f72"}
"""Grouped HLE bars: light for the bare model, dark for the model with tools (the seed report's two series)."""

# Shades per country for charts with one line per model: the seed's red (CN) and blue (US) stay recognisable,
# and each model gets its own shade and dash so that two lines of one country can be told apart.
_SHADES = {
    "CN": ["#d62728", "#8c1d18", "#f0837f", "#b3541e"],
    "US": ["#1f77b4", "#0b3d66", "#6baed6", "#17becf"],
}
_DASHES = ["solid", "dash", "dot", "dashdot"]


def _esc(value: object) -> str:
    """Registry text for a plotly label or hover: escaped, so it can never be read as markup."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    return html.escape(str(value), quote=False)


def _day(on: dt.date | str | None) -> dt.date | None:
    if on is None or isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(str(on))
    except ValueError:
        raise AnalyticsError(f"date {on!r}: write it as YYYY-MM-DD") from None


def _ratio(ratio: str | tuple[float, float]) -> tuple[tuple[float, float], str]:
    pair = parse_ratio(ratio) if isinstance(ratio, str) else (float(ratio[0]), float(ratio[1]))
    label = f"{pair[0]:g}:{pair[1]:g}"
    return pair, label


def _prompt(prompt: float | str | None) -> int | None:
    if prompt in (None, "", "first tier"):
        return None
    value = float(prompt)
    if not math.isfinite(value) or value < 0:
        raise AnalyticsError(f"prompt size must be a non-negative token count, got {prompt!r}")
    return int(value)


def _where(region: str, service_tier: str) -> dict[str, str]:
    """Region and service tier for a footnote, only when they are not the defaults (global, standard)."""
    where = {}
    if region != "global":
        where["region"] = region
    if service_tier != "standard":
        where["service tier"] = service_tier
    return where


def _money_axis(currency: str) -> str:
    return SYMBOLS.get(currency, "")


def not_plotted(missing: pd.DataFrame, limit: int = 4) -> str:
    """The footnote's list of models left out, with why; beyond ``limit`` a count by reason (a footnote that
    runs off the figure helps nobody — the page lists them all beside the chart)."""
    if len(missing) <= limit:
        return ", ".join(f"{_esc(n)} ({s})" for n, s in zip(missing["name"], missing["status"], strict=True))
    counts = missing["status"].value_counts()
    return f"{len(missing)} models (" + ", ".join(f"{_esc(s)}: {n}" for s, n in counts.items()) + ")"


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 tick values covering [low, high] for a log axis (plotly's own minor labels read as clutter)."""
    if not (low > 0 and high > 0):
        return []
    for mantissas in ((1, 2, 5), (1, 1.5, 2, 3, 5, 7)):  # a narrow range gets the finer series
        ticks = []
        for exponent in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
            for mantissa in mantissas:
                value = mantissa * 10.0 ** exponent
                if low / 1.05 <= value <= high * 1.05:
                    ticks.append(float(f"{value:.6g}"))
        if len(ticks) >= 3:
            break
    return ticks


def model_shades(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """A (colour, dash) per model: the country's shade (CN reds, US blues, others greys), in row order."""
    counts: dict[str, int] = {}
    styles = {}
    for model, country in frame[["model", "country"]].drop_duplicates("model").itertuples(index=False):
        i = counts.get(country, 0)
        counts[country] = i + 1
        shades = _SHADES.get(country, ["#7f7f7f", "#4d4d4d", "#b0b0b0", "#2ca02c"])
        styles[model] = (shades[i % len(shades)], _DASHES[(i // len(shades)) % len(_DASHES)])
    return styles


# -- cost vs HLE --------------------------------------------------------------------------------------------------

_POSITIONS = ["top center", "bottom center", "middle right", "middle left", "top right", "top left",
              "bottom right", "bottom left"]


def label_positions(x: Iterable[float], y: Iterable[float], labels: Iterable[str], *, x_range: tuple[float, float],
                    y_range: tuple[float, float], width_px: float = 560, height_px: float = 330,
                    char_px: float = 7.2, line_px: float = 16) -> list[str]:
    """A ``textposition`` per point chosen greedily so that labels overlap neither each other nor the markers.

    ``x``/``y`` are already in axis units (log10 of the price on a log axis). Boxes are estimated in pixels
    from the axis ranges and the plot size; each label takes the candidate position that overlaps least, in
    the order of the candidates (above the point first), placing crowded points first.
    """
    xs, ys, texts = list(x), list(y), list(labels)
    if not xs:
        return []
    x0, x1 = x_range
    y0, y1 = y_range
    px = [(xi - x0) / (x1 - x0) * width_px for xi in xs]
    py = [(yi - y0) / (y1 - y0) * height_px for yi in ys]
    marker = 6.0
    points = [(a - marker, b - marker, a + marker, b + marker) for a, b in zip(px, py, strict=True)]

    def box(i: int, position: str) -> tuple[float, float, float, float]:
        w, h = len(texts[i]) * char_px, line_px
        vertical, horizontal = position.split(" ")
        cx, cy = px[i], py[i]
        if horizontal == "right":
            left = cx + marker + 2
        elif horizontal == "left":
            left = cx - marker - 2 - w
        else:
            left = cx - w / 2
        if vertical == "top":
            bottom = cy + marker + 2
        elif vertical == "bottom":
            bottom = cy - marker - 2 - h
        else:
            bottom = cy - h / 2
        return (left, bottom, left + w, bottom + h)

    def overlap(a, b) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    def outside(b) -> float:
        # area of the label that falls outside the plot: labels there are clipped or collide with the axes
        inner = (0.0, 0.0, width_px, height_px)
        return (b[2] - b[0]) * (b[3] - b[1]) - overlap(b, inner)

    def crowding(i: int) -> float:
        return sum(1.0 / (1.0 + math.hypot(px[i] - px[j], py[i] - py[j])) for j in range(len(xs)) if j != i)

    chosen: dict[int, tuple[float, float, float, float]] = {}
    result = ["top center"] * len(xs)
    for i in sorted(range(len(xs)), key=crowding, reverse=True):
        best, best_cost = _POSITIONS[0], math.inf
        for rank, position in enumerate(_POSITIONS):
            b = box(i, position)
            cost = sum(overlap(b, other) for other in chosen.values())
            cost += sum(overlap(b, points[j]) for j in range(len(xs)) if j != i)
            cost += 2 * outside(b) + rank * 0.5  # prefer the earlier candidates when all else is equal
            if cost < best_cost:
                best, best_cost = position, cost
        result[i] = best
        chosen[i] = box(i, best)
    return result


def cost_vs_hle_data(
    registry: Registry,
    ratio: str | tuple[float, float] = "3:1",
    condition: str = "best",
    reporters: str | Iterable[str] | None = "any",
    pick: str = "best",
    subset: str = "any",
    cache_hit: float = 0.0,
    prompt: float | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
) -> pd.DataFrame:
    """Per model: the chosen HLE score with its provenance, the blended price, and whether it is on the frontier.

    ``status`` is "ok", or why the model is not plotted ("no score reported", "no score under this policy",
    "no price"). ``on_frontier`` is the Pareto frontier of the plotted models (cheaper and higher scoring).
    """
    pair, _ = _ratio(ratio)
    day = _day(on)
    scores = select_scores(registry, condition, reporters, pick, subset)
    prices = blended_table(registry, pair, _prompt(prompt), cache_hit, region=region, service_tier=service_tier,
                           on=day, currency=currency)
    frame = scores.merge(prices[["model", "blended_per_mtok", "input_per_mtok", "output_per_mtok", "tier",
                                 "status"]].rename(columns={"status": "price_status"}), on="model", how="left")
    frame["status"] = np.where(frame["status"] != "ok", frame["status"],
                               np.where(frame["blended_per_mtok"].isna(), "no price", "ok"))
    frame["on_frontier"] = frontier_mask(frame[frame["status"] == "ok"]).reindex(frame.index, fill_value=False)
    frame["currency"] = currency
    return frame.drop(columns=["price_status"])


def cost_vs_hle(
    registry: Registry,
    ratio: str | tuple[float, float] = "3:1",
    condition: str = "best",
    reporters: str | Iterable[str] | None = "any",
    pick: str = "best",
    subset: str = "any",
    cache_hit: float = 0.0,
    prompt: float | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
) -> tuple[go.Figure, pd.DataFrame]:
    """The seed report's last figure: blended price (log x) against HLE score, frontier drawn, CN red, US blue."""
    _, ratio_label = _ratio(ratio)
    data = cost_vs_hle_data(registry, ratio, condition, reporters, pick, subset, cache_hit, prompt, currency, on,
                            region, service_tier)
    plotted = data[data["status"] == "ok"].reset_index(drop=True)
    symbol = _money_axis(currency)
    fig = go.Figure()

    if not plotted.empty:
        logs = np.log10(plotted["blended_per_mtok"].to_numpy(dtype=float))
        pad = max(0.15, (logs.max() - logs.min()) * 0.12)
        x_range = (logs.min() - pad, logs.max() + pad)
        scores = plotted["score"].to_numpy(dtype=float)
        spread = max(scores.max() - scores.min(), 5.0)
        y_range = (max(0.0, scores.min() - spread * 0.25), min(100.0, scores.max() + spread * 0.3))
        positions = label_positions(logs, scores, plotted["name"].astype(str), x_range=x_range, y_range=y_range)
        plotted["label_position"] = positions

        frontier = plotted[plotted["on_frontier"]].sort_values(["blended_per_mtok", "score"])
        if len(frontier) >= 1:
            fig.add_trace(go.Scatter(
                x=frontier["blended_per_mtok"], y=frontier["score"], mode="lines", line_shape="hv",
                line={"color": "#555", "dash": "dash", "width": 1.5}, name="Pareto frontier", hoverinfo="skip",
            ))
        for (country, cond), group in plotted.groupby(["country", "condition"], sort=True):
            customdata = np.stack([
                group["name"].map(_esc), group["reporter"].map(_esc), group["reporter_kind"].map(_esc),
                group["source"].map(_esc), group["date"].map(_esc), group["subset"].map(_esc),
                group["blended_per_mtok"].map(lambda v: f"{symbol}{v:,.3g}" if symbol else f"{v:,.3g} {currency}"),
            ], axis=-1)
            fig.add_trace(go.Scatter(
                x=group["blended_per_mtok"], y=group["score"], mode="markers+text",
                text=group["name"].map(_esc), textposition=group["label_position"].tolist(), cliponaxis=False,
                textfont={"size": 12, "color": country_color(country)},
                marker={"size": 13, "color": country_color(country), "symbol": CONDITION_SYMBOLS.get(cond, "circle"),
                        "line": {"width": 1, "color": "white"}},
                name=f"{COUNTRY_NAMES.get(country, _esc(country))} · {CONDITION_LABELS.get(cond, cond)}",
                customdata=customdata,
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>blended %{customdata[6]} / 1M<br>HLE %{y:.1f}% "
                    "(%{meta})<br>reporter: %{customdata[1]} (%{customdata[2]})<br>"
                    "subset: %{customdata[5]}<br>source: %{customdata[3]}<br>date: %{customdata[4]}<extra></extra>"
                ),
                meta=CONDITION_LABELS.get(cond, cond),
            ))
        ticks = log_ticks(10 ** x_range[0], 10 ** x_range[1])
        fig.update_xaxes(type="log", range=list(x_range), tickvals=ticks,
                         ticktext=[f"{symbol}{v:g}" for v in ticks])
        fig.update_yaxes(range=list(y_range))
    else:
        fig.add_annotation(text="No model has both a price and a score under these settings", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5, font={"size": 14, "color": "#555"})

    fig.update_xaxes(title_text=f"Blended price, {currency} per 1M tokens ({ratio_label} input:output, log scale)")
    fig.update_yaxes(title_text="HLE score (%)", ticksuffix="%")
    fig.update_layout(legend=TOP_LEGEND)

    missing = data[data["status"] != "ok"]
    settings = {
        "blend": ratio_label, "condition": CONDITION_LABELS.get(condition, condition),
        "reporters": ", ".join(normalise_reporters(reporters)) if normalise_reporters(reporters) != REPORTER_KINDS
        else "any", "pick": pick,
    }
    if subset != "any":
        settings["subset"] = subset
    if cache_hit:
        settings["cache hit"] = f"{cache_hit:.0%}"
    what = "HLE score against blended price; dashed line: Pareto frontier (cheaper and higher)"
    if not missing.empty:
        what += f"<br>Not plotted: {not_plotted(missing, limit=2)}"
    # the <br> keeps the footnote inside a half-width chart (the page shows this chart beside two tables)
    prov = Provenance(f"{what}<br>", registry.as_of(), settings)
    finish(fig, f"Cost vs HLE: blended price ({ratio_label}) against HLE score", prov, height=600)
    fig.update_layout(margin={"t": 110, "b": 140})
    return fig, data


# -- HLE with and without tools -------------------------------------------------------------------------------------

def hle_conditions(
    registry: Registry,
    reporters: str | Iterable[str] | None = "any",
    pick: str = "best",
    subset: str = "any",
) -> tuple[go.Figure, pd.DataFrame]:
    """The seed report's HLE chart: per model, the score without tools beside the score with tools."""
    data = conditions_table(registry, reporters, pick, subset)
    scored = data.groupby("model")["score"].transform(lambda s: s.notna().any())
    unscored = data.loc[~scored, "name"].drop_duplicates()
    data = data[scored].reset_index(drop=True)
    order = (data[data["condition"] == "tools"].sort_values("score", ascending=False, na_position="last")["model"]
             .tolist())
    data["_order"] = data["model"].map({m: i for i, m in enumerate(order)})
    data = data.sort_values(["_order", "condition"], kind="stable").drop(columns="_order").reset_index(drop=True)
    fig = go.Figure()
    names = data.drop_duplicates("model")["name"].map(_esc).tolist()
    for cond in ("no-tools", "tools"):
        part = data[data["condition"] == cond]
        customdata = np.stack([
            part["reporter"].map(_esc), part["reporter_kind"].map(_esc), part["source"].map(_esc),
            part["date"].map(_esc), part["subset"].map(_esc),
        ], axis=-1)
        fig.add_trace(go.Bar(
            x=part["name"].map(_esc), y=part["score"], name=CONDITION_LABELS[cond].capitalize(),
            marker={"color": CONDITION_BAR_COLORS[cond]},
            text=part["score"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}"), textposition="outside",
            cliponaxis=False, customdata=customdata,
            hovertemplate=("<b>%{x}</b> · " + CONDITION_LABELS[cond] + ": %{y:.1f}%<br>reporter: %{customdata[0]} "
                           "(%{customdata[1]})<br>subset: %{customdata[4]}<br>source: %{customdata[2]}<br>"
                           "date: %{customdata[3]}<extra></extra>"),
        ))
    # a missing bar says so, rather than leaving a gap that reads as zero
    for row in data[data["score"].isna()].itertuples(index=False):
        fig.add_annotation(x=_esc(row.name), y=0, yref="y", text="no score", showarrow=False, yanchor="bottom",
                           xshift=-18 if row.condition == "no-tools" else 18, textangle=-90,
                           font={"size": 10, "color": "#888"})
    top = data["score"].max()
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05,
                      legend=TOP_LEGEND)
    fig.update_xaxes(categoryorder="array", categoryarray=names, title_text=None)
    fig.update_yaxes(title_text="HLE score (%)", ticksuffix="%",
                     range=[0, (top if pd.notna(top) else 50) * 1.15])
    settings = {
        "reporters": "any" if normalise_reporters(reporters) == REPORTER_KINDS else ", ".join(
            normalise_reporters(reporters)),
        "pick": pick, "subset": subset,
    }
    if len(unscored):
        settings["no score"] = (", ".join(map(_esc, unscored)) if len(unscored) <= 4
                                else f"{len(unscored)} models")
    prov = Provenance("HLE (Humanity's Last Exam) without tools and with tools (search, code)", registry.as_of(),
                      settings)
    finish(fig, "HLE without tools vs with tools", prov, height=520)
    fig.update_layout(margin={"t": 100})
    return fig, data


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
    day = _day(on)
    models = list(models) if models else headline_models(registry)
    curves = cost_curves(registry, models, float(output_tokens), cache_hit, region=region,
                         service_tier=service_tier, on=day, currency=currency)
    ends = window_ends(registry, models, float(output_tokens), cache_hit, region=region,
                       service_tier=service_tier, on=day, currency=currency)
    fig = go.Figure()
    styles = model_shades(curves) if not curves.empty else {}
    symbol = _money_axis(currency)
    window = dict(zip(ends["model"], ends["max_prompt_tokens"], strict=True))
    for model_id, curve in curves.groupby("model", sort=False):
        colour, dash = styles[model_id]
        name = _esc(curve["name"].iloc[0])
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
            hovertemplate=(f"<b>{_esc(row.name)}</b>: window ends at {row.max_prompt_tokens:,} prompt tokens<br>"
                           f"cost {symbol}{row.cost_at_end:.4f}<extra></extra>"),
        ))
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
    settings = {"output tokens": f"{float(output_tokens):,.0f}", **_where(region, service_tier)}
    if cache_hit:
        settings["cache hit"] = f"{cache_hit:.0%}"
    if not missing.empty:
        settings["not plotted"] = not_plotted(missing)
    prov = Provenance("Cost of one request against its prompt; vertical ticks: where each window ends",
                      registry.as_of(), settings)
    finish(fig, f"Cost of one request by prompt length ({float(output_tokens):,.0f} output tokens)", prov,
           height=560)
    fig.update_layout(margin={"r": 170, "t": 90})
    return fig, curves


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
    pair, _ = _ratio(ratio)
    day = _day(on)
    kwargs = {"region": region, "service_tier": service_tier, "on": day, "currency": currency}
    table = blended_table(registry, pair, _prompt(prompt), cache_hit, **kwargs)
    base = blended_table(registry, (3, 1), _prompt(prompt), cache_hit, **kwargs)
    table = table.merge(base[["model", "blended_per_mtok"]].rename(columns={"blended_per_mtok": "blended_3to1"}),
                        on="model", how="left")
    table["change_vs_3to1"] = table["blended_per_mtok"] - table["blended_3to1"]
    table["change_pct"] = table["change_vs_3to1"] / table["blended_3to1"] * 100
    table["tier_label"] = [_tier_label(registry, m, _prompt(prompt), region, service_tier, day) if ok == "ok"
                           else None for m, ok in zip(table["model"], table["status"], strict=True)]
    return table


def _tier_label(registry: Registry, model: str, prompt: int | None, region: str, service_tier: str,
                on: dt.date | None) -> str | None:
    """Which prompts the applied tier covers ("all", "≤ 32,768", "> 200,000"), for the table."""
    from analytics.core.pricing import tier_index, tier_label

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
    _, ratio_label = _ratio(ratio)
    data = blended_prices_data(registry, ratio, cache_hit, prompt, currency, on, region, service_tier)
    shown = data[data["blended_per_mtok"].notna()].sort_values("blended_per_mtok", ascending=False)
    symbol = _money_axis(currency)
    fig = go.Figure(go.Bar(
        x=shown["blended_per_mtok"], y=shown["name"].map(_esc), orientation="h",
        marker={"color": [country_color(c) for c in shown["country"]]},
        text=shown["blended_per_mtok"].map(lambda v: f"{symbol}{v:,.2f}" if symbol else f"{v:,.2f}"),
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
    settings = {"blend": ratio_label, "prompt": "first tier" if _prompt(prompt) is None else f"{_prompt(prompt):,}"}
    settings.update(_where(region, service_tier))
    if cache_hit:
        settings["cache hit"] = f"{cache_hit:.0%}"
    missing = data[data["blended_per_mtok"].isna()]
    if not missing.empty:
        settings["not plotted"] = not_plotted(missing)
    prov = Provenance("Blended price = (a × input + b × output) / (a + b) per 1M tokens", registry.as_of(), settings)
    finish(fig, f"Blended price per 1M tokens at {ratio_label}", prov, height=max(380, 26 * len(shown) + 220))
    fig.update_layout(margin={"l": 150})
    return fig, data


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
    from analytics.core.pricing import tier_label

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
    day = _day(on) or dt.date.today()
    data = price_history_data(registry, models, currency, region, service_tier, day)
    if not models:
        # by default, the models whose price has changed (a flat line per model says little); else the headline set
        changed_ids = data.loc[data["changes"] > 1, "model"].unique().tolist()
        keep = changed_ids or [m for m in headline_models(registry) if m in set(data["model"])]
        data = data[data["model"].isin(keep)].reset_index(drop=True)
    column = f"{price}_per_mtok"
    symbol = _money_axis(currency)
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
        name = _esc(group["name"].iloc[0])
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=name, line={"color": colour, "dash": dash, "width": 2.5},
            marker={"size": 7}, connectgaps=False,
            hovertemplate=f"<b>{name}</b><br>%{{x|%Y-%m-%d}}: {symbol}%{{y:.3f}} / 1M<extra></extra>",
        ))
    fig.update_layout(showlegend=True)  # even for one model: the legend names it
    fig.update_xaxes(title_text=None, type="date")
    fig.update_yaxes(title_text=f"{price.capitalize()}, {currency} / 1M tokens",
                     tickprefix=symbol, rangemode="tozero")
    fig.update_layout(legend={"orientation": "v", "yanchor": "top", "y": 1.0, "xanchor": "left", "x": 1.01},
                      margin={"r": 170})
    changed = sorted(set(data.loc[data["changes"] > 1, "name"]))
    settings = {"region": region, "service tier": service_tier, "price": price,
                "changed": ", ".join(map(_esc, changed)) if changed else "no price change recorded yet"}
    prov = Provenance("First-tier price per schedule, over the period it was in force", registry.as_of(), settings)
    finish(fig, f"{price.capitalize()} price history ({region}, {service_tier}, first tier)", prov, height=480)
    fig.update_layout(margin={"r": 170})
    return fig, data


# -- the catalog -------------------------------------------------------------------------------------------------------

_RATIO = ChartOption("ratio", "input:output token ratio, e.g. 3:1 (convention), 1:1, 10:1 (agent loop), 30:1", "3:1")
_CURRENCY = ChartOption("currency", "display currency (converted with data/fx.yaml)", "USD")
_ON = ChartOption("on", "prices in force on this date (YYYY-MM-DD; default today)", None)
_REGION = ChartOption("region", "price region", "global")
_SERVICE = ChartOption("service_tier", "service tier", "standard", ("standard", "batch", "flex", "priority"))
_CACHE = ChartOption("cache_hit", "share of input tokens read from cache, 0–1", 0.0)
_PROMPT = ChartOption("prompt", "prompt size in tokens; picks the context tier (default: the first tier)", None)
_REPORTERS = ChartOption("reporters", "reporter kinds that count", "any", (*REPORTER_KINDS, "any"), multiple=True)
_PICK = ChartOption("pick", "which of several eligible scores: best or latest", "best", PICKS)
_SUBSET = ChartOption("subset", "HLE subset: any, full or text-only", "any", SUBSETS)

CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("cost-vs-hle", "Cost vs HLE",
              "Blended price (log) against HLE score; Pareto frontier; CN red, US blue; marker by condition",
              cost_vs_hle,
              (_RATIO, ChartOption("condition", "tools, no-tools or best available", "best", CONDITIONS),
               _REPORTERS, _PICK, _SUBSET, _CACHE, _PROMPT, _CURRENCY, _ON, _REGION, _SERVICE)),
    ChartSpec("hle-conditions", "HLE without vs with tools",
              "Per model, the HLE score without tools beside the score with tools (grouped bars)",
              hle_conditions, (_REPORTERS, _PICK, _SUBSET)),
    ChartSpec("context-tiers", "Cost by prompt length",
              "Cost of one request from a 1K prompt to each model's window: tier cliffs and window ends",
              context_tiers,
              (ChartOption("output_tokens", "output tokens per request", 1000), _CACHE,
               ChartOption("models", "model ids (default: the seed report's models and DeepSeek V3.2)", None,
                           multiple=True), _CURRENCY, _ON, _REGION,
               _SERVICE, ChartOption("y_scale", "log or linear cost axis", "log", ("log", "linear")))),
    ChartSpec("blended-prices", "Blended prices",
              "Blended price per 1M tokens at an input:output ratio, sorted, with the change against 3:1",
              blended_prices, (_RATIO, _CACHE, _PROMPT, _CURRENCY, _ON, _REGION, _SERVICE)),
    ChartSpec("price-history", "Price history",
              "First-tier input or output price of each model over time, one step per price schedule",
              price_history,
              (ChartOption("price", "input or output", "input", PRICE_KINDS),
               ChartOption("models", "model ids (default: those whose price changed)", None, multiple=True),
               _CURRENCY, _REGION,
               _SERVICE, _ON)),
)



# -- the blend formula, as text (LaTeX needs MathJax from a CDN: not offline) ------------------------------------------

def blend_formula(ratio: str | tuple[float, float] = "3:1", cache_hit: float = 0.0) -> str:
    """The blended-price formula with the current settings filled in, as plain text for a code block."""
    (a, b), label = _ratio(ratio)
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
    """One model's blended price worked by hand: "Kimi K2.5: (3 × $0.600 + 1 × $3.000) / 4 = $1.200 / 1M"."""
    from analytics.core.pricing import blended_price

    (a, b), _ = _ratio(ratio)
    result = blended_price(registry, model, (a, b), _prompt(prompt), cache_hit, region=region,
                           service_tier=service_tier, on=_day(on), currency=currency)
    name = registry.model(model).name
    if result.blended_per_mtok is None:
        return f"{name}: {result.status}"
    sym = _money_axis(currency)

    def m(value: float) -> str:
        return f"{sym}{value:,.3f}" if sym else f"{value:,.3f} {currency}"

    inp, out = result.input_per_mtok, result.output_per_mtok
    if cache_hit:
        read = result.cache_read_per_mtok if result.cache_read_per_mtok is not None else inp
        effective = (1 - cache_hit) * inp + cache_hit * read
        first = (f"{name}: input_eff = {1 - cache_hit:g} × {m(inp)} + {cache_hit:g} × {m(read)} = {m(effective)}\n"
                 f"{' ' * len(name)}  ")
    else:
        effective, first = inp, f"{name}: "
    # re-blended from the converted rates (see _blended_table: blended_price converts its blended value twice)
    total = float(blend(inp, out, (a, b), result.cache_read_per_mtok if result.cache_read_per_mtok is not None
                        else inp, cache_hit))
    return f"{first}({a:g} × {m(effective)} + {b:g} × {m(out)}) / {a + b:g} = {m(total)} / 1M"


__all__ = [
    "CHART_SPECS", "HEADLINE_MODELS", "RATIO_PRESETS", "blend_formula", "blend_worked_example", "blended_prices",
    "blended_prices_data", "context_tiers", "cost_vs_hle", "cost_vs_hle_data", "headline_models", "hle_conditions",
    "label_positions", "log_ticks", "model_frame", "not_plotted", "price_history", "price_history_data",
    "results_frame",
]
