"""Prices: the registry as a table, filtered, in any region, service tier, currency and date; price history."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.prices import price_history
from analytics.core.catalog import (
    CONTEXT_CHOICES,
    OPEN_WEIGHTS,
    drawn_price_changes,
    filter_prices,
    price_choices,
    price_history_data,
    price_table,
)
from analytics.formatting import tier_prices_text, tokens
from pages.ui.common import (
    as_of,
    currency,
    http_only,
    md_escape,
    money_column,
    registry,
    show_chart,
    show_table,
)

reg = registry()
cur, on = currency(), as_of()
choices = price_choices(reg)

st.title("💲 Prices")
st.caption("Per 1M tokens, first (shortest-prompt) tier; a model whose price depends on the prompt's length lists "
           "every tier beside its prices. A row with no schedule for the chosen region, service tier or date says "
           "so: unknown is not zero.")

c1, c2, c3, c4 = st.columns([2, 2, 3, 2])
region = c1.selectbox("Region", choices.regions, key="region", bind="query-params")
service_tier = c2.selectbox("Service tier", choices.service_tiers, key="tier", bind="query-params",
                            help="batch: asynchronous, usually half price; priority: faster, dearer")
chosen_providers = c3.multiselect("Provider", choices.providers, key="provider", bind="query-params",
                                  placeholder="all providers")
chosen_countries = c4.multiselect("Country", choices.countries, key="country", bind="query-params",
                                  placeholder="all countries")
c5, c6, c7 = st.columns([2, 2, 5], vertical_alignment="bottom")
weights = c5.selectbox("Open weights", OPEN_WEIGHTS, key="weights", bind="query-params")
min_context = c6.selectbox("Context window at least", CONTEXT_CHOICES, key="context", bind="query-params",
                           format_func=lambda n: "any" if n == 0 else f"{tokens(n)} tokens",
                           help="The model's context window (prompt and output together, or its input cap)")
priced_only = c7.toggle("Hide models without a price", key="priced", bind="query-params",
                        help="Retired or not yet released on the date chosen, or no schedule for this region and "
                             "service tier")

table = filter_prices(price_table(reg, region=region, service_tier=service_tier, on=on, currency=cur),
                      chosen_providers, chosen_countries, weights, min_context, priced_only)

# the columns a buyer compares first: the model, its prices and tiers, its window; the rest after
shown = table.assign(link=http_only(table["source"]),
                     tier_text=[tier_prices_text(t, cur) for t in table["tier_prices"]])[[
    "name", "input_per_mtok", "output_per_mtok", "tier_text", "cache_read_per_mtok", "cache_write_per_mtok",
    "context_window", "max_input_tokens", "max_output_tokens", "provider", "country", "open_weights", "status",
    "checked_on", "link",
]].reset_index(drop=True)
# no separate input cap: the prompt is bounded by the context window itself (null here is not "unknown")
shown["max_input_tokens"] = shown["max_input_tokens"].fillna(shown["context_window"])
show_table(
    shown, "prices", height=min(len(shown), 30) * 35 + 40,  # every row on screen up to 30, then a scrollbar
    column_config={
        "name": st.column_config.TextColumn("Model", pinned=True),
        "input_per_mtok": money_column(f"Input {cur}/1M", cur, help="uncached input, first tier"),
        "output_per_mtok": money_column(f"Output {cur}/1M", cur, help="first tier"),
        "tier_text": st.column_config.TextColumn(
            f"Tiers (prompt tokens: input / output, {cur}/1M)",
            help="Where the price depends on the prompt's length: the whole request is billed at the tier its "
                 "prompt falls in"),
        "cache_read_per_mtok": money_column(
            f"Cache read {cur}/1M", cur, help="unknown: the provider's cache-read price is not in our sources"),
        "cache_write_per_mtok": money_column(
            f"Cache write {cur}/1M", cur, help="unknown: no separate cache-write charge is known"),
        "context_window": st.column_config.NumberColumn("Context", format="compact"),
        "max_input_tokens": st.column_config.NumberColumn("Max input", format="compact"),
        "max_output_tokens": st.column_config.NumberColumn("Max output", format="compact"),
        "provider": "Provider",
        "country": "Country",
        "open_weights": st.column_config.CheckboxColumn("Open weights"),
        "status": "Status",
        "checked_on": st.column_config.DateColumn("Checked", format="YYYY-MM-DD"),
        "link": st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?([^/]+)"),
    },
)
st.caption(f"{len(shown)} models · {md_escape(region)} · {service_tier} · in force on {on.isoformat()} · {cur}"
           + ("" if cur == "USD" else " (converted with data/fx.yaml)"))

st.subheader("Price history")
price_kind = st.radio("Price", ["input", "output"], horizontal=True, key="history", bind="query-params")
schedules = price_history_data(reg, table["id"].tolist(), cur, region, service_tier, on)
changed = drawn_price_changes(schedules, price_kind)
if not changed:
    st.info(f"No model shown above has a recorded {md_escape(region)} / {service_tier} change of its first-tier "
            f"{price_kind} price.")
else:
    fig, data = price_history(reg, price=price_kind, models=changed, currency=cur, region=region,
                              service_tier=service_tier, on=on)
    show_chart(fig, data, "price-history")
several = schedules[schedules["changes"] > 1]
if not several.empty:
    st.caption("Every schedule of the models above that have more than one, as the registry records it (a change "
               "can be in a later tier or a cache price: those are listed here, not drawn):")
    # a null effective_to means "still in force", not "unknown"
    until = several["effective_to"].map(lambda day: day.isoformat() if day else "still in force")
    history = several.assign(link=http_only(several["source"]), until=until,
                             tier_text=[tier_prices_text(t, cur) for t in several["tier_prices"]])[
        ["name", "effective_from", "until", "input_per_mtok", "output_per_mtok", "tier_text", "checked_on", "link"]]
    show_table(history, "price-history", column_config={
        "name": "Model",
        "effective_from": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
        "until": st.column_config.TextColumn("Until (exclusive)"),
        "input_per_mtok": money_column(f"Input {cur}/1M", cur),
        "output_per_mtok": money_column(f"Output {cur}/1M", cur),
        "tier_text": st.column_config.TextColumn(f"Tiers (prompt tokens: input / output, {cur}/1M)"),
        "checked_on": st.column_config.DateColumn("Checked", format="YYYY-MM-DD"),
        "link": st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?([^/]+)"),
    })
