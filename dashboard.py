"""The dashboard's entry point and router: page config, navigation, the shared sidebar, then the chosen page."""

import streamlit as st

from pages.common import registry, shared_sidebar

st.set_page_config(page_title="LLM cost-performance", page_icon="💸", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="🏠", default=True),
    st.Page("pages/prices.py", title="Prices", icon="💲"),
    st.Page("pages/blended.py", title="Blended price", icon="⚖️"),
    st.Page("pages/context_tiers.py", title="Context tiers", icon="📏"),
    st.Page("pages/cost_vs_hle.py", title="Cost vs HLE", icon="🎯"),
    st.Page("pages/history.py", title="Capability over time", icon="📉"),
    st.Page("pages/replay.py", title="Replay usage", icon="🧾"),
    st.Page("pages/workloads.py", title="Agent workloads", icon="🤖"),
]

page = st.navigation(PAGES)
shared_sidebar(registry())
page.run()
