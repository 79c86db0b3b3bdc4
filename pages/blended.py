"""Blended price: one price per 1M tokens at an input:output ratio, cache-hit share and prompt size (tier)."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.blended import (
    AXIS_SCALES,
    blend_formula,
    blend_worked_example,
    blended_prices,
    worked_example_model,
)
from analytics.core.errors import AnalyticsError
from analytics.core.presets import RATIO_PRESETS, headline_models
from analytics.core.pricing import parse_ratio
from pages.ui.cache import cached
from pages.ui.common import as_of, currency, md_escape, money_column, registry, show_chart, show_table
from pages.ui.url import MAX_PROMPT_TOKENS

reg = registry()
cur, on = currency(), as_of()

st.title("⚖️ Blended price")
st.caption("One number per model: the price of 1M tokens mixed at your input:output ratio. 3:1 is the common "
           "convention; agent loops re-send long prompts (10:1), retrieval reads far more than it writes (30:1).")

# the controls sit in the page body (columns stack on a phone, where the sidebar starts collapsed)
c1, c2, c3, c4 = st.columns([3, 2, 3, 2])
# options are the URL values themselves (?blend=10:1): a bound widget stores its option, not a label. Its own key,
# not `ratio`: this page also offers "custom", which Cost vs HLE and Capability over time do not
preset = c1.radio("Input:output ratio", [*RATIO_PRESETS, "custom"], key="blend", bind="query-params",
                  horizontal=True, help="; ".join([*RATIO_PRESETS.values(), "custom: your own"]))
custom = c1.text_input("Custom ratio (input:output)", value="5:1", key="custom_ratio", bind="query-params",
                       disabled=preset != "custom", help="e.g. 5:1 or 2.5:1")
cache_pct = c2.slider("Cache-hit share of input", 0, 100, 0, step=5, format="%d%%", key="cache",
                      bind="query-params", help="Share of input tokens read from the provider's cache")
prompt = c3.number_input("Prompt size (tokens)", min_value=0, max_value=MAX_PROMPT_TOKENS, value=1_000, step=1_000,
                         key="prompt", bind="query-params",
                         help="Picks the context tier: above 200K Gemini bills every token at its second tier")
scale = c4.radio("Price axis", AXIS_SCALES, key="price_axis", bind="query-params", horizontal=True,
                 help="linear: the few dearest bars are cut at the axis end, their value written; log: all whole")

ratio = custom if preset == "custom" else preset
try:
    parse_ratio(ratio)
except AnalyticsError as exc:
    st.warning(f"{md_escape(exc)}. Showing 3:1 instead.")
    ratio = "3:1"
cache_hit = cache_pct / 100

fig, data = cached(blended_prices, reg, ratio, cache_hit, prompt, currency=cur, on=on, x_scale=scale)
show_chart(fig, data, "blended-prices")
missing = data[data["blended_per_mtok"].isna()]
if not missing.empty:
    with st.expander(f"Not plotted: {len(missing)} models (no price at this prompt, retired or unpriced)",
                     expanded=prompt > 200_000):
        show_table(missing[["name", "provider", "status"]], "blended-not-plotted",
                   column_config={"name": "Model", "provider": "Provider", "status": "Why"})

table = data[["name", "blended_per_mtok", "input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "tier_label",
              "blended_3to1", "change_vs_3to1", "change_pct", "provider", "status"]]
show_table(
    table, "blended",
    column_config={
        "name": st.column_config.TextColumn("Model", pinned=True),
        "provider": "Provider",
        "blended_per_mtok": money_column(f"Blended {cur}/1M", cur),
        "input_per_mtok": money_column(f"Input {cur}/1M", cur),
        "output_per_mtok": money_column(f"Output {cur}/1M", cur),
        "cache_read_per_mtok": money_column(f"Cache read {cur}/1M", cur,
                                            help="unknown: no cache-read price known (the input price applies)"),
        "tier_label": st.column_config.TextColumn("Tier applied (prompt tokens)",
                                                  help="which prompts the tier this prompt size falls in covers"),
        "blended_3to1": money_column(f"At 3:1 {cur}/1M", cur),
        "change_vs_3to1": money_column("Change vs 3:1", cur, signed=True),
        "change_pct": st.column_config.NumberColumn("Change vs 3:1", format="%+.1f%%"),
        "status": "Status",
    },
)

st.subheader("How it is computed")
st.code(blend_formula(ratio, cache_hit), language=None, wrap_lines=True)
# one with a cache-read price: the slider moves it
worked = worked_example_model(data, cached(headline_models, reg, on))
if worked is not None:
    st.code(cached(blend_worked_example, reg, worked, ratio, cache_hit, prompt, currency=cur, on=on), language=None,
            wrap_lines=True)
st.caption(f"Prices in force on {on.isoformat()}, global standard tier, prompt of {prompt:,} tokens.")
