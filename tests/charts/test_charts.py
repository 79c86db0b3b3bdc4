"""Chart builders: the catalog contract, what each chart draws, and that registry text never becomes markup."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.charts.base import COUNTRY_COLORS, TEMPLATE, log_ticks
from analytics.charts.blended import blend_formula, blend_worked_example, blended_prices, blended_prices_data
from analytics.charts.catalog import chart_catalog
from analytics.charts.context_tiers import context_tiers
from analytics.charts.cost_vs_hle import SCORE_COLUMNS, cost_vs_hle, cost_vs_hle_tables, hle_conditions, label_positions
from analytics.charts.prices import price_history
from analytics.core.presets import SEED_DATE, SEED_MODELS, headline_models
from analytics.core.registry import load_registry

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


REQUIRED = {"cost-vs-hle", "hle-conditions", "context-tiers", "blended-prices", "price-history"}
CHART_SPECS = tuple(spec for name, spec in chart_catalog().items() if name in REQUIRED)
"""The price and score charts (the workload, replay and history charts are tested beside their modules)."""


def test_catalog_has_the_required_charts_and_their_options_match_build():
    specs = {spec.name: spec for spec in CHART_SPECS}
    assert set(specs) >= REQUIRED
    assert set(chart_catalog()) >= REQUIRED
    for spec in CHART_SPECS:
        params = inspect.signature(spec.build).parameters
        for option in spec.options:
            assert option.name in params, f"{spec.name}: option {option.name} is not a keyword of build"
            if option.choices and option.default is not None:
                defaults = option.default if option.multiple else [option.default]
                assert set(defaults) <= set(option.choices)


@pytest.mark.parametrize("spec", CHART_SPECS, ids=[s.name for s in CHART_SPECS])
def test_every_chart_builds_with_its_defaults_and_says_where_it_comes_from(registry, spec):
    fig, data = spec.build(registry, **{o.name: o.default for o in spec.options if o.default is not None})
    assert isinstance(fig, go.Figure) and isinstance(data, pd.DataFrame) and not data.empty
    assert "registry as of" in fig.layout.meta["provenance"]
    assert fig.layout.title.text
    assert len(fig.data) > 0


def test_every_chart_sets_the_explicit_template(registry):
    import plotly.io as pio

    for spec in CHART_SPECS:
        fig, _ = spec.build(registry)
        assert fig.layout.template == pio.templates[TEMPLATE], spec.name


# -- cost vs HLE -----------------------------------------------------------------------------------------------------

def test_cost_vs_hle_draws_the_seed_figure(registry):
    fig, data = cost_vs_hle(registry, ratio="3:1", condition="tools", reporters=["seed-report"], subset="any",
                            include_disputed=True, models=SEED_MODELS)
    assert fig.layout.xaxis.type == "log"
    points = [t for t in fig.data if t.mode == "markers+text"]
    colours = {t.name.split(" · ")[0]: t.marker.color for t in points}
    assert colours == {"China": COUNTRY_COLORS["CN"], "United States": COUNTRY_COLORS["US"]}
    # all with tools; the seed's Qwen 58.3 is disputed (press only): an open marker, "(disputed)" in its label
    assert {t.marker.symbol for t in points} == {"circle", "circle-open"}
    disputed = [t for t in points if t.marker.symbol == "circle-open"]
    assert [list(t.text) for t in disputed] == [["Qwen3-Max-Thinking (disputed)"]]
    plotted = data[data["status"] == "ok"].set_index("model")
    # blended at 3:1: Kimi (3 × 0.60 + 3.00) / 4 = 1.20; Qwen (3 × 1.20 + 6.00) / 4 = 2.40
    assert plotted.loc["kimi-k2.5", "blended_per_mtok"] == pytest.approx(1.20)
    assert plotted.loc["qwen3-max-thinking", "blended_per_mtok"] == pytest.approx(2.40)
    assert plotted.loc["qwen3-max-thinking", "score"] == pytest.approx(58.3)
    # the models with no seed-report score are listed, not dropped
    assert (data.set_index("model").loc["claude-opus-4.5", "status"]) == "no score under this policy"
    assert set(plotted.index) == {"qwen3-max-thinking", "kimi-k2.5", "gemini-3-pro", "gpt-5.2"}
    # hover carries reporter, source and date
    hover = points[0].hovertemplate
    assert "reporter" in hover and "source" in hover and "date" in hover
    assert points[0].customdata.shape[1] >= 5


def test_cost_vs_hle_frontier_line(registry):
    fig, data = cost_vs_hle(registry)
    line = next(t for t in fig.data if t.name == "Pareto frontier")
    assert line.line.shape == "hv"
    frontier = data[data["on_frontier"]].sort_values("blended_per_mtok")
    assert list(line.x) == pytest.approx(frontier["blended_per_mtok"].tolist())
    assert not data.loc[data["status"] != "ok", "on_frontier"].any()


def test_the_tables_beside_cost_vs_hle_split_its_frame(registry):
    """On the seed's day with the seed report's scores: four models plotted, Claude Opus 4.5 not plotted; the
    frontier is Kimi ($1.20, 50.2… cheapest) up to the disputed Qwen 58.3; the scores carry web links only."""
    _, data = cost_vs_hle(registry, ratio="3:1", condition="tools", reporters=["seed-report"], subset="any",
                          include_disputed=True, models=SEED_MODELS, on=SEED_DATE)
    missing, frontier, scores = cost_vs_hle_tables(data)
    assert missing.to_dict("records") == [{"name": "Claude Opus 4.5", "status": "no score under this policy"}]
    assert list(frontier.columns) == ["name", "blended_per_mtok", "score"]
    assert frontier["blended_per_mtok"].is_monotonic_increasing and frontier["score"].is_monotonic_increasing
    assert frontier["name"].iloc[-1] == "Qwen3-Max-Thinking"
    assert list(scores.columns) == SCORE_COLUMNS and len(scores) == 4
    assert scores.set_index("name").loc["Qwen3-Max-Thinking", "disputed"] == "disputed"
    assert all(link is None or link.startswith(("http://", "https://")) for link in scores["link"])


def test_marker_shape_follows_the_condition(registry):
    fig, data = cost_vs_hle(registry, condition="best", reporters=["vendor"])
    symbols = {t.name.split(" · ")[1]: t.marker.symbol for t in fig.data if t.mode == "markers+text"}
    conditions = set(data.loc[data["status"] == "ok", "condition"])
    expected = {"with tools": "circle", "no tools": "diamond"}
    assert symbols == {label: expected[label] for label in symbols}
    assert len(symbols) == len(conditions)


def test_no_model_left_makes_an_explanatory_empty_chart(registry):
    fig, data = cost_vs_hle(registry, reporters=["press"], condition="tools")
    assert (data["status"] != "ok").all()
    assert any("No model" in a.text for a in fig.layout.annotations)


def boxes(xs, ys, labels, positions, x_range, y_range, width=560, height=330):
    out = []
    for x, y, text, pos in zip(xs, ys, labels, positions, strict=True):
        px = (x - x_range[0]) / (x_range[1] - x_range[0]) * width
        py = (y - y_range[0]) / (y_range[1] - y_range[0]) * height
        w, h = len(text) * 7.2, 16
        v, hz = pos.split(" ")
        left = px + 8 if hz == "right" else px - 8 - w if hz == "left" else px - w / 2
        bottom = py + 8 if v == "top" else py - 8 - h if v == "bottom" else py - h / 2
        out.append((left, bottom, left + w, bottom + h))
    return out


def test_labels_of_close_points_do_not_overlap():
    """Gemini 3 Pro ($4.50, 45.8) and GPT-5.2 ($4.81, 45.5) sit almost on top of each other in the seed figure."""
    xs = np.log10([0.315, 1.20, 2.40, 4.50, 4.8125, 10.0])
    ys = [40.8, 51.8, 58.3, 45.8, 45.5, 43.2]
    labels = ["DeepSeek V3.2", "Kimi K2.5", "Qwen3-Max-Thinking", "Gemini 3 Pro", "GPT-5.2", "Claude Opus 4.5"]
    x_range, y_range = (xs.min() - 0.2, xs.max() + 0.2), (35.0, 63.0)
    positions = label_positions(xs, ys, labels, x_range=x_range, y_range=y_range)
    placed = boxes(xs, ys, labels, positions, x_range, y_range)
    for i in range(len(placed)):
        for j in range(i + 1, len(placed)):
            a, b = placed[i], placed[j]
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1]), (labels[i], labels[j])
    assert positions[3] != positions[4]


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.3, 10, [0.5, 1, 2, 5, 10]),
    (0.001, 0.004, [0.001, 0.0015, 0.002, 0.003]),  # fewer than 3 of 1-2-5: the finer series
    (0.001, 0.02, [0.001, 0.002, 0.005, 0.01, 0.02]),
    (0, 1, []),
])
def test_log_ticks(low, high, expected):
    assert log_ticks(low, high) == pytest.approx(expected)


# -- HLE conditions ---------------------------------------------------------------------------------------------------

def test_hle_conditions_pairs_bars_per_model(registry):
    fig, data = hle_conditions(registry, reporters=["vendor"], subset="any")
    bars = {t.name: t for t in fig.data}
    assert set(bars) == {"No tools", "With tools"}
    assert fig.layout.barmode == "group"
    by = data.set_index(["model", "condition"])["score"]
    # Kimi K2.5's model card: 51.8 with tools (text-only subset) and 31.5 without (best of 30.1 full / 31.5 text-only)
    assert by[("kimi-k2.5", "tools")] == pytest.approx(51.8)
    assert by[("kimi-k2.5", "no-tools")] == pytest.approx(31.5)
    # only models with some vendor score published by the day (2026-01-28) are drawn; the rest are counted in the
    # footnote (Google's own Gemini 3 Pro figures came with the 3.1 Pro card, in February)
    assert set(data["model"]) == {"kimi-k2.5", "qwen3-max-thinking", "gemini-3-flash"}
    assert "no score" in fig.layout.meta["provenance"]


# -- context tiers ----------------------------------------------------------------------------------------------------

def test_context_tiers_draws_a_step_line_and_an_end_marker_per_model(registry):
    fig, curves = context_tiers(registry, output_tokens=2_000)
    drawn = [t for t in fig.data if t.x != (None,)]  # legend-only entries explain the marks; they draw nothing
    lines = [t for t in drawn if t.mode == "lines"]
    ends = [t for t in drawn if t.mode == "markers" and t.marker.symbol == "line-ns"]
    present = headline_models(registry, SEED_DATE)
    assert len(lines) == len(present) == len(ends)
    assert fig.layout.xaxis.type == "log"
    gemini = curves[curves["model"] == "gemini-3-pro"].set_index("prompt_tokens")["cost"]
    # the 200K cliff: 200,000 × 2e-6 + 2,000 × 12e-6 = 0.424; 200,001 × 4e-6 + 2,000 × 18e-6 = 0.836004
    assert gemini[200_000] == pytest.approx(0.424)
    assert gemini[200_001] == pytest.approx(0.836004)
    assert "2,000 output tokens" in fig.layout.title.text


def test_context_tiers_linear_axis_and_model_choice(registry):
    fig, curves = context_tiers(registry, models=["kimi-k2.5"], y_scale="linear")
    assert fig.layout.yaxis.type == "linear"
    assert set(curves["model"]) == {"kimi-k2.5"}


# -- blended prices ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("ratio", "kimi", "gemini"), [
    ("3:1", 1.20, 4.50),    # (3 × 0.60 + 3.00) / 4; (3 × 2 + 12) / 4
    ("1:1", 1.80, 7.00),    # (0.60 + 3.00) / 2; (2 + 12) / 2
    ("10:1", 0.8181818181818182, 2.909090909090909),   # (10 × 0.60 + 3) / 11 = 9 / 11; (20 + 12) / 11
    ("30:1", 0.6774193548387097, 2.3225806451612905),  # (18 + 3) / 31; (60 + 12) / 31
])
def test_blended_prices_at_each_preset(registry, ratio, kimi, gemini):
    data = blended_prices_data(registry, ratio).set_index("model")
    assert data.loc["kimi-k2.5", "blended_per_mtok"] == pytest.approx(kimi)
    assert data.loc["gemini-3-pro", "blended_per_mtok"] == pytest.approx(gemini)


def test_blended_change_against_3_to_1(registry):
    data = blended_prices_data(registry, "1:1").set_index("model")
    # Kimi: 1.80 − 1.20 = +0.60, +50 %
    assert data.loc["kimi-k2.5", "change_vs_3to1"] == pytest.approx(0.60)
    assert data.loc["kimi-k2.5", "change_pct"] == pytest.approx(50.0)


def test_blended_prompt_picks_the_tier_and_cache_hit_lowers_input(registry):
    # Gemini above 200K: (3 × 4 + 18) / 4 = 7.50
    data = blended_prices_data(registry, "3:1", prompt=250_000).set_index("model")
    assert data.loc["gemini-3-pro", "blended_per_mtok"] == pytest.approx(7.50)
    # Kimi at 50 % cache hits: input_eff = 0.5 × 0.60 + 0.5 × 0.10 = 0.35 → (3 × 0.35 + 3) / 4 = 1.0125
    cached = blended_prices_data(registry, "3:1", cache_hit=0.5).set_index("model")
    assert cached.loc["kimi-k2.5", "blended_per_mtok"] == pytest.approx(1.0125)


def test_blended_prices_convert_the_currency_once(registry):
    """Regression: pricing.blended_price multiplies its blended value by the FX factor twice; the charts re-blend
    from the converted rates. Kimi K2.5 at 3:1 in CNY = 1.20 × CNY per USD (not × its square)."""
    rate = registry.units_per_usd("CNY")
    data = blended_prices_data(registry, "3:1", currency="CNY").set_index("model")
    assert data.loc["kimi-k2.5", "blended_per_mtok"] == pytest.approx(1.20 * rate)
    assert data.loc["kimi-k2.5", "blended_3to1"] == pytest.approx(1.20 * rate)
    _, hle = cost_vs_hle(registry, currency="CNY")
    assert hle.set_index("model").loc["kimi-k2.5", "blended_per_mtok"] == pytest.approx(1.20 * rate)
    assert blend_worked_example(registry, "kimi-k2.5", "3:1", currency="CNY").endswith(f"= ¥{1.20 * rate:,.3f} / 1M")


@pytest.mark.parametrize(("prompt", "qwen", "gemini"), [
    (None, "≤ 32,768", "≤ 200,000"), (100_000, "32,769–131,072", "≤ 200,000"), (250_000, "131,073–258,048",
                                                                                "> 200,000"),
])
def test_blended_table_names_the_tier_applied(registry, prompt, qwen, gemini):
    data = blended_prices_data(registry, "3:1", prompt=prompt).set_index("model")
    assert data.loc["qwen3-max-thinking", "tier_label"] == qwen
    assert data.loc["gemini-3-pro", "tier_label"] == gemini
    assert data.loc["kimi-k2.5", "tier_label"] == "all"


def test_blended_chart_sorts_bars_and_colours_by_country(registry):
    fig, data = blended_prices(registry, "3:1")
    bar = fig.data[0]
    assert list(bar.x) == sorted(bar.x, reverse=True)  # dearest at the bottom, cheapest on top
    assert set(bar.marker.color) <= set(COUNTRY_COLORS.values()) | {"#7f7f7f"}


def test_formula_and_worked_example(registry):
    assert "(a × input_eff + b × output) / (a + b)" in blend_formula("1:1")
    # the cache-read price is shown even at 0% cache hits (the worked example's model has one)
    assert blend_worked_example(registry, "kimi-k2.5", "3:1") == (
        "Kimi K2.5: input_eff = 1 × $0.600 + 0 × $0.100 = $0.600\n"
        "           (3 × $0.600 + 1 × $3.000) / 4 = $1.200 / 1M")
    assert blend_worked_example(registry, "kimi-k2.5", "1:1").endswith("= $1.800 / 1M")


# -- price history, and registry text that must stay text --------------------------------------------------------------

HISTORY = """
id: lab
name: Lab
country: US
models:
  - id: evil
    name: "Evil <b>bold</b> & <script>x</script>"
    context_window: 100000
    prices:
      - {source: "https://example.org/old", checked_on: 2025-06-01, effective_from: 2025-01-01,
         effective_to: 2025-07-01, tiers: [{input_mtok: 2.0, output_mtok: 8.0}]}
      - {source: "https://example.org/new", checked_on: 2026-01-01, effective_from: 2025-07-01,
         tiers: [{input_mtok: 1.0, output_mtok: 4.0}]}
