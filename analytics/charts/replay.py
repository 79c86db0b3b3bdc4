"""The replay charts: a usage log's total cost on each model, and the distribution of the cost per request."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.core.registry import Registry
from analytics.formatting import count, money, rows
from analytics.replay.engine import ReplayResult, replay
from analytics.replay.samples import sample_log
from analytics.replay.usage import validate_usage

from .base import COUNTRY_NAMES, Provenance, country_color, finish, log_ticks, money_symbol, money_ticks
from .spec import CURRENCY, ChartOption, ChartSpec


def _provenance(result: ReplayResult, registry: Registry, what: str) -> Provenance:
    settings = {"requests": f"{result.requests:,}", "prices": f"{result.region}/{result.service_tier}"}
    if result.period:
        settings["log"] = f"{result.period[0]} to {result.period[1]}"
    else:
        settings["priced on"] = str(result.priced_on)
    return Provenance(what, registry.as_of(), settings, overlay=registry.overlay_label())


def _cannot_take(row: pd.Series) -> str:
    """What a bar's model cannot take: "" when it takes every request, else "188 cannot run" (the hover says of how
    many)."""
    left_out = row["not_fitting"] + row["no_price"]
    return f"{_number(left_out)} cannot run" if left_out else ""


def _number(value: float) -> str:
    """A request count (weighted counts can be fractional)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def cost_per_model_figure(result: ReplayResult, registry: Registry, title: str | None = None) -> go.Figure:
    """Bars: like for like, the cost of the requests every compared model can take (``total_cost_common``) on each
    model, with what each model cannot take written under its name; the recorded cost as a line when it covers
    those same requests' models."""
    summary = result.summary
    table = summary.sort_values("total_cost_common", na_position="last")
    currency = result.currency
    common = summary["common_requests"].iloc[0] if len(summary) else 0
    every = bool(len(summary)) and common == result.requests
    # what a model cannot take, written on its bar under the value: distinct from the cost it is compared on
    texts = [(money(v, currency) if np.isfinite(v) else "no price") + (f"<br>{note}" if note else "")
             for v, note in zip(table["total_cost_common"], (_cannot_take(r) for _, r in table.iterrows()),
                                strict=True)]
    fig = go.Figure(go.Bar(
        x=table["model"], y=table["total_cost_common"], marker_color=[country_color(c) for c in table["country"]],
        text=texts, textposition="outside", cliponaxis=False, textfont={"size": 11},
        customdata=np.stack([table["priced"], table["not_fitting"], table["no_price"],
                             [money(v, currency) if np.isfinite(v) else "no price" for v in table["total_cost"]]],
                            axis=1),
        hovertemplate="%{x}<br>on the requests every model takes: %{y:,.2f} " + currency +
                      "<br>on all it can take: %{customdata[3]}"
                      "<br>priced %{customdata[0]:,}<br>not fitting %{customdata[1]:,}<br>no price %{customdata[2]:,}"
                      "<extra></extra>",
        name="cost on this model", showlegend=False,
    ))
    for country in dict.fromkeys(table["country"]):  # the colours' legend
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=COUNTRY_NAMES.get(country, "other"),
                                 marker={"symbol": "square", "size": 12, "color": country_color(country)},
                                 hoverinfo="skip"))
    recorded = result.as_recorded
    if recorded.get("rows") and every:
        # drawn only when the bars cover every request too: otherwise the two would not be like for like.
        # Named in the legend: a label on the line would sit on the bars
        fig.add_hline(y=recorded["cost"], line_dash="dash", line_color="#444", line_width=1.5)
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="lines", hoverinfo="skip", line={"color": "#444", "dash": "dash", "width": 1.5},
            name=f"as recorded: {money(recorded['cost'], currency)} ({recorded['rows']:,} of "
                 f"{rows(recorded['rows_total'])})"))
    fig.update_layout(xaxis_title="Model", yaxis_title=f"Cost ({currency})",
                      uniformtext={"minsize": 10, "mode": "show"})  # a two-line label is never shrunk unreadable
    fig.update_yaxes(tickprefix=money_symbol(currency), rangemode="tozero")
    scope = (count(result.requests, "request") if every
             else f"the {count(common, 'request')} every model can take, of {_number(result.requests)}")
    return finish(fig, title or f"What the log would have cost on each model ({scope})",
                  _provenance(result, registry, "Usage replay at each request's tier and day's price, like for like: "
                                                "the requests every compared model can take"))


