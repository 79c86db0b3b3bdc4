"""Overview: what the dashboard answers and the registry's price table."""

import streamlit as st

from analytics.catalog import price_table
from pages.common import registry, sidebar_currency_and_date

reg = registry()
currency, on = sidebar_currency_and_date(reg)

st.title("LLM cost-performance")
st.caption(
    "Which model gives the most capability per dollar, and what does a request or an agent task really cost? "
    "Every figure below comes from a dated, sourced record in the registry (data/)."
)
table = price_table(reg, on=on, currency=currency)
st.dataframe(
    table[["name", "provider", "country", "context_window", "input_per_mtok", "output_per_mtok",
           "cache_read_per_mtok", "long_context", "checked_on", "source"]],
    hide_index=True,
    column_config={
        "name": "Model",
        "context_window": st.column_config.NumberColumn("Context", format="compact"),
        "input_per_mtok": st.column_config.NumberColumn(f"Input {currency}/1M", format="%.3f"),
        "output_per_mtok": st.column_config.NumberColumn(f"Output {currency}/1M", format="%.3f"),
        "cache_read_per_mtok": st.column_config.NumberColumn(f"Cache read {currency}/1M", format="%.3f"),
        "long_context": "Long-context tiers",
        "checked_on": st.column_config.DateColumn("Checked"),
        "source": st.column_config.LinkColumn("Source"),
    },
)
st.caption(f"Registry as of {reg.as_of()}. Empty cells are unknown prices, never zero.")