"""


@pytest.fixture(scope="module")
def history_registry(tmp_path_factory):
    root = tmp_path_factory.mktemp("history")
    (root / "providers").mkdir()
    (root / "providers" / "lab.yaml").write_text(HISTORY)
    return load_registry(root)


def test_price_history_draws_one_step_per_schedule(history_registry):
    import datetime as dt

    fig, data = price_history(history_registry, "input", on=dt.date(2026, 1, 31))
    assert data["input_per_mtok"].tolist() == [2.0, 1.0]
    trace = fig.data[0]
    xs = [x for x in trace.x if x is not None]
    ys = [y for y in trace.y if y is not None]
    assert ys == [2.0, 2.0, 1.0, 1.0]
    assert [str(x) for x in xs] == ["2025-01-01", "2025-07-01", "2025-07-01", "2026-01-31"]
    assert "Evil" in fig.layout.meta["provenance"]  # "changed: …"


def test_registry_text_is_escaped_in_every_label_and_hover(history_registry):
    fig, _ = price_history(history_registry)
    blob = fig.to_json()
    assert "<script>" not in blob and "<b>bold" not in blob
    assert "&lt;script&gt;" in blob
    fig, _ = blended_prices(history_registry)
    assert "<script>" not in fig.to_json()
    fig, _ = context_tiers(history_registry)
    assert "<script>" not in fig.to_json()
