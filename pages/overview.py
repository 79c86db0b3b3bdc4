"""Overview: what the dashboard answers, the seed models' prices, cost vs HLE at a glance, and when each figure
was last checked."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.cost_vs_hle import cost_vs_hle
from analytics.core.catalog import price_table
from analytics.core.scores import results_frame
from pages.ui.common import as_of, currency, http_only, money_column, registry, show_chart, show_table, source_label
from pages.ui.guide import task_guide

# The five models of the seed report's price table, in its order. (A comment, not a docstring: Streamlit's
# "magic" would print a bare string on the page.)
SEED_MODELS = ["qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5"]

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
    st.subheader("The seed report's models")
    table = price_table(reg, on=on, currency=cur)
    order = {m: i for i, m in enumerate(SEED_MODELS)}
    seed = table[table["id"].isin(SEED_MODELS)].assign(_o=lambda d: d["id"].map(order)).sort_values("_o")
    seed = seed.assign(link=http_only(seed["source"]), where=source_label(seed["source"]))
    shown = seed[["name", "provider", "country", "input_per_mtok", "output_per_mtok", "context_window",
                  "long_context", "checked_on", "link"]].reset_index(drop=True)
    show_table(
        shown, "overview-prices",
        column_config={
            "name": st.column_config.TextColumn("Model", pinned=True),
            "provider": "Provider",
            "country": "Country",
            "input_per_mtok": money_column(f"Input {cur}/1M", cur),
            "output_per_mtok": money_column(f"Output {cur}/1M", cur),
            "context_window": st.column_config.NumberColumn("Context", format="compact"),
            "long_context": "Long-context tiers (input / output)",
            "checked_on": st.column_config.DateColumn("Last checked", format="YYYY-MM-DD"),
            "link": st.column_config.LinkColumn("Source", display_text=r"https?://([^/]+)"),
        },
    )
    st.caption(f"Prices in force on {on.isoformat()}, global standard tier, in {cur}. "
               "The seed report quoted the first tier only; later tiers re-price the whole request.")
    hle = results_frame(reg)
    if not hle.empty:
        st.caption(f"HLE scores: {len(hle)} reports from {hle['reporter'].nunique()} reporters, published "
                   f"{hle['date'].min().isoformat()} to {hle['date'].max().isoformat()}.")

st.subheader("Cost vs HLE at a glance")
left, right = st.columns([3, 1], gap="large")
fig, data = cost_vs_hle(reg, currency=cur, on=on)
with left:
    show_chart(fig, data, "cost-vs-hle")
with right:
    frontier = data[data["on_frontier"]].sort_values("blended_per_mtok")["name"].tolist()
    st.markdown("**On the frontier** (no model is both cheaper and better):")
    for name in frontier:
        st.text(f"• {name}")
    st.caption("Best available HLE score from any reporter, blended at 3:1. Change the policy on the "
               "Cost vs HLE page.")

st.subheader("Go deeper")
cols = st.columns(4)
cols[0].page_link("pages/prices.py", label="Prices, tiers and sources", icon="💲")
cols[1].page_link("pages/blended.py", label="Blended price at your ratio", icon="⚖️")
cols[2].page_link("pages/context_tiers.py", label="Cost by prompt length", icon="📏")
cols[3].page_link("pages/cost_vs_hle.py", label="Cost vs HLE, your policy", icon="🎯")
