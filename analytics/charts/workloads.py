"""Charts of agent workloads: cost breakdown, cumulative cost with tier switches, latency, monthly projection,
sensitivity (tornado) and break-even. Builders only draw; every number comes from ``analytics.workloads``.

Each figure function takes results already computed (the page computes once and draws several charts); each
``CHART_SPECS`` builder (``build(registry, **options) → (Figure, DataFrame)``) loads the workload, computes
and draws, for the export command line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.core.clock import today
from analytics.core.errors import AnalyticsError
from analytics.core.presets import headline_models
from analytics.core.registry import Registry
from analytics.formatting import money, tokens
from analytics.workloads.engine import (
    Settings,
    WorkloadResult,
    breakdown_table,
    compare,
    cumulative_cost,
    results_table,
)
from analytics.workloads.model import MIXED, Workload, load_workload, main_role
from analytics.workloads.whatifs import BreakEven, break_even, sensitivity

from .base import Provenance, esc, finish, money_symbol, wrap
from .spec import CURRENCY, ON, REGION, SERVICE_TIER, ChartOption, ChartSpec, parse_day

"""Compared by default: the five models of the seed report (those the registry holds)."""
BREAK_EVEN_MODELS = ("qwen3-max-thinking", "claude-opus-4.5")
"""Default pair: on the research loop, Qwen's long-context tiers overtake Claude Opus's flat but higher price."""
COMPONENT_LABELS = {
    "input": "Uncached input", "cached_input": "Cached input (cache read)", "cache_write": "Cache writes",
    "output": "Visible output", "reasoning": "Reasoning", "tool_fees": "Tool fees",
    "assumed_tool_fees": "Tool fees (your assumed fee)",
}
COMPONENT_COLORS = {
    "input": "#4c72b0", "cached_input": "#a6c8e8", "cache_write": "#dd8452", "output": "#55a868",
    "reasoning": "#8172b3", "tool_fees": "#937860", "assumed_tool_fees": "#c9b79c",
}
LOWER_BOUND = "≥"
"""Marks a figure that leaves out tool calls with no known fee: the true cost is at least that."""
MAX_EDITS_SHOWN = 3
"""Edits listed by name in a footnote; the rest are counted ("+4 more")."""
PARAMETER_LABELS = {
    "steps": "Steps per loop", "count": "Instances per role", "system_prompt_tokens": "System prompt tokens",
    "task_tokens": "Task tokens", "output_tokens_per_step": "Output tokens per step",
    "reasoning_tokens_per_step": "Reasoning tokens per step", "tool_result_tokens_per_step": "Tool-result tokens",
    "tool_calls_per_step": "Tool calls per step", "cache_hit_rate": "Cache-hit rate",
    "returns_tokens": "Tokens returned to parent",
}
_SHADES = {"CN": ["#d62728", "#8c1d18", "#f0837f", "#b3541e"], "US": ["#1f77b4", "#0b3d66", "#6baed6", "#17becf"]}
_OTHER = ["#7f7f7f", "#4d4d4d", "#2ca02c", "#b0b0b0"]
_DASHES = ["solid", "dash", "dot", "dashdot"]


def _money(value: float, currency: str) -> str:
    """A task's cost; an infinite or unknown one means the workload cannot run on the model."""
    return "cannot run" if value is None or not math.isfinite(value) else money(value, currency)


def model_styles(registry: Registry, models: Iterable[str]) -> dict[str, tuple[str, str]]:
    """A (colour, dash) per model: the seed report's country colours (CN reds, US blues), a shade each."""
    used: dict[str, int] = {}
    styles = {}
    for model in dict.fromkeys(models):
        country = registry.entry(model).provider.country if model != MIXED else ""
        i = used.get(country, 0)
        used[country] = i + 1
        shades = _SHADES.get(country, _OTHER)
        styles[model] = (shades[i % len(shades)], _DASHES[i % len(_DASHES)])
    return styles


