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
    money_ticks,
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
    unpriced_beyond = _draw_curves(fig, curves, ends, symbol)
    fig.update_xaxes(type="log", title_text="Prompt tokens (input + cached), log scale",
                     # no 200K tick: on a phone it collides with 100K (the cliffs mark the tier bounds anyway)
                     tickvals=[1e3, 1e4, 3.2768e4, 1e5, 1e6], ticktext=["1K", "10K", "32K", "100K", "1M"])
    fig.update_yaxes(type="log" if y_scale == "log" else "linear",
                     title_text=f"Cost of one request ({currency}{', log scale' if y_scale == 'log' else ''})",
                     tickprefix=symbol)
    if y_scale == "log" and not curves.empty:
        ticks = log_ticks(curves["cost"].min(), curves["cost"].max())
        fig.update_yaxes(tickvals=ticks, ticktext=money_ticks(ticks, currency))
    missing = ends[(ends["status"] != "ok") & ~ends["model"].isin(set(curves["model"]))]
    settings = {"output tokens": f"{float(output_tokens):,.0f}", **where_note(region, service_tier)}
    if unpriced_beyond:
        names = dict(zip(ends["model"], ends["name"], strict=True))
        settings["priced only up to"] = ", ".join(f"{esc(names[m])} {tokens(p)}"
                                                  for m, (p, _) in unpriced_beyond.items())
    if cache_hit:
        settings["cache hit"] = f"{cache_hit:.0%}"
    if not missing.empty:
        settings["not plotted"] = not_plotted(missing)
    prov = Provenance("Cost of one request against its prompt; dotted ▲: a cliff (the next tier re-prices the whole "
                      "request); thick bar: where the window ends",
                      registry.as_of(), settings, overlay=registry.overlay_label())
    finish(fig, f"Cost of one request by prompt length ({float(output_tokens):,.0f} output tokens)", prov,
           height=560)
    return fig, curves


def _draw_curves(fig: go.Figure, curves: pd.DataFrame, ends: pd.DataFrame, symbol: str) -> dict[str, tuple[int, float]]:
    """One line per model (a shade of its country's colour), broken at each cliff and the cliff drawn as a dotted
    jump; a thick bar where its window ends, an × where its known prices stop; the marks explained in the legend.
    Returns the models priced only up to some prompt: model → (that prompt, its cost)."""
    styles = model_shades(curves) if not curves.empty else {}
    window = dict(zip(ends["model"], ends["max_prompt_tokens"], strict=True))
    names = dict(zip(ends["model"], ends["name"], strict=True))
    any_cliff = False
    for model_id, curve in curves.groupby("model", sort=False):
        colour, dash = styles[model_id]
        name = esc(curve["name"].iloc[0])
        steps = cliff_steps(curve)
        any_cliff = any_cliff or not steps.empty
        # the line breaks at each cliff (a gap between b and b + 1): a solid vertical would read as a window end
        xs, ys, tiers = [], [], []
        for row, nxt in zip(curve.itertuples(index=False), [*curve.itertuples(index=False)][1:] + [None],
                            strict=True):
            xs.append(row.prompt_tokens)
            ys.append(row.cost)
            tiers.append(row.tier_index + 1)
            if nxt is not None and nxt.tier_index != row.tier_index:
                xs.append(None)
                ys.append(None)
                tiers.append(None)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", name=f"{name} · ends {tokens(window[model_id])}", legendgroup=model_id,
            line={"color": colour, "dash": dash, "width": 2.2}, connectgaps=False, customdata=tiers,
            hovertemplate=(f"<b>{name}</b><br>prompt %{{x:,}} tokens (tier %{{customdata}})<br>"
                           f"cost {symbol}%{{y:.4f}} per request<extra></extra>"),
        ))
        if not steps.empty:
            cx, cy, text, hover = [], [], [], []
            for step in steps.itertuples(index=False):
                cx.extend([step.bound, step.bound + 1, None])
                cy.extend([step.cost_before, step.cost_after, None])
                text.extend(["", f"+{step.jump_pct:.0f}%", ""])
                note = (f"<b>{name}</b>: cliff at {step.bound:,} tokens<br>from {step.bound + 1:,} the whole "
                        f"request is billed at tier {step.tier_after}<br>{symbol}{step.cost_before:.4f} → "
                        f"{symbol}{step.cost_after:.4f} (+{step.jump_pct:.0f}%)")
                hover.extend([note, note, None])
            fig.add_trace(go.Scatter(
                x=cx, y=cy, mode="lines+markers+text", legendgroup=model_id, showlegend=False,
                line={"color": colour, "dash": "dot", "width": 1.6},
                marker={"symbol": ["circle-open", "triangle-up", "circle"] * len(steps),
                        "size": [6, 10, 0] * len(steps), "color": colour},
                text=text, textposition="middle left", textfont={"size": 11, "color": colour},
                hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            ))
    plotted_ends = ends[ends["status"] == "ok"]
    for row in plotted_ends.itertuples(index=False):
        colour, _ = styles.get(row.model, ("#7f7f7f", "solid"))
        fig.add_trace(go.Scatter(
            x=[row.max_prompt_tokens], y=[row.cost_at_end], mode="markers", legendgroup=row.model, showlegend=False,
            marker={"symbol": "line-ns", "size": 18, "line": {"width": 4, "color": colour}},
            hovertemplate=(f"<b>{esc(row.name)}</b>: window ends at {row.max_prompt_tokens:,} prompt tokens<br>"
                           f"(no larger prompt fits) cost {symbol}{row.cost_at_end:.4f}<extra></extra>"),
        ))
    unpriced_beyond = {model_id: mark for model_id, curve in curves.groupby("model", sort=False)
                       if (mark := priced_until(curve)) is not None}
    for model_id, (prompt, cost) in unpriced_beyond.items():
        colour, _ = styles[model_id]
        fig.add_trace(go.Scatter(
            x=[prompt], y=[cost], mode="markers", legendgroup=model_id, showlegend=False,
            marker={"symbol": "x-thin", "size": 12, "line": {"width": 2.5, "color": colour}},
            hovertemplate=(f"<b>{esc(names[model_id])}</b>: no price is known for prompts above {prompt:,} tokens "
                           "(the window is larger)<extra></extra>"),
        ))
    # what the marks mean, once each, in the legend
    if unpriced_beyond:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="no price known beyond this prompt",
                                 marker={"symbol": "x-thin", "size": 12, "line": {"width": 2.5, "color": "#666"}},
                                 hoverinfo="skip"))
    if any_cliff:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers", name="cliff: a tier re-prices the request",
                                 line={"color": "#666", "dash": "dot", "width": 1.6},
                                 marker={"symbol": "triangle-up", "size": 10, "color": "#666"}, hoverinfo="skip"))
    if not plotted_ends.empty:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="window ends: no larger prompt fits",
                                 marker={"symbol": "line-ns", "size": 16, "line": {"width": 4, "color": "#666"}},
                                 hoverinfo="skip"))
    return unpriced_beyond


