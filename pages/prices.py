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
    http_only,
    price_choices,
    price_history_data,
    price_table,
)
from analytics.core.errors import AnalyticsError, RegistryError
from analytics.formatting import tier_prices_text
from pages.ui.cache import cached
from pages.ui.common import (
    YOUR_PRICES_KEY,
    apply_your_prices,
    as_of,
    base_registry,
    currency,
    md_escape,
    money_column,
    registry,
    show_chart,
    show_table,
)

st.title("💲 Prices")
st.caption("Per 1M tokens, first (shortest-prompt) tier; a model whose price depends on the prompt's length lists "
           "every tier beside its prices. A row with no schedule for the chosen region, service tier or date says "
           "so: unknown is not zero.")

with st.expander("💼 Your prices: upload an overrides.yaml (this session only)",
                 expanded=bool(st.session_state.get(YOUR_PRICES_KEY))):
    st.markdown("A discount per provider or model, or replacement price schedules with your contract reference "
                "(`overrides:` entries, see `data/README.md`). Every page then prices with them and says so; the "
                "file stays in this browser session and is never saved.")
    # a new key empties the uploader when the user goes back to the list prices
    upload = st.file_uploader("overrides.yaml", type=["yaml", "yml"], label_visibility="collapsed",
                              key=f"your-prices-file-{st.session_state.get('your-prices-round', 0)}")
    if upload is not None:
        data = upload.getvalue()
        try:
            apply_your_prices(base_registry(), upload.name, data)
        except RegistryError as exc:
            st.error(f"{md_escape(upload.name)} was not applied ({len(exc.problems)} problem(s)):\n\n"
                     + "\n".join(f"- {md_escape(p)}" for p in exc.problems[:20]), icon="🚫")
        except AnalyticsError as exc:
            st.error(f"{md_escape(upload.name)} was not applied: {md_escape(exc)}", icon="🚫")
        else:
            if st.session_state.get(YOUR_PRICES_KEY) != (upload.name, data):
                st.session_state[YOUR_PRICES_KEY] = (upload.name, data)
                st.rerun()  # the shared sidebar, drawn before this page, says so from the next run on
    if st.session_state.get(YOUR_PRICES_KEY):
        name = st.session_state[YOUR_PRICES_KEY][0]
        st.success(f"Your prices from {md_escape(name)} are in use on every page.", icon="✅")
        if st.button("Back to the list prices", key="your-prices-clear"):
            del st.session_state[YOUR_PRICES_KEY]
            st.session_state["your-prices-round"] = st.session_state.get("your-prices-round", 0) + 1
            st.rerun()

reg = registry()
cur, on = currency(), as_of()
choices = price_choices(reg)

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
min_context = c6.selectbox("Context window at least", list(CONTEXT_CHOICES), key="context", bind="query-params",
                           help="The model's context window in tokens (prompt and output together)")
priced_only = c7.toggle("Hide models without a price", key="priced", bind="query-params",
                        help="Retired or not yet released on the date chosen, or no schedule for this region and "
                             "service tier")

table = filter_prices(cached(price_table, reg, region=region, service_tier=service_tier, on=on, currency=cur),
                      chosen_providers, chosen_countries, weights, CONTEXT_CHOICES[min_context],
                      priced_only)

# the columns a buyer compares first: the model, its prices and tiers, its window; the rest after
yours = reg.overlay_label() is not None
shown = table.assign(link=http_only(table["source"]),
                     tier_text=[tier_prices_text(t, cur) for t in table["tier_prices"]])[[
    "name", "input_per_mtok", "output_per_mtok", "tier_text", *(["your_prices"] if yours else []),
    "cache_read_per_mtok", "cache_write_per_mtok", "context_window", "max_input_tokens", "max_output_tokens",
    "provider", "country", "open_weights", "status", "checked_on", "link",
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
        "your_prices": st.column_config.TextColumn("Your prices", help="the override that priced this row; "
                                                   "empty: the list price"),
    },
)
st.caption(f"{len(shown)} models · {md_escape(region)} · {service_tier} · in force on {on.isoformat()} · {cur}"
           + ("" if cur == "USD" else " (converted with data/fx.yaml)"))

st.subheader("Price history")
price_kind = st.radio("Price", ["input", "output"], horizontal=True, key="history", bind="query-params")
schedules = cached(price_history_data, reg, table["id"].tolist(), cur, region, service_tier, on)
changed = drawn_price_changes(schedules, price_kind)
if not changed:
    st.info(f"No model shown above has a recorded {md_escape(region)} / {service_tier} change of its first-tier "
            f"{price_kind} price.")
else:
    fig, data = cached(price_history, reg, price=price_kind, models=changed, currency=cur, region=region,
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