def _label(registry: Registry, model: str) -> str:
    return "Roles' own models" if model == MIXED else esc(registry.model(model).name)


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _provenance(registry: Registry, what: str, workload: Workload, settings: Settings,
                extra: dict[str, str] | None = None, edits: Sequence[str] = (),
                results: Sequence[WorkloadResult] = (), notes: Sequence[str] = ()) -> Provenance:
    """The footnote: workload ("(edited)", and a line listing the edits), prices, and a line on tool calls without
    a known fee (the fee assumed for them, or which figures are lower bounds, "≥")."""
    on = settings.on or today()
    values = {"workload": esc(_short(workload.name, 36)) + (" (edited)" if edits else ""),
              "prices on": on.isoformat()}
    if settings.region != "global" or settings.service_tier != "standard":
        values["prices"] = f"{settings.region}/{settings.service_tier}"
    values.update(extra or {})
    lines = []
    if edits:
        shown = "; ".join(esc(_short(e, 40)) for e in edits[:MAX_EDITS_SHOWN])
        more = len(edits) - MAX_EDITS_SHOWN
        lines.append("Edited: " + shown + (f"; +{more} more" if more > 0 else ""))
    lines.extend(_fee_notes(registry, results, workload))
    lines.extend(notes)
    return Provenance(what, registry.as_of(), values, notes=tuple(lines),
                      sources="registry data/ (providers/*.yaml); workload token counts are assumptions you set",
                      overlay=registry.overlay_label())


def _fee_notes(registry: Registry, results: Sequence[WorkloadResult], workload: Workload) -> list[str]:
    """Footnote lines for tool calls with no known fee: which models' figures are lower bounds, or the fee
    assumed for them."""
    notes = []
    bounded = [r for r in results if r.lower_bound]
    if bounded:
        calls = ", ".join(f"{_label(registry, r.model)} {r.unpriced_tool_calls:,.0f}" for r in bounded[:3])
        more = f", +{len(bounded) - 3} more" if len(bounded) > 3 else ""
        notes.append(f"{LOWER_BOUND} lower bound: tool calls per task with no known fee are left out ({calls}{more})")
    fee = workload.assumed_tool_fee
    if fee is not None and any(r.assumed_fee_tool_calls for r in results):
        notes.append(f"Assumed tool fee: {fee.per_thousand_calls:g} {fee.currency} per 1,000 calls where the "
                     "provider has none")
    return notes


def _title_name(workload: Workload, edits: Sequence[str]) -> str:
    return esc(workload.name) + (" (edited)" if edits else "")


def _bound_label(registry: Registry, result: WorkloadResult) -> str:
    """A model's legend name, marked when its costs are lower bounds."""
    label = _label(registry, result.model)
    return f"{label} ({LOWER_BOUND} lower bound)" if result.lower_bound else label


# -- figures from computed results ------------------------------------------------------------------------------