def cliff_steps(curve: pd.DataFrame) -> pd.DataFrame:
    """The cliffs of one model's curve (rows sorted by prompt): the last prompt of a tier (``bound``), the cost there
    and one token later, the new tier (1-based) and the jump in percent. A step into a tier with no known price is
    not a cliff (``priced_until`` marks it). Worked example (Qwen3-Max-Thinking, 1,000
    output tokens): at 32,768 the request costs 32,768 × $1.2e-6 + 1,000 × $6e-6 = $0.04532; at 32,769 the whole
    request is billed at $2.4 / $12: $0.09065, +100%."""
    rows = []
    ordered = curve.sort_values("prompt_tokens")
    for before, after in zip(ordered.itertuples(index=False), [*ordered.itertuples(index=False)][1:], strict=False):
        if after.tier_index != before.tier_index and np.isfinite(after.cost) and np.isfinite(before.cost):
            rows.append({"bound": int(before.prompt_tokens), "cost_before": float(before.cost),
                         "cost_after": float(after.cost), "tier_after": int(after.tier_index) + 1,
                         "jump_pct": (after.cost / before.cost - 1) * 100 if before.cost else float("nan")})
    return pd.DataFrame(rows, columns=["bound", "cost_before", "cost_after", "tier_after", "jump_pct"])


def priced_until(curve: pd.DataFrame) -> tuple[int, float] | None:
    """The largest prompt of one model's curve with a known cost, and that cost, when larger prompts that fit the
    window have none (a schedule whose last tier stops short of the window: GPT-6.2 Astra is priced up to 272,000
    prompt tokens in a 922,000-token window); None when the whole curve is priced."""
    ordered = curve.sort_values("prompt_tokens")
    known = ordered[np.isfinite(ordered["cost"].to_numpy(dtype=float))]
    if known.empty or len(known) == len(ordered):
        return None
    last = known.iloc[-1]
    return int(last["prompt_tokens"]), float(last["cost"])


CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("context-tiers", "Cost by prompt length",
              "Cost of one request from a 1K prompt to each model's window: tier cliffs and window ends",
              context_tiers,
              (ChartOption("output_tokens", "output tokens per request", 1000), CACHE_HIT,
               ChartOption("models", "model ids (default: the seed report's models and DeepSeek V3.2)", None,
                           multiple=True), CURRENCY, ON, REGION,
               SERVICE_TIER, ChartOption("y_scale", "log or linear cost axis", "log", ("log", "linear")))),
)
