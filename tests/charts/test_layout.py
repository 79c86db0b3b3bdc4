"""Readable at any width (issue 17): text wrapped for a phone, the footnote and the legend placed so that they cannot
meet, currency on every money axis — and each chart's own fix (Blended, Context tiers, Capability over time,
Replay, Agent workloads). The browser test (tests/e2e/test_layout_e2e.py) checks the drawn boxes; these check the
figures."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.charts.base import (
    BOTTOM_LEGEND,
    FOOTNOTE,
    SCREEN_AXIS_CHARS,
    SCREEN_TITLE_CHARS,
    SIDE_LEGEND,
    Provenance,
    finish,
    for_screen,
    money_ticks,
    provenance_of,
    wrap,
)
from analytics.charts.blended import blend_worked_example, blended_prices, clip_at, worked_example_model
from analytics.charts.context_tiers import cliff_steps, context_tiers, priced_until
from analytics.charts.cost_vs_hle import cost_vs_hle, label_positions
from analytics.charts.history import capability_price_history
from analytics.charts.replay import cost_per_model_figure
from analytics.charts.workloads import spread_labels, workload_latency, workload_monthly
from analytics.core.presets import SEED_DATE
from analytics.core.tiers import cost_curves
from analytics.formatting import count
from analytics.replay.engine import replay
from analytics.replay.samples import sample_log
from analytics.replay.usage import validate_usage

# -- wrapping --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "width", "expected"), [
    ("Cost of one request by prompt length (1,000 output tokens)", 40,
     "Cost of one request by prompt length <br>(1,000 output tokens)"),      # 36 + 1 + 21 > 40: break before "("
    ("short", 40, "short"),
    ("a b c", 3, "a b <br>c"),                                                # "a b" is 3: "c" starts a line
    ("first<br>second line here", 11, "first <br>second line <br>here"),     # an existing <br> is kept
    ("Evil &lt;b&gt; x", 9, "Evil &lt;b&gt; <br>x"),                          # "&lt;b&gt;" counts as 3 characters
    ("averyveryverylongword b", 5, "averyveryverylongword <br>b"),            # a long word stays whole
])
def test_wrap_breaks_at_spaces_within_the_width(text, width, expected):
    assert wrap(text, width) == expected


def test_wrap_never_breaks_inside_a_tag():
    text = "one <span style='color: red'>two three</span> four"
    wrapped = wrap(text, 8)
    assert "<span style='color: red'>" in wrapped
    assert all(len(re.sub(r"<[^>]*>", "", line).strip()) <= 8 for line in wrapped.split("<br>"))


# -- the export layout and the screen layout -------------------------------------------------------------------------

def _figure(title: str = "A title that is much longer than any phone can show on one line of text") -> go.Figure:
    fig = go.Figure([go.Scatter(x=[1, 2], y=[1, 2], name="one"), go.Scatter(x=[1, 2], y=[2, 3], name="two")])
    fig.update_xaxes(title_text="An x-axis title long enough to need two lines on a phone")
    fig.update_yaxes(title_text="A y-axis title long enough to need two lines on a phone")
    prov = Provenance("What it shows " + "and more " * 30, SEED_DATE, {"blend": "3:1"})
    return finish(fig, title, prov)


def test_finish_puts_the_legend_beside_the_plot_and_the_footnote_below_the_axis_title():
    """The export layout: the footnote starts 50 px (tick labels) + 18 px (one line of x-axis title) below the plot
    and the bottom margin holds it: 68 + 13 px × its lines + 16."""
    fig = _figure()
    note = next(a for a in fig.layout.annotations if a.name == FOOTNOTE)
    lines = note.text.count("<br>") + 1
    assert lines >= 3  # the 300-character footnote is wrapped, not cut at the figure's edge
    assert all(len(line.strip()) <= 165 for line in note.text.split("<br>"))
    assert note.yshift == -68 and note.yanchor == "top"
    assert fig.layout.margin.b == 68 + 13 * lines + 16
    assert fig.layout.legend.orientation == SIDE_LEGEND["orientation"] and fig.layout.legend.x == SIDE_LEGEND["x"]
    assert fig.layout.title.automargin is True and fig.layout.xaxis.automargin is True


def test_for_screen_moves_the_footnote_out_and_the_legend_below_and_wraps_for_a_phone():
    fig = _figure()
    screen = for_screen(fig)
    assert not [a for a in screen.layout.annotations if a.name == FOOTNOTE]
    assert screen.layout.legend.yref == "container" and screen.layout.legend.y == BOTTOM_LEGEND["y"]
    assert screen.layout.legend.orientation == "h"
    assert all(len(line.strip()) <= SCREEN_TITLE_CHARS for line in screen.layout.title.text.split("<br>"))
    for axis in (screen.layout.xaxis, screen.layout.yaxis):
        assert "<br>" in axis.title.text
        assert all(len(line.strip()) <= SCREEN_AXIS_CHARS for line in axis.title.text.split("<br>"))
    # the original is untouched: the downloads still carry the footnote and the one-line title
    assert [a for a in fig.layout.annotations if a.name == FOOTNOTE]
    assert "<br>" not in fig.layout.title.text
    assert provenance_of(fig).startswith("What it shows")


def test_provenance_of_reads_escaped_text_back():
    fig = finish(go.Figure(), "t", Provenance("Evil &lt;b&gt; &amp; co", SEED_DATE))
    assert provenance_of(fig).startswith("Evil <b> & co")


def test_money_ticks_carry_the_currency():
    assert money_ticks([0.2, 1, 5], "USD") == ["$0.2", "$1", "$5"]
    assert money_ticks([10], "CNY") == ["¥10"]
    assert money_ticks([12], "CHF") == ["12 CHF"]


# -- Blended ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "expected"), [
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], None),                    # top 10 ≤ 2 × p90 (9.1): no cut
    ([1] * 18 + [2, 60], 1.2 * 1.1),      # p90 = 1 + 0.1 × (2 − 1) = 1.1 (interpolated): 60 > 2.2 → cut at 1.32
    ([1, 50], None),                                            # too few bars to call any an outlier
])
def test_clip_at(values, expected):
    cut = clip_at(pd.Series(values, dtype=float))
    assert cut == (pytest.approx(expected) if expected is not None else None)


def test_blended_linear_axis_cuts_the_pro_models_and_writes_their_value(registry):
    fig, data = blended_prices(registry, "3:1", on=SEED_DATE)
    bar = fig.data[0]
    values = data["blended_per_mtok"].dropna()
    cut = clip_at(values)
    if cut is None:  # the seed day's registry has no outlier: the axis simply holds every bar
        assert fig.layout.xaxis.range[1] >= values.max()
        return
    assert max(np.asarray(bar.x, dtype=float)) == pytest.approx(cut)
    assert fig.layout.xaxis.range[1] == pytest.approx(cut * 1.3)
    assert any(t.endswith("▸") for t in bar.text)
    assert [p for t, p in zip(bar.text, bar.textposition, strict=True) if t.endswith("▸")] == ["inside"] * sum(
        t.endswith("▸") for t in bar.text)  # written inside the cut bar: outside it would run past the axis


def test_blended_today_cuts_two_pro_models_that_would_make_slivers(registry):
    """Today's market: GPT-5.x pro at $41–$67.50 blended against a 90th percentile near $20."""
    fig, data = blended_prices(registry, "3:1")
    top = data["blended_per_mtok"].max()
    assert fig.layout.xaxis.range[1] < top / 2
    cut_labels = [t for t in fig.data[0].text if t.endswith("▸")]
    assert cut_labels and f"${top:,.2f} ▸" in cut_labels
    assert any(t.name and t.name.startswith("cut at $") for t in fig.data)
    assert "axis cut" in fig.layout.meta["provenance"]


