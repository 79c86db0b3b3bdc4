"""Cost vs HLE (blended price against the HLE score, with the Pareto frontier) and HLE with and without
tools. Text from the registry is escaped before plotly sees it (``base.esc``)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.core.catalog import blended_table, http_only
from analytics.core.clock import today
from analytics.core.frontier import frontier_mask, pareto_frontier
from analytics.core.registry import Registry
from analytics.core.scores import (
    CONDITION_LABELS,
    CONDITIONS,
    DEFAULT_POLICY,
    REPORTER_KINDS,
    SUBSET_LABELS,
    conditions_table,
    model_frame_on,
    normalise_reporters,
    readable_scores,
    select_scores,
    subset_mix,
)

from .base import (
    Provenance,
    country_color,
    esc,
    finish,
    log_ticks,
    money_symbol,
    money_ticks,
    not_plotted,
)
from .spec import (
    CACHE_HIT,
    CURRENCY,
    DISPUTED,
    MODELS,
    ON,
    PICK,
    PROMPT,
    RATIO,
    REGION,
    REPORTERS,
    SERVICE_TIER,
    SUBSET,
    ChartOption,
    ChartSpec,
    parse_day,
    parse_prompt,
    parse_ratio_option,
)

CONDITION_SYMBOLS = {"tools": "circle", "no-tools": "diamond"}
COUNTRY_NAMES = {"CN": "China", "US": "United States"}
CONDITION_BAR_COLORS = {"no-tools": "#9db4c8", "tools": "#1b4f72"}
"""Grouped HLE bars: light for the bare model, dark for the model with tools (the seed report's two series)."""

# -- cost vs HLE --------------------------------------------------------------------------------------------------

_POSITIONS = ["top center", "bottom center", "middle right", "middle left", "top right", "top left",
              "bottom right", "bottom left"]


PHONE_PLOT_PX = (280, 360)
"""The plot's size on a 390-px phone (width, height): labels placed to fit it fit any wider screen too."""


def label_positions(x: Iterable[float], y: Iterable[float], labels: Iterable[str], *, x_range: tuple[float, float],
                    y_range: tuple[float, float], width_px: float = 560, height_px: float = 330,
                    char_px: float = 7.2, line_px: float = 16, thin: bool = False,
                    keep: Iterable[bool] | None = None) -> list[str]:
    """A ``textposition`` per point chosen greedily so that labels overlap neither each other nor the markers.

    ``x``/``y`` are already in axis units (log10 of the price on a log axis). Boxes are estimated in pixels
    from the axis ranges and the plot size; each label takes the candidate position that overlaps least, in
    the order of the candidates (above the point first), placing crowded points first. With ``thin``, a label
    that overlaps another label or marker, or leaves the plot, wherever it goes gets "" (no label: the hover still
    names it), except where ``keep`` is true (the frontier's points).
    """
    xs, ys, texts = list(x), list(y), list(labels)
    if not xs:
        return []
    kept = list(keep) if keep is not None else [False] * len(xs)
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
        clash = best_cost - _POSITIONS.index(best) * 0.5
        if thin and clash > 40 and not kept[i]:
            result[i] = ""
            continue
        result[i] = best
        chosen[i] = box(i, best)
    return result


def _yes(value: bool | str) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("yes", "true", "1")


def cost_vs_hle_data(
    registry: Registry,
    ratio: str | tuple[float, float] = "3:1",
    condition: str = DEFAULT_POLICY.condition,
    reporters: str | Iterable[str] | None = DEFAULT_POLICY.reporters,
    pick: str = DEFAULT_POLICY.pick,
    subset: str = DEFAULT_POLICY.subset,
    cache_hit: float = 0.0,
    prompt: float | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
    include_disputed: bool | str = DEFAULT_POLICY.include_disputed,
    models: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per model: the chosen HLE score with its provenance, the blended price, and whether it is on the frontier.

    The models are ``models`` or, by default, every model that can be called on ``on`` (retired and unreleased
    ones are left out); the scores are those published by ``on``. ``status`` is "ok", or why the model is not
    plotted ("no score reported", "no score under this policy", "no price", or its lifecycle, "retired …").
    ``on_frontier`` is the Pareto frontier of the plotted models (cheaper and higher scoring).
    """
    pair, _ = parse_ratio_option(ratio)
    day = parse_day(on) or today()
    chosen = model_frame_on(registry, day, list(models) if models else None)
    scores = select_scores(registry, condition, reporters, pick, subset, models=chosen,
                           include_disputed=_yes(include_disputed), on=day)
    prices = blended_table(registry, pair, parse_prompt(prompt), cache_hit, region=region, service_tier=service_tier,
                           on=day, currency=currency)
    frame = scores.merge(prices[["model", "blended_per_mtok", "input_per_mtok", "output_per_mtok", "tier",
                                 "status", "your_prices"]].rename(columns={"status": "price_status"}), on="model",
                         how="left")
    no_price = frame["price_status"].where(frame["price_status"] != "ok", "no price").fillna("no price")
    frame["status"] = np.where(frame["status"] != "ok", frame["status"],
                               np.where(frame["blended_per_mtok"].isna(), no_price, "ok"))
    frame["on_frontier"] = frontier_mask(frame[frame["status"] == "ok"]).reindex(frame.index, fill_value=False)
    frame["currency"] = currency
    return frame.drop(columns=["price_status"])


def cost_vs_hle(
    registry: Registry,
    ratio: str | tuple[float, float] = "3:1",
    condition: str = DEFAULT_POLICY.condition,
    reporters: str | Iterable[str] | None = DEFAULT_POLICY.reporters,
    pick: str = DEFAULT_POLICY.pick,
    subset: str = DEFAULT_POLICY.subset,
    cache_hit: float = 0.0,
    prompt: float | None = None,
    currency: str = "USD",
    on: dt.date | str | None = None,
    region: str = "global",
    service_tier: str = "standard",
    include_disputed: bool | str = DEFAULT_POLICY.include_disputed,
    models: Iterable[str] | None = None,
) -> tuple[go.Figure, pd.DataFrame]:
    """The seed report's last figure: blended price (log x) against HLE score, frontier drawn, CN red, US blue.
    Disputed figures (only with ``include_disputed``) get an open marker and "(disputed)" in the label."""
    _, ratio_label = parse_ratio_option(ratio)
    data = cost_vs_hle_data(registry, ratio, condition, reporters, pick, subset, cache_hit, prompt, currency, on,
                            region, service_tier, include_disputed, models)
    plotted = data[data["status"] == "ok"].reset_index(drop=True)
    fig = go.Figure()
    if plotted.empty:
        fig.add_annotation(text="No model has both a price and a score under these settings", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5, font={"size": 14, "color": "#555"})
    else:
        _draw_points(fig, plotted, currency)
    fig.update_xaxes(title_text=f"Blended price, {currency} per 1M tokens ({ratio_label} input:output, log scale)")
    fig.update_yaxes(title_text="HLE score (%)", ticksuffix="%")

    missing = data[data["status"] != "ok"]
    settings = _policy_note(ratio_label, condition, reporters, pick, subset, cache_hit, _yes(include_disputed))
    what = "HLE score against blended price; dashed line: Pareto frontier (cheaper and higher)"
    mix = subset_mix(data[data["status"] == "ok"])
    if mix:
        what += f"<br>Mixed subsets: {mix}"
    if not missing.empty:
        what += f"<br>Not plotted: {not_plotted(missing, limit=2)}"
    # the <br> keeps the footnote inside a half-width chart (the page shows this chart beside two tables)
    prov = Provenance(f"{what}<br>", registry.as_of(), settings, overlay=registry.overlay_label())
    finish(fig, f"Cost vs HLE: blended price ({ratio_label}) against HLE score", prov, height=600)
    return fig, data


SCORE_COLUMNS = ["name", "score", "disputed", "condition", "subset", "reporter_kind", "reporter", "date", "candidates",
                 "blended_per_mtok", "note", "link"]


def cost_vs_hle_tables(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three tables beside the chart, from ``cost_vs_hle_data``'s frame: the models not plotted and why, the
    Pareto frontier (cheapest first), and the scores plotted as a table says them, with their source as a link."""
    plotted = data[data["status"] == "ok"]
    missing = data.loc[data["status"] != "ok", ["name", "status"]].reset_index(drop=True)
    frontier = pareto_frontier(plotted)[["name", "blended_per_mtok", "score"]]
    scores = readable_scores(plotted.assign(link=http_only(plotted["source"])))[SCORE_COLUMNS].reset_index(drop=True)
    return missing, frontier, scores


def _draw_points(fig: go.Figure, plotted: pd.DataFrame, currency: str) -> None:
    """The frontier, one marker trace per country and condition with labels placed clear of each other, and the
    axes fitted to the points (a log price axis with 1-2-5 ticks)."""
    symbol = money_symbol(currency)
    logs = np.log10(plotted["blended_per_mtok"].to_numpy(dtype=float))
    pad = max(0.15, (logs.max() - logs.min()) * 0.12)
    x_range = (logs.min() - pad, logs.max() + pad)
    scores = plotted["score"].to_numpy(dtype=float)
    spread = max(scores.max() - scores.min(), 5.0)
    y_range = (max(0.0, scores.min() - spread * 0.25), min(100.0, scores.max() + spread * 0.3))
    # placed for a phone's plot and thinned where they would collide there (the frontier's names always kept)
    positions = label_positions(logs, scores, plotted["name"].astype(str), x_range=x_range, y_range=y_range,
                                width_px=PHONE_PLOT_PX[0], height_px=PHONE_PLOT_PX[1], thin=True,
                                keep=plotted["on_frontier"].astype(bool))
    plotted = plotted.assign(label_position=[p or "top center" for p in positions],
                             label_shown=[bool(p) for p in positions])
    frontier = plotted[plotted["on_frontier"]].sort_values(["blended_per_mtok", "score"])
    if len(frontier) >= 1:
        fig.add_trace(go.Scatter(
            x=frontier["blended_per_mtok"], y=frontier["score"], mode="lines", line_shape="hv",
            line={"color": "#555", "dash": "dash", "width": 1.5}, name="Pareto frontier", hoverinfo="skip",
        ))
    # a disputed figure (plotted only when asked for) gets an open marker and says so in its label and legend
    plotted = plotted.assign(disputed=plotted["disputed"].astype(object).where(plotted["disputed"].notna(), False)
                             .astype(bool))
    for (country, cond, disputed), group in plotted.groupby(["country", "condition", "disputed"], sort=True):
        color = country_color(country)
        customdata = np.stack([
            group["name"].map(esc), group["reporter"].map(esc), group["reporter_kind"].map(esc),
            group["source"].map(esc), group["date"].map(esc), group["subset"].map(esc),
            group["blended_per_mtok"].map(lambda v: f"{symbol}{v:,.3g}" if symbol else f"{v:,.3g} {currency}"),
            group["note"].astype(object).where(group["note"].notna(), "").map(_short_note),
        ], axis=-1)
        fig.add_trace(go.Scatter(
            x=group["blended_per_mtok"], y=group["score"], mode="markers+text",
            text=(group["name"].map(esc) + (" (disputed)" if disputed else "")).where(group["label_shown"], ""),
            textposition=group["label_position"].tolist(), cliponaxis=False, textfont={"size": 12, "color": color},
            marker={"size": 13, "color": color, "symbol": CONDITION_SYMBOLS.get(cond, "circle")
                    + ("-open" if disputed else ""),
                    "line": {"width": 2, "color": color} if disputed else {"width": 1, "color": "white"}},
            name=(f"{COUNTRY_NAMES.get(country, esc(country))} · {CONDITION_LABELS.get(cond, cond)}"
                  + (" · disputed figure" if disputed else "")),
            customdata=customdata,
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>blended %{customdata[6]} / 1M<br>HLE %{y:.1f}% "
                "(%{meta})<br>reporter: %{customdata[1]} (%{customdata[2]})<br>"
                "subset: %{customdata[5]}<br>source: %{customdata[3]}<br>date: %{customdata[4]}"
                "<br>%{customdata[7]}<extra></extra>"
            ),
            meta=CONDITION_LABELS.get(cond, cond),
        ))
    ticks = log_ticks(10 ** x_range[0], 10 ** x_range[1])
    fig.update_xaxes(type="log", range=list(x_range), tickvals=ticks, ticktext=money_ticks(ticks, currency))
    fig.update_yaxes(range=list(y_range))


def _short_note(text: str) -> str:
    """A score's registry note for the hover: escaped, cut at 160 characters."""
    return esc(text[:160] + ("…" if len(text) > 160 else ""))


def _policy_note(ratio_label: str, condition: str, reporters: str | Iterable[str] | None, pick: str, subset: str,
                 cache_hit: float, include_disputed: bool = False) -> dict[str, str]:
    """The footnote's settings: the blend and the whole score policy (the cache share when not 0)."""
    chosen = normalise_reporters(reporters)
    settings = {"blend": ratio_label, "condition": CONDITION_LABELS.get(condition, condition),
                "reporters": ", ".join(chosen) if chosen != REPORTER_KINDS else "any", "pick": pick,
                "subset": SUBSET_LABELS.get(subset, subset),
                "disputed figures": "included, marked" if include_disputed else "left out"}
    if cache_hit:
        settings["cache hit"] = f"{cache_hit:.0%}"
    return settings


# -- HLE with and without tools -------------------------------------------------------------------------------------

def hle_conditions(
    registry: Registry,
    reporters: str | Iterable[str] | None = DEFAULT_POLICY.reporters,
    pick: str = DEFAULT_POLICY.pick,
    subset: str = DEFAULT_POLICY.subset,
    on: dt.date | str | None = None,
    include_disputed: bool | str = DEFAULT_POLICY.include_disputed,
    models: Iterable[str] | None = None,
) -> tuple[go.Figure, pd.DataFrame]:
    """The seed report's HLE chart: per model, the score without tools beside the score with tools — of the
    models live on ``on`` (or ``models``), with the scores published by then."""
    day = parse_day(on) or today()
    chosen = model_frame_on(registry, day, list(models) if models else None)
    data = conditions_table(registry, reporters, pick, subset, models=chosen, include_disputed=_yes(include_disputed),
                            on=day)
    scored = data.groupby("model")["score"].transform(lambda s: s.notna().any())
    unscored = data.loc[~scored, "name"].drop_duplicates()
    data = data[scored].reset_index(drop=True)
    order = (data[data["condition"] == "tools"].sort_values("score", ascending=False, na_position="last")["model"]
             .tolist())
    data["_order"] = data["model"].map({m: i for i, m in enumerate(order)})
    data = data.sort_values(["_order", "condition"], kind="stable").drop(columns="_order").reset_index(drop=True)
    fig = go.Figure()
    names = data.drop_duplicates("model")["name"].map(esc).tolist()
    for cond in ("no-tools", "tools"):
        part = data[data["condition"] == cond]
        customdata = np.stack([
            part["reporter"].map(esc), part["reporter_kind"].map(esc), part["source"].map(esc),
            part["date"].map(esc), part["subset"].map(esc),
        ], axis=-1)
        fig.add_trace(go.Bar(
            x=part["name"].map(esc), y=part["score"], name=CONDITION_LABELS[cond].capitalize(),
            marker={"color": CONDITION_BAR_COLORS[cond]},
            text=part["score"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}"), textposition="outside",
            cliponaxis=False, customdata=customdata,
            hovertemplate=("<b>%{x}</b> · " + CONDITION_LABELS[cond] + ": %{y:.1f}%<br>reporter: %{customdata[0]} "
                           "(%{customdata[1]})<br>subset: %{customdata[4]}<br>source: %{customdata[2]}<br>"
                           "date: %{customdata[3]}<extra></extra>"),
        ))
    # a missing bar says so, rather than leaving a gap that reads as zero
    for row in data[data["score"].isna()].itertuples(index=False):
        fig.add_annotation(x=esc(row.name), y=0, yref="y", text="no score", showarrow=False, yanchor="bottom",
                           xshift=-18 if row.condition == "no-tools" else 18, textangle=-90,
                           font={"size": 10, "color": "#888"})
    top = data["score"].max()
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_xaxes(categoryorder="array", categoryarray=names, title_text=None)
    fig.update_yaxes(title_text="HLE score (%)", ticksuffix="%",
                     range=[0, (top if pd.notna(top) else 50) * 1.15])
    settings = {
        "reporters": "any" if normalise_reporters(reporters) == REPORTER_KINDS else ", ".join(
            normalise_reporters(reporters)),
        "pick": pick, "subset": SUBSET_LABELS.get(subset, subset), "scores published by": str(day),
        "disputed figures": "included" if _yes(include_disputed) else "left out",
    }
    if len(unscored):
        settings["no score"] = (", ".join(map(esc, unscored)) if len(unscored) <= 4
                                else f"{len(unscored)} models")
    prov = Provenance("HLE (Humanity's Last Exam) without tools and with tools (search, code)", registry.as_of(),
                      settings)  # scores only: no price, so no "your prices"
    finish(fig, "HLE without tools vs with tools", prov, height=520)
    return fig, data


CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("cost-vs-hle", "Cost vs HLE",
              "Blended price (log) against HLE score; Pareto frontier; CN red, US blue; marker by condition",
              cost_vs_hle,
              (RATIO, ChartOption("condition", "tools, no-tools or best available", DEFAULT_POLICY.condition,
                                  CONDITIONS),
               REPORTERS, PICK, SUBSET, CACHE_HIT, PROMPT, CURRENCY, ON, REGION, SERVICE_TIER, DISPUTED, MODELS)),
    ChartSpec("hle-conditions", "HLE without vs with tools",
              "Per model, the HLE score without tools beside the score with tools (grouped bars)",
              hle_conditions, (REPORTERS, PICK, SUBSET, ON, DISPUTED, MODELS)),
)