def cost_distribution_figure(result: ReplayResult, registry: Registry, title: str | None = None) -> go.Figure:
    """Lines: the share of requests per cost bin (log-spaced) on each model."""
    data = result.distribution()
    fig = go.Figure()
    countries = dict(zip(result.summary["model"], result.summary["country"], strict=True))
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
    seen: dict[str, int] = {}
    for model, part in data.groupby("model", sort=False):
        country = countries.get(model)
        style = dashes[seen.get(country, 0) % len(dashes)]
        seen[country] = seen.get(country, 0) + 1
        middle = np.sqrt(part["cost_low"] * part["cost_high"])
        fig.add_trace(go.Scatter(
            x=middle, y=part["share"], mode="lines", name=model, line={"color": country_color(country),
                                                                      "dash": style, "shape": "hvh"},
            hovertemplate=model + "<br>cost ≈ %{x:.3g} " + result.currency + "<br>%{y:.1%} of requests<extra></extra>",
        ))
    fig.update_layout(xaxis_type="log", xaxis_title=f"Cost per request ({result.currency}, log scale)",
                      yaxis_title="Share of priced requests", yaxis_tickformat=".0%")
    if not data.empty:
        positive = data.loc[data["cost_low"] > 0, "cost_low"]
        if not positive.empty:
            ticks = log_ticks(float(positive.min()), float(data["cost_high"].max()))
            fig.update_xaxes(tickvals=ticks, ticktext=money_ticks(ticks, result.currency))
    return finish(fig, title or "Distribution of the cost per request",
                  _provenance(result, registry, "Usage replay, cost per request in 40 log-spaced bins"))


def _sample_result(registry: Registry, models: list[str] | None, requests: int, seed: int, currency: str
                   ) -> ReplayResult:
    usage = validate_usage(sample_log(requests, seed=seed, end=registry.as_of(), registry=registry), "sample")
    return replay(registry, usage, models or None, currency=currency)


def _build_cost_per_model(registry: Registry, models: list[str] | None = None, requests: int = 5_000, seed: int = 0,
                          currency: str = "USD") -> tuple[go.Figure, pd.DataFrame]:
    result = _sample_result(registry, models, int(requests), int(seed), currency)
    return cost_per_model_figure(result, registry), result.summary


def _build_cost_distribution(registry: Registry, models: list[str] | None = None, requests: int = 5_000,
                             seed: int = 0, currency: str = "USD") -> tuple[go.Figure, pd.DataFrame]:
    result = _sample_result(registry, models, int(requests), int(seed), currency)
    return cost_distribution_figure(result, registry), result.distribution()


_SAMPLE_OPTIONS = (
    ChartOption("models", "models to price the log on (default: the seed models)", None, multiple=True),
    ChartOption("requests", "requests in the generated sample log", 5_000),
    ChartOption("seed", "random seed of the sample log", 0),
    CURRENCY,
)

CHART_SPECS = (
    ChartSpec("replay-cost-per-model", "Usage replay: cost per model",
              "Total cost of a generated sample log (seeded) on each model, each request at its own tier",
              _build_cost_per_model, _SAMPLE_OPTIONS),
    ChartSpec("replay-cost-distribution", "Usage replay: cost per request",
              "Distribution of the per-request cost of the generated sample log on each model",
              _build_cost_distribution, _SAMPLE_OPTIONS),
)