def test_blended_log_axis_shows_every_bar_whole_with_money_ticks(registry):
    fig, data = blended_prices(registry, "3:1", x_scale="log")
    assert fig.layout.xaxis.type == "log"
    assert list(np.asarray(fig.data[0].x, dtype=float)) == sorted(data["blended_per_mtok"].dropna(), reverse=True)
    assert all(t.startswith("$") for t in fig.layout.xaxis.ticktext)


def test_blended_has_a_legend_for_the_country_colours_and_states_the_cache_share(registry):
    fig, _ = blended_prices(registry, "3:1", cache_hit=0.5, prompt=250_000)
    legend = {t.name for t in fig.data if t.showlegend is not False}
    assert {"China", "United States"} <= legend
    assert fig.layout.title.text == "Blended price per 1M tokens at 3:1, 50% cache hits, 250K-token prompt"
    assert "not plotted" in fig.layout.meta["provenance"]


def test_worked_example_uses_a_model_with_a_cache_price():
    data = pd.DataFrame({
        "model": ["nocache", "cached", "other"], "blended_per_mtok": [1.0, 2.0, 3.0],
        "cache_read_per_mtok": [np.nan, 0.1, 0.2],
    })
    assert worked_example_model(data, ["nocache", "other"]) == "other"   # the first preferred with a cache price
    assert worked_example_model(data, ["nocache"]) == "cached"           # else the first with one
    none_cached = data.assign(cache_read_per_mtok=np.nan)
    assert worked_example_model(none_cached, ["other"]) == "other"
    assert worked_example_model(data.assign(blended_per_mtok=np.nan), ["other"]) is None


