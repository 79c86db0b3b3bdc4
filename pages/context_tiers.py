"""Context tiers: the cost of one request against prompt length, each tier's cliff, window ends, crossovers."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.context_tiers import context_tiers
from analytics.core.presets import headline_models
from analytics.core.tiers import crossovers, window_ends
from pages.ui.cache import cached
from pages.ui.common import as_of, currency, model_picker, money_column, registry, show_chart, show_table
from pages.ui.url import MAX_OUTPUT_TOKENS

reg = registry()
cur, on = currency(), as_of()

st.title("📏 Context tiers")
st.caption("Some providers bill the whole request at a dearer tier once the prompt passes a threshold "
           "(Qwen at 32K and 128K, Gemini at 200K): the cost jumps at that token — a cliff, not a slope.")

c1, c2, c3, c4 = st.columns([2, 2, 5, 2])
output_tokens = c1.number_input("Output tokens per request", min_value=0, max_value=MAX_OUTPUT_TOKENS, value=1_000,
                                step=500, key="output", bind="query-params")
cache_pct = c2.slider("Cache-hit share of prompt", 0, 100, 0, step=5, format="%d%%", key="cache",
                      bind="query-params")
headline = cached(headline_models, reg, on)
chosen = model_picker(reg, "Models (ids)", headline, container=c3,
                      help="Default: each provider's flagship that day")
scale = c4.radio("Cost axis", ["log", "linear"], horizontal=True, key="scale", bind="query-params")
models = chosen or headline
cache_hit = cache_pct / 100

fig, curves = cached(context_tiers, reg, output_tokens, cache_hit, models, currency=cur, on=on, y_scale=scale)
show_chart(fig, curves, "context-tiers")

left, right = st.container(), st.container()  # stacked: side by side, both tables lose columns off the edge
with left:
    st.subheader("Where each window ends")
    ends = cached(window_ends, reg, models, output_tokens, cache_hit, currency=cur, on=on)
    show_table(
        ends[["name", "max_prompt_tokens", "cost_at_end", "tier_bounds", "status"]],
        "window-ends",
        column_config={
            "name": "Model",
            "max_prompt_tokens": st.column_config.NumberColumn("Largest prompt", format="localized",
                                                               help="with this many output tokens"),
            "cost_at_end": money_column("Cost of that request", cur, digits=4),
            "tier_bounds": "Tier bounds (prompt tokens)",
            "status": "Status",
        },
    )
with right:
    st.subheader("Crossovers")
    table = cached(crossovers, reg, models, output_tokens, cache_hit, currency=cur, on=on)
    if table.empty:
        st.info("No two of these models swap places between 1K tokens and the end of the shorter window.")
    else:
        show_table(
            table[["prompt_tokens", "dearer_name", "cheaper_name", "dearer_cost", "cheaper_cost", "kind"]],
            "crossovers",
            column_config={
                "prompt_tokens": st.column_config.NumberColumn(
                    "From prompt (tokens)", format="localized",
                    help="the first prompt at which it costs at least 0.1% more (closer costs count as a tie)"),
                "dearer_name": "becomes dearer",
                "cheaper_name": "than",
                # six decimals: at a slope crossover the two costs differ by a fraction of a cent
                "dearer_cost": money_column("its cost", cur, digits=6),
                "cheaper_cost": money_column("vs", cur, digits=6),
                "kind": st.column_config.TextColumn("How", help="cliff: a tier re-prices the whole request; "
                                                               "slope: two rising lines cross inside a tier"),
            },
        )
    st.caption(f"Prompt from 1K tokens to the end of the shorter window, {output_tokens:,} output tokens, "
               f"prices in force on {on.isoformat()}.")
