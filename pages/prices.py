"""Prices: the registry as a table, filtered, in any region, service tier, currency and date; price history."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.prices import price_history
from analytics.core.catalog import OPEN_WEIGHTS, filter_prices, price_choices, price_history_data, price_table
from analytics.core.errors import AnalyticsError, RegistryError
from pages.ui.cache import cached
from pages.ui.common import (
    YOUR_PRICES_KEY,
    apply_your_prices,
    as_of,
    base_registry,
    currency,
    http_only,
    md_escape,
    money_column,
    registry,
    show_chart,
    show_table,
    source_label,
)

st.title("💲 Prices")
st.caption("Per 1M tokens, first (shortest-prompt) tier; later tiers are listed in the tiers column. "
           "A row with no schedule for the chosen region, service tier or date says so: unknown is not zero.")

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

c1, c2, c3, c4, c5 = st.columns([2, 2, 3, 2, 2])
region = c1.selectbox("Region", choices.regions, key="region", bind="query-params")
service_tier = c2.selectbox("Service tier", choices.service_tiers, key="tier", bind="query-params",
                            help="batch: asynchronous, usually half price; priority: faster, dearer")
chosen_providers = c3.multiselect("Provider", choices.providers, key="provider", bind="query-params",
                                  placeholder="all providers")
chosen_countries = c4.multiselect("Country", choices.countries, key="country", bind="query-params",
                                  placeholder="all countries")
weights = c5.selectbox("Open weights", OPEN_WEIGHTS, key="weights", bind="query-params")

table = filter_prices(cached(price_table, reg, region=region, service_tier=service_tier, on=on, currency=cur),
                      chosen_providers, chosen_countries, weights)

yours = reg.overlay_label() is not None
shown = table.assign(link=http_only(table["source"]), where=source_label(table["source"]))[[
    "name", "provider", "country", "open_weights", "input_per_mtok", "output_per_mtok", "cache_read_per_mtok",
    "cache_write_per_mtok", "context_window", "max_input_tokens", "max_output_tokens", "long_context", "status",
    "checked_on", "link", "where", *(["your_prices"] if yours else []),
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
        "your_prices": st.column_config.TextColumn("Your prices", help="the override that priced this row; "
                                                   "empty: the list price"),
    },
)
st.caption(f"{len(shown)} models · {md_escape(region)} · {service_tier} · in force on {on.isoformat()} · {cur}"
           + ("" if cur == "USD" else " (converted with data/fx.yaml)"))

st.subheader("Price history")
price_kind = st.radio("Price", ["input", "output"], horizontal=True, key="history", bind="query-params")
schedules = cached(price_history_data, reg, table["id"].tolist(), cur, region, service_tier, on)
with_history = schedules.loc[schedules["changes"] > 1, "model"].unique().tolist()
if not with_history:
    st.info(f"No model shown above has a recorded {md_escape(region)} / {service_tier} price change: each has one "
            "price, from the day it took effect.")
else:
    fig, data = cached(price_history, reg, price=price_kind, models=with_history, currency=cur, region=region,
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