def test_worked_example_shows_the_cache_read_price_even_at_zero_cache_hits(registry):
    """Kimi K2.5 on the seed day: input $0.60, cache read $0.10, output $3: input_eff = 1 × 0.60 + 0 × 0.10 = 0.60;
    (3 × 0.60 + 3) / 4 = 1.20; at 50 %: 0.5 × 0.60 + 0.5 × 0.10 = 0.35 → (1.05 + 3) / 4 = 1.0125."""
    text = blend_worked_example(registry, "kimi-k2.5", "3:1", on=SEED_DATE)
    assert text.startswith("Kimi K2.5: input_eff = 1 × $0.600 + 0 × $0.100 = $0.600")
    assert text.endswith("(3 × $0.600 + 1 × $3.000) / 4 = $1.200 / 1M")
    half = blend_worked_example(registry, "kimi-k2.5", "3:1", cache_hit=0.5, on=SEED_DATE)
    # 1.0125 is stored as 1.01249…: three decimals show 1.012
    assert "= $0.350" in half and half.endswith("(3 × $0.350 + 1 × $3.000) / 4 = $1.012 / 1M")


# -- Context tiers ---------------------------------------------------------------------------------------------------

def test_cliff_steps_of_qwen(registry):
    """Qwen3-Max-Thinking, 1,000 output tokens: at 32,768 the request costs 32,768 × 1.2e-6 + 1,000 × 6e-6 =
    0.0453216; at 32,769 the whole request is at 2.4 / 12: 32,769 × 2.4e-6 + 1,000 × 12e-6 = 0.0906456, +100%."""
    curve = cost_curves(registry, ["qwen3-max-thinking"], 1_000, on=SEED_DATE)
    steps = cliff_steps(curve)
    assert list(steps["bound"]) == [32_768, 131_072]
    first = steps.iloc[0]
    assert first["cost_before"] == pytest.approx(0.0453216)
    assert first["cost_after"] == pytest.approx(0.0906456)
    assert first["tier_after"] == 2 and first["jump_pct"] == pytest.approx(100.0, abs=0.01)


def test_context_tiers_draw_cliffs_and_window_ends_differently_and_say_which_is_which(registry):
    fig, _ = context_tiers(registry, 1_000, models=["qwen3-max-thinking", "gpt-5.2"], on=SEED_DATE)
    curve = next(t for t in fig.data if t.name and t.name.startswith("Qwen3-Max-Thinking"))
    xs = list(curve.x)
    gap = xs.index(None)  # the line breaks at the cliff: no solid vertical between 32,768 and 32,769
    assert xs[gap - 1] == 32_768 and xs[gap + 1] == 32_769
    cliffs = [t for t in fig.data if t.line and t.line.dash == "dot" and t.showlegend is False]
    assert len(cliffs) == 1 and "+100%" in cliffs[0].text
    ends = [t for t in fig.data if t.mode == "markers" and t.marker.symbol == "line-ns" and t.showlegend is False]
    assert len(ends) == 2
    legend = [t.name for t in fig.data if t.x == (None,)]
    assert legend == ["cliff: a tier re-prices the request", "window ends: no larger prompt fits"]


def test_a_tier_without_a_price_is_not_a_cliff_but_the_end_of_the_known_prices():
    """A schedule whose last tier stops at 272,000 in a 922,000-token window: beyond it the cost is unknown (NaN),
    which is neither a cliff nor a window end."""
    curve = pd.DataFrame({"prompt_tokens": [1_000, 272_000, 272_001, 900_000],
                          "cost": [0.05, 2.216, np.nan, np.nan], "tier_index": [0, 0, 1, 1]})
    assert cliff_steps(curve).empty
    assert priced_until(curve) == (272_000, 2.216)
    assert priced_until(curve.iloc[:2]) is None


# -- Cost vs HLE ----------------------------------------------------------------------------------------------------

