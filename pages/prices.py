"""Prices: the registry as a table, filtered, in any region, service tier, currency and date; price history."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.prices import price_history
from analytics.core.catalog import OPEN_WEIGHTS, filter_prices, price_choices, price_history_data, price_table
from pages.ui.common import (
    as_of,
    currency,
    http_only,
    md_escape,
    money_column,
    registry,
    show_chart,
    show_table,
    source_label,
)

reg = registry()
cur, on = currency(), as_of()
choices = price_choices(reg)

st.title("💲 Prices")
st.caption("Per 1M tokens, first (shortest-prompt) tier; later tiers are listed in the tiers column. "
           "A row with no schedule for the chosen region, service tier or date says so: unknown is not zero.")

c1, c2, c3, c4, c5 = st.columns([2, 2, 3, 2, 2])
region = c1.selectbox("Region", choices.regions, key="region", bind="query-params")
service_tier = c2.selectbox("Service tier", choices.service_tiers, key="tier", bind="query-params",
                            help="batch: asynchronous, usually half price; priority: faster, dearer")
chosen_providers = c3.multiselect("Provider", choices.providers, key="provider", bind="query-params",
                                  placeholder="all providers")
chosen_countries = c4.multiselect("Country", choices.countries, key="country", bind="query-params",
                                  placeholder="all countries")
weights = c5.selectbox("Open weights", OPEN_WEIGHTS, key="weights", bind="query-params")

table = filter_prices(price_table(reg, region=region, service_tier=service_tier, on=on, currency=cur),
                      chosen_providers, chosen_countries, weights)

shown = table.assign(link=http_only(table["source"]), where=source_label(table["source"]))[[
    "name", "provider", "country", "open_weights", "input_per_mtok", "output_per_mtok", "cache_read_per_mtok",
    "cache_write_per_mtok", "context_window", "max_input_tokens", "max_output_tokens", "long_context", "status",
    "checked_on", "link", "where",
]].reset_index(drop=True)
# no separate input cap: the prompt is bounded by the context window itself (null here is not "unknown")
shown["max_input_tokens"] = shown["max_input_tokens"].fillna(shown["context_window"])
show_table(
    shown, "prices",
    column_config={
        "name": st.column_config.TextColumn("Model", pinned=True),
        "provider": "Provider",
        "country": "Country",
        "open_weights": st.column_config.CheckboxColumn("Open weights"),
        "input_per_mtok": money_column(f"Input {cur}/1M", cur, help="uncached input"),
        "output_per_mtok": money_column(f"Output {cur}/1M", cur),
        "cache_read_per_mtok": money_column(
            f"Cache read {cur}/1M", cur, help="unknown: the provider's cache-read price is not in our sources"),
        "cache_write_per_mtok": money_column(
            f"Cache write {cur}/1M", cur, help="unknown: no separate cache-write charge is known"),
        "context_window": st.column_config.NumberColumn("Context", format="compact"),
        "max_input_tokens": st.column_config.NumberColumn("Max input", format="compact"),
        "max_output_tokens": st.column_config.NumberColumn("Max output", format="compact"),
        "long_context": "Tiers (prompt ≤ tokens: input / output)",
        "status": "Status",
        "checked_on": st.column_config.DateColumn("Checked", format="YYYY-MM-DD"),
        "link": st.column_config.LinkColumn("Source", display_text=r"https?://([^/]+)"),
        "where": "Source (text)",
    },
)
st.caption(f"{len(shown)} models · {md_escape(region)} · {service_tier} · in force on {on.isoformat()} · {cur}"
           + ("" if cur == "USD" else " (converted with data/fx.yaml)"))

st.subheader("Price history")
price_kind = st.radio("Price", ["input", "output"], horizontal=True, key="history", bind="query-params")
schedules = price_history_data(reg, table["id"].tolist(), cur, region, service_tier, on)
with_history = schedules.loc[schedules["changes"] > 1, "model"].unique().tolist()
if not with_history:
    st.info(f"No model shown above has a recorded {md_escape(region)} / {service_tier} price change: each has one "
            "price, from the day it took effect.")
else:
    fig, data = price_history(reg, price=price_kind, models=with_history, currency=cur, region=region,
                              service_tier=service_tier, on=on)
    show_chart(fig, data, "price-history")
    st.caption("Each schedule of these models, as the registry records it (a change can be in a later tier or a "
               "cache price, not only the first-tier rates drawn above):")
    # a null effective_to means "still in force", not "unknown"
    until = data["effective_to"].map(lambda day: day.isoformat() if day else "still in force")
    history = data.assign(link=http_only(data["source"]), until=until)[
        ["name", "effective_from", "until", "input_per_mtok", "output_per_mtok", "tiers", "checked_on", "link"]]
    show_table(history, "price-history", column_config={
        "name": "Model",
        "effective_from": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
        "until": st.column_config.TextColumn("Until (exclusive)"),
        "input_per_mtok": money_column(f"Input {cur}/1M", cur),
        "output_per_mtok": money_column(f"Output {cur}/1M", cur),
        "tiers": st.column_config.TextColumn("Tiers (prompt tokens: input / output)"),
        "checked_on": st.column_config.DateColumn("Checked", format="YYYY-MM-DD"),
        "link": st.column_config.LinkColumn("Source", display_text=r"https?://([^/]+)"),
    })