def breakdown_figure(registry: Registry, results: Sequence[WorkloadResult], settings: Settings,
                     edits: Sequence[str] = ()) -> go.Figure:
    """Stacked horizontal bars: cost per task by component, one bar per model, total at the end ("≥ $6.40 + 700
    tool calls with no known fee" where the total is a lower bound; fees you assumed are a hatched segment)."""
    frame = breakdown_table(results)
    currency = settings.currency
    labels = [_label(registry, r.model) for r in results]
    fig = go.Figure()
    symbol = money_symbol(currency)
    for component in COMPONENT_LABELS:
        part = frame[frame["component"] == component]
        values = part["cost"].to_numpy()
        if not np.any(np.nan_to_num(values) > 0):
            continue
        pattern = {"shape": "/", "fgcolor": "#6b5a43"} if component == "assumed_tool_fees" else None
        fig.add_trace(go.Bar(
            y=labels, x=np.nan_to_num(values), orientation="h", name=COMPONENT_LABELS[component],
            marker_color=COMPONENT_COLORS[component], marker_pattern=pattern,
            hovertemplate=f"%{{y}}<br>{COMPONENT_LABELS[component]}: {symbol}%{{x:,.4f}}<extra></extra>",
        ))
    top = max([r.cost_per_task for r in results if math.isfinite(r.cost_per_task)] or [0])
    for label, result in zip(labels, results, strict=True):
        note = _money(result.cost_per_task, currency)
        if result.lower_bound:
            note = f"{LOWER_BOUND} {note} + {result.unpriced_tool_calls:,.0f} tool calls with no known fee"
        if result.exceeds_context:
            first = result.exceeds_context[0]
            note = f"cannot run: {first['role']} exceeds the window at step {first['step']}"
        elif result.no_price:
            note = "no price"
        x = result.cost_per_task if math.isfinite(result.cost_per_task) else 0
        # wrapped: on a phone the space right of the longest bar is about 100 px
        fig.add_annotation(x=x, y=label, text=wrap(note, 22), showarrow=False, xanchor="left", xshift=6,
                           align="left", font={"size": 11, "color": "#333"})
    fig.update_layout(barmode="stack", bargap=0.35, legend={"traceorder": "normal"})
    fig.update_xaxes(title_text=f"Cost per task ({currency})", tickprefix=money_symbol(currency),
                     range=[0, top * 1.7 if top > 0 else 1], rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    workload = results[0].workload
    prov = _provenance(registry, "Σ roles × instances × steps", workload, settings, edits=edits, results=results)
    finish(fig, f"What one task costs: {_title_name(workload, edits)}", prov,
           height=max(420, 200 + 60 * len(results)))
    return fig


def cumulative_figure(registry: Registry, results: Sequence[WorkloadResult], settings: Settings,
                      role: str | None = None, edits: Sequence[str] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """Running cost of one role over its steps, one line per model; ◆ where a step moves to another price tier,
    ✕ where the window is exceeded (the line stops: that step cannot run)."""
    workload = results[0].workload
    name = role or main_role(workload).name
    frames = [cumulative_cost(r, name) for r in results]
    data = pd.concat(frames, ignore_index=True)
    styles = model_styles(registry, [r.model for r in results])
    currency = settings.currency
    symbol = money_symbol(currency)
    fig = go.Figure()
    for result, frame in zip(results, frames, strict=True):
        colour, dash = styles[result.model]
        label = _label(registry, result.model)
        if frame["unpriced_tool_calls"].sum() > 0 and frame["step_cost"].notna().all():  # a lower bound
            label = f"{label} ({LOWER_BOUND} lower bound)"
        fits = frame[frame["fits"]]
        fig.add_trace(go.Scatter(
            x=fits["step"], y=fits["cumulative_cost"], mode="lines+markers", name=label, legendgroup=result.model,
            line={"color": colour, "dash": dash, "width": 2.2}, marker={"size": 4},
            customdata=np.stack([fits["prompt_tokens"], fits["tier_index"] + 1], axis=-1),
            hovertemplate=(f"<b>{label}</b><br>step %{{x}}: prompt %{{customdata[0]:,.0f}} tokens, "
                           f"tier %{{customdata[1]}}<br>cumulative {symbol}%{{y:,.4f}}<extra></extra>"),
        ))
        switches = frame[frame["tier_switch"] & frame["fits"]]
        if len(switches):
            text = [f"tier {int(i) + 1}: prompt {tokens(p)}" for i, p in
                    zip(switches["tier_index"], switches["prompt_tokens"], strict=True)]
            fig.add_trace(go.Scatter(
                x=switches["step"], y=switches["cumulative_cost"], mode="markers+text", text=text,
                textposition="top left", textfont={"size": 11, "color": colour}, legendgroup=result.model,
                showlegend=False, marker={"symbol": "diamond", "size": 12, "color": colour,
                                          "line": {"width": 1.5, "color": "white"}},
                hovertemplate=f"<b>{label}</b><br>step %{{x}} moves to another price tier<extra></extra>",
            ))
        over = frame[~frame["fits"]]
        if len(over):
            step = int(over["step"].iloc[0])
            y = float(fits["cumulative_cost"].iloc[-1]) if len(fits) else 0.0
            fig.add_trace(go.Scatter(
                x=[step], y=[y], mode="markers+text", text=[f"window exceeded at step {step}"],
                textposition="bottom right", textfont={"size": 11, "color": colour}, legendgroup=result.model,
                showlegend=False, marker={"symbol": "x", "size": 12, "color": colour},
                hovertemplate=f"<b>{label}</b><br>step %{{x}} does not fit the window<extra></extra>",
            ))
    instances = workload.role(name).count
    fig.update_xaxes(title_text=f"Step of the {esc(name)} loop", rangemode="tozero")
    fig.update_yaxes(title_text=f"Cumulative cost ({currency})", tickprefix=symbol, rangemode="tozero")
    prov = _provenance(registry, "◆ new price tier · ✕ beyond the window", workload, settings, edits=edits,
                       results=results)
    times = f" (all {instances:,} instances)" if instances > 1 else ""
    edited = " (edited workload)" if edits else ""
    finish(fig, f"Cumulative cost across steps: {esc(name)}{times}{edited}", prov, height=540)
    return fig, data


def latency_figure(registry: Registry, results: Sequence[WorkloadResult], settings: Settings,
                   edits: Sequence[str] = ()) -> go.Figure:
    """Wall time (parallel) beside serial time per model, with the speed-up: horizontal bars, one row per model, so
    that the speed-up written at the end of each row never meets its neighbour's (seven models on a phone)."""
    labels = [_label(registry, r.model) for r in results]
    walls = [r.wall_time_s / 60 for r in results]
    serials = [r.serial_time_s / 60 for r in results]
    speedups = [f"{r.speedup:.1f}× faster" if r.speedup > 1.0001 else "" for r in results]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=labels, x=walls, orientation="h", name="Wall time (roles in parallel waves)",
                         marker_color="#1b4f72", hovertemplate="%{y}<br>wall %{x:,.1f} min<extra></extra>"))
    fig.add_trace(go.Bar(y=labels, x=serials, orientation="h", name="Serial time (one call at a time)",
                         marker_color="#9db4c8", text=speedups, textposition="outside", cliponaxis=False,
                         textfont={"size": 11, "color": "#1b4f72"},
                         hovertemplate="%{y}<br>serial %{x:,.1f} min<extra></extra>"))
    fig.update_layout(barmode="group", bargap=0.3, legend={"traceorder": "normal"})
    highest = max([*walls, *serials, 0])
    fig.update_xaxes(title_text="Minutes per task", range=[0, highest * 1.75 if highest > 0 else 1])
    fig.update_yaxes(autorange="reversed")
    speeds = {(run.speed.output_tokens_per_s, run.speed.time_to_first_token_s, run.speed.source)
              for r in results for run in r.roles}
    shown = "; ".join(sorted(f"{tps:g} tok/s + {ttft:g} s TTFT ({_short(src, 24)})" for tps, ttft, src in speeds))
    prov = _provenance(registry, "TTFT + tokens / speed + tool latency; N× faster: serial time / wall time",
                       results[0].workload, settings, {"speeds": esc(_short(shown, 70))}, edits=edits)
    edited = " (edited workload)" if edits else ""
    finish(fig, f"Wall time vs serial time per task{edited}", prov, height=max(400, 200 + 50 * len(results)))
    return fig