def test_point_labels_are_thinned_where_they_would_collide_on_a_phone():
    """Nine points on one spot of a 280 × 360-px plot: eight places around a point, so at least one label finds
    every place taken and is left to the hover — unless kept (a frontier point)."""
    names = [f"Model number {i}" for i in range(9)]
    xs, ys = [0.5] * 9, [50.0] * 9
    kwargs = {"x_range": (0.0, 1.0), "y_range": (0.0, 100.0), "width_px": 280, "height_px": 360}
    unthinned = label_positions(xs, ys, names, **kwargs)
    assert "" not in unthinned
    thinned = label_positions(xs, ys, names, thin=True, **kwargs)
    assert 1 <= thinned.count("") < 9
    kept = label_positions(xs, ys, names, thin=True, keep=[True] * 9, **kwargs)
    assert "" not in kept


def test_cost_vs_hle_names_no_point_twice_and_keeps_the_frontier_named(registry):
    fig, data = cost_vs_hle(registry)
    shown = {t for trace in fig.data if trace.mode == "markers+text" for t in trace.text if t}
    frontier = set(data.loc[data["on_frontier"] & (data["status"] == "ok"), "name"])
    assert frontier <= shown


# -- Capability over time --------------------------------------------------------------------------------------------

def test_capability_log_ticks_carry_the_currency_and_shared_lines_stay_visible(registry):
    fig, data = capability_price_history(registry)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.ticktext and all(t.startswith("$") for t in fig.layout.yaxis.ticktext)
    lines = [t for t in fig.data if t.mode == "lines"]
    widths = [t.line.width for t in lines]
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == len(widths)  # lower band wider, below
    named = [(name, x) for t in fig.data if t.mode == "markers+text" for name, x in zip(t.text, t.x, strict=True)
             if name]
    # a model's points within 45 days of each other at a similar price carry its name once (Kimi K2.6: 2026-08-31
    # in the 50% band, 2026-09-10 in the 45% band, both $1.7125)
    assert [n for n, _ in named].count("Kimi K2.6") == 1
    assert len(named) < len(data)


# -- Replay ----------------------------------------------------------------------------------------------------------

def test_replay_bars_in_money_and_one_request_in_the_singular(registry):
    usage = validate_usage(sample_log(1, seed=0, end=SEED_DATE), "sample")
    result = replay(registry, usage, ["gpt-5.2", "claude-opus-4.5"])
    fig = cost_per_model_figure(result, registry)
    assert fig.layout.title.text.endswith("(1 request)")
    assert all(t.startswith("$") for t in fig.data[0].text)
    assert fig.layout.yaxis.tickprefix == "$"
    assert count(1, "request") == "1 request" and count(10_000, "request") == "10,000 requests"
    recorded = [t for t in fig.data if t.name and t.name.startswith("as recorded: $")]
    assert not recorded  # the one request was recorded on a model with no price that day: nothing to draw
    bigger = replay(registry, validate_usage(sample_log(300, seed=0, end=SEED_DATE), "sample"), ["gpt-5.2"])
    named = [t.name for t in cost_per_model_figure(bigger, registry).data if t.name]
    assert any(n.startswith("as recorded: $") for n in named)  # the recorded total is named in the legend
    assert not [a for a in fig.layout.annotations if a.name != FOOTNOTE]  # no label drawn over the bars


# -- Agent workloads -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "gap", "expected"), [
    ({"a": 0, "b": 4, "c": 50}, 10, {"a": 0, "b": 10, "c": 50}),     # b pushed up to a + 10; c is clear
    ({"a": 5, "b": 5, "c": 5}, 1, {"a": 5, "b": 6, "c": 7}),         # three equal values: a ladder, none dropped
    ({"a": 1}, 10, {"a": 1}),
])
def test_spread_labels_keep_every_label(values, gap, expected):
    assert spread_labels(values, gap) == expected


def test_monthly_projection_keeps_every_value_label(registry):
    models = ["gpt-5.2", "claude-opus-4.5", "qwen3-max-thinking"]
    fig, _ = workload_monthly(registry, "chat-turn", models, tasks_per_month=1_000, on=SEED_DATE)
    labels = [a for a in fig.layout.annotations if a.text.startswith("$")]
    assert len(labels) == len(models)
    ys = sorted(a.ay for a in labels)
    assert all(b - a >= 0.07 * fig.layout.yaxis.range[1] / 1.05 * 0.999 for a, b in zip(ys, ys[1:], strict=False))


def test_latency_is_horizontal_with_the_speed_up_at_each_row(registry):
    fig, _ = workload_latency(registry, "agent-swarm", ["gpt-5.2", "claude-opus-4.5"], on=SEED_DATE)
    assert all(t.orientation == "h" for t in fig.data)
    assert not [a for a in fig.layout.annotations if a.name != FOOTNOTE]  # no free-floating text to overprint
    assert all(t.endswith("× faster") for t in fig.data[1].text)
