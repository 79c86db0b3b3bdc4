"""Capability over time: the cheapest blended price that reaches each HLE band, by release date — the seed report's
forecast of falling inference prices, shown with the registry's data."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.history import capability_price_history
from analytics.core.history import DEFAULT_BANDS
from analytics.core.presets import RATIO_PRESETS
from analytics.core.scores import CONDITION_LABELS, CONDITIONS
from pages.ui.cache import cached
from pages.ui.common import as_of, currency, registry, show_chart, show_table, unknown_as_text

BAND_CHOICES = [20, 25, 30, 35, 40, 45, 50, 55, 60]

reg = registry()
cur, on = currency(), as_of()

st.title("📉 Capability over time")
st.caption("For each HLE band, the cheapest model released so far whose score reaches it, at the blended price "
           "in force that day. A step down is a cheaper model reaching the band, or a price cut.")

c1, c2, c3 = st.columns([3, 2, 2])
bands = c1.multiselect("HLE bands (score at least, %)", BAND_CHOICES, default=[int(b) for b in DEFAULT_BANDS],
                       key="bands", bind="query-params", help="none selected: the default bands")
# no format_func on bound widgets: the URL holds what a widget shows, and ?condition= / ?ratio= must hold the same
# values here as on Cost vs HLE (tools, 10:1), not this page's labels
condition = c2.selectbox("Condition", CONDITIONS, key="condition", bind="query-params",
                         help="; ".join(f"{c}: {CONDITION_LABELS[c]}" for c in CONDITIONS))
ratio = c3.selectbox("Blend ratio (input:output)", list(RATIO_PRESETS), key="ratio", bind="query-params",
                     help="; ".join(RATIO_PRESETS.values()))

fig, data = cached(capability_price_history, reg, bands or None, ratio, condition, currency=cur, on=on)
show_chart(fig, data, "capability-price-history")

st.subheader("Each step, and the score behind it")
show_table(
    # the answer first (band, model, price, when), the evidence after
    unknown_as_text(data[["band", "name", "blended_per_mtok", "date", "event", "score", "condition", "reporter",
                          "country"]], ["blended_per_mtok"], cur),
    "capability-price-history",
    column_config={"band": st.column_config.NumberColumn("HLE ≥", format="%g%%"), "date": "Date", "name": "Model",
                   "country": "Country", "score": st.column_config.NumberColumn("HLE", format="%.1f%%"),
                   "condition": "Condition", "reporter": "Reporter",
                   "blended_per_mtok": st.column_config.NumberColumn(f"Blended {cur}/1M"), "event": "Event"},
)