def monthly_figure(registry: Registry, results: Sequence[WorkloadResult], settings: Settings,
                   tasks_per_month: float, edits: Sequence[str] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """Monthly cost against volume (0 to 2× the chosen volume), the chosen volume marked; a lower bound is
    labelled "≥ $3,200" and named so in the legend."""
    top = max(tasks_per_month * 2, 10)
    volumes = np.linspace(0, top, 41)
    styles = model_styles(registry, [r.model for r in results])
    currency = settings.currency
    symbol = money_symbol(currency)
    rows = []
    fig = go.Figure()
    at_volume = {r.model: tasks_per_month * r.cost_per_task for r in results if math.isfinite(r.cost_per_task)}
    highest = max([top * cost for cost in (r.cost_per_task for r in results) if math.isfinite(cost)] or [1])
    label_y = spread_labels(at_volume, gap=0.07 * highest)
    for result in results:
        if not math.isfinite(result.cost_per_task):
            continue
        colour, dash = styles[result.model]
        label = _bound_label(registry, result)
        monthly = volumes * result.cost_per_task
        rows.extend({"model": result.model, "tasks_per_month": v, "monthly_cost": m,
                     "lower_bound": result.lower_bound} for v, m in zip(volumes, monthly, strict=True))
        fig.add_trace(go.Scatter(x=volumes, y=monthly, mode="lines", name=label, legendgroup=result.model,
                                 line={"color": colour, "dash": dash, "width": 2.2},
                                 hovertemplate=f"<b>{label}</b><br>%{{x:,.0f}} tasks: {symbol}%{{y:,.0f}}"
                                               "<extra></extra>"))
        at = at_volume[result.model]
        fig.add_trace(go.Scatter(x=[tasks_per_month], y=[at], mode="markers", legendgroup=result.model,
                                 showlegend=False, marker={"color": colour, "size": 9}, hoverinfo="skip"))
        # every model keeps its label; labels too close are moved apart, with a leader line to their point
        bound = f"{LOWER_BOUND} " if result.lower_bound else ""
        fig.add_annotation(x=tasks_per_month, y=at, ax=tasks_per_month * 0.62, ay=label_y[result.model],
                           axref="x", ayref="y", text=f"{bound}{symbol}{at:,.0f}", showarrow=True, arrowhead=0,
                           arrowwidth=1, arrowcolor=colour, xanchor="right", bgcolor="rgba(255,255,255,0.9)",
                           font={"color": colour, "size": 12})
    fig.add_vline(x=tasks_per_month, line={"color": "#888", "dash": "dot", "width": 1})
    fig.update_xaxes(title_text="Tasks per month", rangemode="tozero")
    fig.update_yaxes(title_text=f"Monthly cost ({currency})", tickprefix=symbol, rangemode="tozero",
                     range=[0, max([highest, *label_y.values()]) * 1.05])
    prov = _provenance(registry, "tasks per month × cost per task", results[0].workload, settings, edits=edits,
                       results=results)
    bounded = " (≥: lower bounds)" if any(r.lower_bound for r in results) else ""
    edited = " (edited workload)" if edits else ""
    finish(fig, f"Monthly projection at {tasks_per_month:,.0f} tasks a month{bounded}{edited}", prov, height=480)
    return fig, pd.DataFrame(rows, columns=["model", "tasks_per_month", "monthly_cost", "lower_bound"])


def spread_labels(values: dict[str, float], gap: float) -> dict[str, float]:
    """A y position per label, as near its value as can be with at least ``gap`` between neighbours: labels that
    would overlap are pushed up, never dropped. Worked example, gap 10: values 0, 4, 50 → 0, 10, 50."""
    placed: dict[str, float] = {}
    last = -math.inf
    for key, value in sorted(values.items(), key=lambda kv: kv[1]):
        placed[key] = max(value, last + gap)
        last = placed[key]
    return placed


def tornado_figure(registry: Registry, frame: pd.DataFrame, workload: Workload, model: str, settings: Settings,
                   swing: float = 0.5, edits: Sequence[str] = ()) -> go.Figure:
    """Each parameter at ×(1 − swing) and ×(1 + swing) on every role: change in cost per task, widest first.
    Where the base cost is a lower bound (tool calls with no known fee), the title and the axis say so: the
    tool-call bar then understates what tool calls cost."""
    currency = settings.currency
    symbol = money_symbol(currency)
    data = frame.iloc[::-1]  # widest at the top
    # two short lines each: on a phone one long line would leave the bars a sliver of the width
    labels = [wrap(PARAMETER_LABELS.get(p, p), 16) for p in data["parameter"]]
    fig = go.Figure()
    for column, name, colour in (("low_delta", f"×{1 - swing:g}", "#4c9f70"),
                                 ("high_delta", f"×{1 + swing:g}", "#c44e52")):
        values = data[column].to_numpy(dtype=float)
        fig.add_trace(go.Bar(
            y=labels, x=np.nan_to_num(values), orientation="h", name=f"Parameter {name}", marker_color=colour,
            text=[_signed(v, symbol) for v in values], textposition="outside", cliponaxis=False,
            hovertemplate=f"%{{y}} {name}: %{{x:+,.4f}} {currency} per task<extra></extra>",
        ))
    base = float(frame["base"].iloc[0]) if len(frame) else math.nan
    finite = np.abs(np.nan_to_num(frame[["low_delta", "high_delta"]].to_numpy(dtype=float)))
    reach = float(finite.max()) if finite.size else 1.0
    fig.update_layout(barmode="overlay", bargap=0.3)
    ticks = _symmetric_ticks(reach)
    bounded = "lower_bound" in frame.columns and bool(frame["lower_bound"].any())
    base_text = f"{LOWER_BOUND} {_money(base, currency)}" if bounded else _money(base, currency)
    fig.update_xaxes(title_text=f"Change in cost per task from {base_text} ({currency})",
                     tickvals=ticks, ticktext=[_signed(t, symbol, plus=False) for t in ticks], zeroline=True,
                     zerolinecolor="#444", zerolinewidth=1.5, range=[-reach * 1.7 - 1e-12, reach * 1.7 + 1e-12])
    label = _label(registry, model) if model else "Roles' own models"
    notes = []
    if bounded:
        calls = float(frame["unpriced_tool_calls"].iloc[0])
        notes.append(f"{LOWER_BOUND} lower bound: {calls:,.0f} tool calls per task with no known fee are left out, "
                     "so tool calls move the cost less than they would at any real fee")
    prov = _provenance(registry, f"±{swing:.0%} on every role, the rest held", workload, settings, edits=edits,
                       notes=notes)
    bound = f" ({LOWER_BOUND} lower bound)" if bounded else ""
    edited = " (edited workload)" if edits else ""
    finish(fig, f"What moves the cost of a task: {label}{bound}{edited}", prov, height=520)
    return fig


def _signed(value: float, symbol: str, plus: bool = True) -> str:
    """+$1.2 / −$0.5 (the sign before the currency symbol)."""
    if value is None or not math.isfinite(value):
        return "cannot run"
    sign = "−" if value < 0 else ("+" if plus and value > 0 else "")
    return f"{sign}{symbol}{abs(value):,.3g}"


def _symmetric_ticks(reach: float) -> list[float]:
    """Round tick values from −reach to +reach (1-2-5 steps, about 3 each side)."""
    if not reach > 0:
        return [0.0]
    raw = reach / 3
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    count = int(math.ceil(reach * 1.4 / step))
    return [float(f"{i * step:.6g}") for i in range(-count, count + 1)]


def break_even_figure(registry: Registry, result: BreakEven, workload: Workload, settings: Settings,
                      edits: Sequence[str] = ()) -> go.Figure:
    """Cost per task of two models as one role's loop gets longer; the step counts where the cheaper one changes."""
    styles = model_styles(registry, [result.model_a, result.model_b])
    currency = settings.currency
    symbol = money_symbol(currency)
    table = result.table
    fig = go.Figure()
    bounds = {"cost_a": result.lower_bound_a, "cost_b": result.lower_bound_b}
    for key, model in (("cost_a", result.model_a), ("cost_b", result.model_b)):
        colour, dash = styles[model]
        label = _label(registry, model)
        name = f"{label} ({LOWER_BOUND} lower bound)" if bounds[key] else label
        fig.add_trace(go.Scatter(x=table["steps"], y=table[key], mode="lines", name=name,
                                 line={"color": colour, "dash": dash, "width": 2.4},
                                 hovertemplate=f"<b>{label}</b><br>%{{x}} steps: {symbol}%{{y:,.4f}} per task"
                                               "<extra></extra>"))
    for key, model in (("cost_a", result.model_a), ("cost_b", result.model_b)):
        runnable = table[table[key].notna()]
        if len(runnable) < len(table) and len(runnable):
            colour, _ = styles[model]
            last = runnable.iloc[-1]
            fig.add_trace(go.Scatter(
                x=[last["steps"] + 1], y=[last[key]], mode="markers+text", showlegend=False,
                marker={"symbol": "x", "size": 11, "color": colour}, textposition="middle left",
                text=[wrap(f"{_label(registry, model)}: window exceeded at {int(last['steps']) + 1} steps", 24)],
                textfont={"size": 11, "color": colour}, hoverinfo="skip"))
    for steps in result.crossings:
        row = table[table["steps"] == steps].iloc[0]
        cheaper = result.model_a if row["cheaper"] == "a" else result.model_b
        fig.add_vline(x=steps, line={"color": "#555", "dash": "dot", "width": 1})
        # inside the plot, on the side of the line with more room (above it, it would meet the title)
        left_half = steps <= (table["steps"].min() + table["steps"].max()) / 2
        fig.add_annotation(x=steps, y=0.98, yref="paper", yanchor="top", xanchor="left" if left_half else "right",
                           xshift=4 if left_half else -4, showarrow=False, align="left" if left_half else "right",
                           text=wrap(f"from {steps} steps: {_label(registry, cheaper)} cheaper", 24),
                           font={"size": 11}, bgcolor="rgba(255,255,255,0.85)")
    fig.update_xaxes(title_text=f"Steps in the {esc(result.role)} loop", rangemode="tozero")
    fig.update_yaxes(title_text=f"Cost per task ({currency})", tickprefix=symbol, rangemode="tozero")
    verdict = ("no crossing in this range" if not result.crossings
               else "crosses at " + ", ".join(f"{s} steps" for s in result.crossings))
    notes = []
    if result.lower_bound_a or result.lower_bound_b:
        which = " and ".join(_label(registry, m) for m, b in ((result.model_a, result.lower_bound_a),
                                                              (result.model_b, result.lower_bound_b)) if b)
        notes.append(f"{LOWER_BOUND} lower bound: {which} leaves out tool calls with no known fee "
                     "(a crossing may move)")
    prov = _provenance(registry, verdict, workload, settings, edits=edits, notes=notes)
    edited = " (edited workload)" if edits else ""
    finish(fig, f"Break-even: {_label(registry, result.model_a)} vs {_label(registry, result.model_b)}{edited}",
           prov, height=500)
    return fig


# -- builders for the catalog (export CLI) -----------------------------------------------------------------------


def _workload(workload: str | Workload) -> Workload:
    return workload if isinstance(workload, Workload) else load_workload(workload)


def _models(registry: Registry, model: Iterable[str] | str | None, on: dt.date | None = None) -> list[str]:
    """The models asked for, or each provider's flagship that can be called on ``on`` (the default selection)."""
    if isinstance(model, str):
        model = [model]
    return list(model or []) or headline_models(registry, on)


def _settings(currency: str, on: dt.date | str | None, region: str, service_tier: str) -> Settings:
    return Settings(region=region, service_tier=service_tier, on=parse_day(on), currency=currency)


def workload_cost_breakdown(registry: Registry, workload: str | Workload = "agent-swarm",
                            model: Iterable[str] | None = None, currency: str = "USD", on: Any = None,
                            region: str = "global", service_tier: str = "standard") -> tuple[go.Figure, pd.DataFrame]:
    """Stacked cost per task by component, one bar per model."""
    settings = _settings(currency, on, region, service_tier)
    results = compare(_workload(workload), registry, _models(registry, model, settings.on), settings)
    return breakdown_figure(registry, results, settings), results_table(results)


def workload_cumulative_cost(registry: Registry, workload: str | Workload = "research-loop",
                             model: Iterable[str] | None = None, role: str | None = None, currency: str = "USD",
                             on: Any = None, region: str = "global",
                             service_tier: str = "standard") -> tuple[go.Figure, pd.DataFrame]:
    """Running cost of one role across its steps per model, tier switches marked."""
    settings = _settings(currency, on, region, service_tier)
    loaded = _workload(workload)
    if role and role not in [r.name for r in loaded.roles]:
        raise AnalyticsError(f"no role {role!r} in {loaded.name!r}: choose one of "
                             f"{', '.join(r.name for r in loaded.roles)}")
    results = compare(loaded, registry, _models(registry, model, settings.on), settings)
    return cumulative_figure(registry, results, settings, role or None)


def workload_sensitivity(registry: Registry, workload: str | Workload = "agent-swarm", model: str | None = None,
                         swing: float = 0.5, currency: str = "USD", on: Any = None, region: str = "global",
                         service_tier: str = "standard") -> tuple[go.Figure, pd.DataFrame]:
    """Tornado of cost per task with each parameter ±``swing`` on one model (default: the roles' own)."""
    if isinstance(model, (list, tuple)):
        model = model[0] if model else None
    settings = _settings(currency, on, region, service_tier)
    loaded = _workload(workload)
    frame = sensitivity(loaded, registry, model or None, settings, swing=float(swing))
    return tornado_figure(registry, frame, loaded, model or MIXED, settings, float(swing)), frame


def workload_latency(registry: Registry, workload: str | Workload = "agent-swarm",
                     model: Iterable[str] | None = None, currency: str = "USD", on: Any = None,
                     region: str = "global", service_tier: str = "standard") -> tuple[go.Figure, pd.DataFrame]:
    """Wall vs serial time per task per model, with the speed-up."""
    settings = _settings(currency, on, region, service_tier)
    results = compare(_workload(workload), registry, _models(registry, model, settings.on), settings)
    table = results_table(results)[["model", "wall_time_s", "serial_time_s", "speedup"]]
    return latency_figure(registry, results, settings), table


def workload_monthly(registry: Registry, workload: str | Workload = "agent-swarm",
                     model: Iterable[str] | None = None, tasks_per_month: float | None = None,
                     currency: str = "USD", on: Any = None, region: str = "global",
                     service_tier: str = "standard") -> tuple[go.Figure, pd.DataFrame]:
    """Monthly cost against volume, per model."""
    settings = _settings(currency, on, region, service_tier)
    loaded = _workload(workload)
    volume = float(tasks_per_month) if tasks_per_month not in (None, "") else loaded.tasks_per_month
    if not math.isfinite(volume) or volume < 0:
        raise AnalyticsError(f"tasks per month must be a non-negative number, got {tasks_per_month!r}")
    results = compare(loaded, registry, _models(registry, model, settings.on), settings, tasks_per_month=volume)
    return monthly_figure(registry, results, settings, volume)


def workload_break_even(registry: Registry, workload: str | Workload = "research-loop",
                        model: Iterable[str] | None = None, role: str | None = None, max_steps: int | None = None,
                        currency: str = "USD", on: Any = None, region: str = "global",
                        service_tier: str = "standard") -> tuple[go.Figure, pd.DataFrame]:
    """Two models (the first two given; default Qwen3-Max-Thinking vs Claude Opus 4.5) as one role's loop grows."""
    chosen = list(model) if model else [m for m in BREAK_EVEN_MODELS if m in registry.entries]
    if isinstance(model, str):
        chosen = [model]
    if len(chosen) < 2:
        raise AnalyticsError("break-even needs two models: give --model twice")
    settings = _settings(currency, on, region, service_tier)
    loaded = _workload(workload)
    result = break_even(loaded, registry, chosen[0], chosen[1], role or None,
                        int(max_steps) if max_steps else None, settings)
    return break_even_figure(registry, result, loaded, settings), result.table


_WORKLOAD = ChartOption("workload", "a preset (agent-swarm, chat-turn, coding-agent, long-document, research-loop) "
                                    "or a workload YAML file", "agent-swarm")
_MODELS = ChartOption("model", "model ids to compare (default: the seed report's five)", None, multiple=True)
_ROLE = ChartOption("role", "the role whose loop is followed (default: the top-level role with most steps)", None)
_PRICES = (CURRENCY, ON, REGION, SERVICE_TIER)

CHART_SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("workload-cost-breakdown", "Workload cost per task",
              "Cost of one agent task per model, stacked by component (input, cache, output, reasoning, tools)",
              workload_cost_breakdown, (_WORKLOAD, _MODELS, *_PRICES)),
    ChartSpec("workload-cumulative-cost", "Workload cost across steps",
              "Running cost of one role's loop per model; where the prompt crosses a price tier is marked",
              workload_cumulative_cost,
              (ChartOption("workload", _WORKLOAD.help, "research-loop"), _MODELS, _ROLE, *_PRICES)),
    ChartSpec("workload-sensitivity", "Workload sensitivity (tornado)",
              "Change in cost per task with each workload parameter at ±50% on one model",
              workload_sensitivity,
              (_WORKLOAD, ChartOption("model", "one model id (default: the roles' own models)", None),
               ChartOption("swing", "relative change of each parameter, 0–1", 0.5), *_PRICES)),
    ChartSpec("workload-latency", "Workload wall vs serial time",
              "Wall time with parallel roles against serial time per task, with the speed-up",
              workload_latency, (_WORKLOAD, _MODELS, *_PRICES)),
    ChartSpec("workload-monthly", "Workload monthly projection",
              "Monthly cost against tasks per month, per model",
              workload_monthly,
              (_WORKLOAD, _MODELS, ChartOption("tasks_per_month", "volume marked (default: the workload's)", None),
               *_PRICES)),
    ChartSpec("workload-break-even", "Workload break-even",
              "Cost per task of two models as one role's loop gets longer; where the cheaper one changes",
              workload_break_even,
              (ChartOption("workload", _WORKLOAD.help, "research-loop"),
               ChartOption("model", "two model ids (default: qwen3-max-thinking, claude-opus-4.5)", None,
                           multiple=True), _ROLE,
               ChartOption("max_steps", "longest loop shown (default: twice the role's steps)", None), *_PRICES)),
)
