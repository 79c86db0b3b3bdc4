"""Overview: what the dashboard answers, today's flagship of each provider with its prices, what became of the
seed report's models, cost vs HLE at a glance, and when each figure was last checked."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.cost_vs_hle import cost_vs_hle
from analytics.core.catalog import flagship_table, seed_models_now
from analytics.core.presets import SEED_DATE, SEED_MODELS, SEED_VIEW, headline_models
from analytics.core.scores import results_frame
from pages.ui.cache import cached
from pages.ui.common import (
    ON_KEY,
    VIEW_KEY,
    as_of,
    currency,
    money_column,
    registry,
    seed_view,
    show_chart,
    show_table,
    view_models,
)
from pages.ui.guide import task_guide

reg = registry()
cur, on = currency(), as_of()

st.title("💸 LLM cost-performance")
st.markdown(
    "Which model gives the most capability per dollar? What does one request, or one agent task, really cost once "
    "long-context tiers and caching are counted? Every figure here comes from a dated, sourced record in the "
    "registry (`data/`); an unknown price is shown as **unknown**, never as zero."
)
task_guide()

with st.container():
    shown_ids = view_models() or cached(headline_models, reg, on)
    if seed_view():
        st.subheader(f"The seed report's models, as they stood on {on.isoformat()}")
    else:
        st.subheader(f"Each provider's flagship on {on.isoformat()}")
    shown = cached(flagship_table, reg, list(shown_ids), on=on, currency=cur)
    show_table(
        shown, "overview-prices",
        column_config={
            "name": st.column_config.TextColumn("Model", pinned=True),
            "provider": "Provider",
            "lifecycle": "Status",
            "input_per_mtok": money_column(f"Input {cur}/1M", cur),
            "output_per_mtok": money_column(f"Output {cur}/1M", cur),
            "context_window": st.column_config.NumberColumn("Context", format="compact"),
            "long_context": "Long-context tiers (input / output)",
            "checked_on": st.column_config.DateColumn("Last checked", format="YYYY-MM-DD"),
            "link": st.column_config.LinkColumn("Source", display_text=r"https?://([^/]+)"),
        },
    )
    st.caption(f"Prices in force on {on.isoformat()}, global standard tier, in {cur}; first tier (later tiers "
               "re-price the whole request). A flagship is the provider's newest top general model that can be "
               "called that day; the Prices page lists all of them.")

with st.container():
    st.subheader("What became of the seed report's models")
    st.markdown(f"The *seed report* is the January 2026 market report the project grew from: it compared "
                f"{len(SEED_MODELS)} models on {SEED_DATE:%Y-%m-%d}. Where each stands on {on.isoformat()}:")
    now = cached(seed_models_now, reg, on)
    show_table(now[["name", "provider", "lifecycle", "successor_name"]], "overview-seed-now",
               column_config={"name": "Seed model", "provider": "Provider", "lifecycle": "Status",
                              "successor_name": "Replaced by"})
    retired = now[now["status_code"] == "retired"]
    if not retired.empty:
        st.caption(f"{len(retired)} of the seed's {len(SEED_MODELS)} models can no longer be called: "
                   + "; ".join(f"{r.name} (retired {r.retired_on}, replaced by {r.successor_name})"
                               for r in retired.itertuples()) + ".")
    st.page_link("pages/cost_vs_hle.py", label="Open the seed report's comparison as it stood", icon="📄",
                 query_params={VIEW_KEY: SEED_VIEW, ON_KEY: SEED_DATE.isoformat()})
    hle = cached(results_frame, reg)
    if not hle.empty:
        st.caption(f"HLE scores: {len(hle)} reports from {hle['reporter'].nunique()} reporters, published "
                   f"{hle['date'].min().isoformat()} to {hle['date'].max().isoformat()}.")

st.subheader("Cost vs HLE at a glance")
left, right = st.columns([3, 1], gap="large")
fig, data = cached(cost_vs_hle, reg, currency=cur, on=on, models=view_models())
with left:
    show_chart(fig, data, "cost-vs-hle")
with right:
    frontier = data[data["on_frontier"]].sort_values("blended_per_mtok")["name"].tolist()
    st.markdown("**On the frontier** (no model is both cheaper and better):")
    for name in frontier:
        st.text(f"• {name}")
    st.caption("Models that can be called on the as-of date; HLE with tools as the labs and the benchmark's "
               "maintainers report it (no disputed figure), blended at 3:1. Change the policy on the Cost vs HLE "
               "page.")

st.subheader("Go deeper")
cols = st.columns(4)
cols[0].page_link("pages/prices.py", label="Prices, tiers and sources", icon="💲")
cols[1].page_link("pages/blended.py", label="Blended price at your ratio", icon="⚖️")
cols[2].page_link("pages/context_tiers.py", label="Cost by prompt length", icon="📏")
cols[3].page_link("pages/cost_vs_hle.py", label="Cost vs HLE, your policy", icon="🎯")
